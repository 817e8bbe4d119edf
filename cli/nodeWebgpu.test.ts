/**
 * WebGPU in Node (Dawn's bindings; on a machine without a GPU, Chromium's SwiftShader Vulkan driver): the same
 * model trains on webgpu as on wasm, step for step within float32 round-off; looks inside (attention, logit lens)
 * read the same; the tensor count stays flat; the backend's self-check passes, and one that fails sends the
 * worker to wasm, saying why; the worker's watch sees an uncaptured error and a lost device; and the CLI, asked
 * for webgpu where there is no adapter, refuses with exit 2 and says how to get one.
 *
 * These replace the slow SwiftShader-in-Chromium checks, as does cli/sessionGpuFault.test.ts (a lost device mid-run).
 * Where neither a GPU nor SwiftShader is installed they are skipped, unless COT_REQUIRE_WEBGPU=1 (CI) makes a
 * missing adapter a failure.
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import { ArmTrainer } from '../src/train/arm';
import { selfCheck, SELF_CHECK_TOLERANCE } from '../src/train/selfCheck';
import { chooseBackend, injectGpuFault, watchDevice } from '../src/worker/gpu';
import { inspectArm } from '../src/worker/inspect';
import { installNodeWebgpu, type NodeAdapter } from './nodeWebgpu';

tf.env().set('PROD', true); // no advice to install tfjs-node
const adapter: NodeAdapter | null = await installNodeWebgpu().catch((e: Error) => {
  if (process.env.COT_REQUIRE_WEBGPU === '1') throw e;
  return null;
});

const tiny: Config = { ...DEFAULT_CONFIG, entities: 40, relations: 8, degree: 4, layers: 1, heads: 2, dModel: 32, batch: 32, evalSize: 50 };

async function on<T>(backend: 'wasm' | 'webgpu' | 'cpu', f: () => Promise<T>): Promise<T> {
  expect(await tf.setBackend(backend)).toBe(true);
  return f();
}

/** `n` training steps; the losses read back once, at the end. */
async function losses(t: ArmTrainer, n: number): Promise<number[]> {
  const ls: tf.Scalar[] = [];
  for (let i = 0; i < n; i++) ls.push(t.trainStep());
  const out = (await Promise.all(ls.map((l) => l.data()))).map((d) => d[0]);
  for (const l of ls) l.dispose();
  return out;
}

const relative = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.max(1e-6, Math.abs(b[i]))));

describe.skipIf(adapter === null)(`webgpu in Node (${adapter?.name ?? 'no adapter'})`, () => {
  // a two-block model: the default one (4 × 128, batch 256) runs at 0.03 steps/s on SwiftShader here (docs/results/webgpu/)
  it('3 training steps of each arm give the losses of the wasm path (float32 round-off)', { timeout: 300_000 }, async () => {
    const config: Config = { ...tiny, layers: 2 };
    const data = generateDataset(config);
    for (const arm of ['cot', 'direct'] as const) {
      const gpu = await on('webgpu', async () => {
        const t = new ArmTrainer(config, data, arm);
        const l = await losses(t, 3);
        t.dispose();
        return l;
      });
      const wasm = await on('wasm', async () => {
        const t = new ArmTrainer(config, data, arm);
        const l = await losses(t, 3);
        t.dispose();
        return l;
      });
      expect(gpu.every(Number.isFinite), arm).toBe(true);
      expect(relative(gpu, wasm), `${arm}: webgpu ${gpu.join(', ')} vs wasm ${wasm.join(', ')}`).toBeLessThan(1e-4);
      // and the steps did something: the loss moves
      expect(gpu[2]).not.toBe(gpu[0]);
    }
  });

  it('looks inside read the same on webgpu as on cpu: attention weights and the lens ranks', { timeout: 300_000 }, async () => {
    const data = generateDataset(tiny);
    const item = data.splits.find((s) => s.role === 'headline')!.items[0];
    const read = (backend: 'webgpu' | 'cpu') =>
      on(backend, async () => {
        const t = new ArmTrainer(tiny, data, 'cot');
        await losses(t, 2);
        const r = await inspectArm(t, data, item.prompt);
        t.dispose();
        return r;
      });
    const gpu = await read('webgpu');
    const cpu = await read('cpu');
    expect(gpu.attention.tokens).toEqual(cpu.attention.tokens);
    const w = Array.from(gpu.attention.weights);
    const ref = Array.from(cpu.attention.weights);
    expect(Math.max(...w.map((x, i) => Math.abs(x - ref[i])))).toBeLessThan(1e-4);
    expect(gpu.lens.top).toEqual(cpu.lens.top);
    expect(gpu.attention.generated).toEqual(cpu.attention.generated);
  });

  it('leaks nothing: tensor count and bytes are the same after 3 and after 15 steps, and back after dispose', { timeout: 300_000 }, async () => {
    await on('webgpu', async () => {
      const data = generateDataset(tiny);
      const before = tf.memory().numTensors;
      const t = new ArmTrainer(tiny, data, 'direct');
      await losses(t, 3);
      const after3 = { n: tf.memory().numTensors, bytes: tf.memory().numBytes };
      await losses(t, 12);
      expect({ n: tf.memory().numTensors, bytes: tf.memory().numBytes }).toEqual(after3);
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it("passes the backend's self-check against cpu", { timeout: 120_000 }, async () => {
    await on('webgpu', async () => {
      const r = await selfCheck('webgpu');
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(r.error).toBeLessThan(SELF_CHECK_TOLERANCE);
    });
  });

  it("the worker's backend choice: webgpu when it passes its self-check, else wasm, saying why", { timeout: 120_000 }, async () => {
    const ok = await chooseBackend('webgpu', { config: null, arm: 'cot', earlierFault: null });
    // the adapter it found, named for the badge
    expect(ok).toEqual({ backend: 'webgpu', fallbacks: [], adapter: { name: expect.stringMatching(/\S/), software: expect.any(Boolean) } });
    const bad = await chooseBackend('webgpu', { config: null, arm: 'cot', earlierFault: null, selfCheckError: 1 });
    expect(bad.backend).toBe('wasm');
    expect(bad.fallbacks.join('\n')).toMatch(/^webgpu: failed its self-check: gradients differ from cpu's by \d\.\de[+-]\d+ \(relative; tolerance 1e-3\)$/m);
  });

  // last: the device is destroyed at the end
  it("the worker's watch sees an uncaptured WebGPU error, then a lost device, each in words", { timeout: 120_000 }, async () => {
    await on('webgpu', async () => {
      const faults: string[] = [];
      watchDevice((why) => faults.push(why));
      injectGpuFault('gpu-error');
      await expect.poll(() => faults.length, { timeout: 20_000 }).toBe(1);
      expect(faults[0]).toMatch(/^an uncaptured WebGPU error \(.+\)$/);
      injectGpuFault('device-lost');
      await expect.poll(() => faults.length, { timeout: 20_000 }).toBe(2);
      expect(faults[1]).toMatch(/^its WebGPU device was lost \(destroyed/);
    });
  });
});

describe('the CLI without an adapter', () => {
  it('--backend webgpu: exit 2, and the message says how to get an adapter', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/experiment.ts', '?entities=40&relations=8&degree=4&steps=2', '--backend', 'webgpu'], {
      env: { ...process.env, COT_NO_GPU_ADAPTER: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--backend webgpu: no WebGPU adapter/);
    expect(r.stderr).toMatch(/apt install chromium libvulkan1/);
    expect(r.stdout).not.toMatch(/^step /m);
  });
});
