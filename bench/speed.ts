/** `npm run bench` after its arguments are checked (bench/main.ts): runs the measurements, prints, writes JSON. */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import { configToQuery } from '../src/experiment/link';
import { enableRelaxedSimdInNode } from '../src/model/kernels/node';
import { kernelVariant, setGemmThreads } from '../src/model/kernels/wasm';
import { fastKernelsActive } from '../src/model/ops';
import { installNodeWebgpu } from '../cli/nodeWebgpu';
import { countGpuCalls, type GpuCalls } from './gpuCalls';
import type { BenchOptions } from './main';
import { pytorchFixedRate, pytorchPresetRate, type PytorchRate } from './pytorch';
import {
  PYTORCH_STEPS_PER_SEC,
  evalSeconds,
  fixedWorkload,
  measure,
  presetWorkload,
  profileStep,
  stepFlops,
  timeToGap,
  withReferencePath,
  type GapResult,
  type KernelTime,
  type Rate,
  type Shapes,
  type Workload,
} from './measurements';

interface ShapeResult extends Rate {
  path: string;
  naive?: Rate;
}
interface BackendResult {
  /** Absent with --preset-only. */
  fixed?: ShapeResult;
  preset: ShapeResult;
  evalSeconds?: number;
}
export interface BenchJson {
  machine: string;
  kernels: string | null;
  /** Threads the wasm GEMMs were split over (--threads). */
  gemmThreads: number;
  backends: Partial<Record<'wasm' | 'cpu' | 'webgpu', BackendResult>>;
  /** On webgpu: the adapter as its driver names it, and what one preset training step asks of the GPU. */
  webgpu?: { adapter: string; software: boolean; perPresetStep: GpuCalls };
  timeToGapSeconds: number | null;
  gap?: GapResult;
  profile: KernelTime[];
  kernelsPerStep: number | null;
  kernelsPerStepByPath: Record<string, number>;
  /** Kernels that do work (not Identity/Reshape, which only touch metadata): GPU dispatches on webgpu. */
  dispatchesPerStepByPath: Record<string, number>;
  flopsPerStep: Record<Shapes, number>;
  /** The reference's recorded figures (another machine, another run): kept for comparison with earlier reports. */
  pytorchStepsPerSec: typeof PYTORCH_STEPS_PER_SEC;
  /** python/train.py's model on each shapes, this machine, this run, one CPU thread (bench/pytorch.ts); with wasm's ratio to it. */
  pytorchSameRun?: Record<Shapes, SameRunRate>;
}
export type SameRunRate = PytorchRate & { wasmRatio?: number };

const log = (s: string) => process.stderr.write(`${s}\n`);

/** `preset`: the experiment measured as the preset and trained by --gap (the default one unless --link). */
export async function runBench(o: BenchOptions, preset: Config = DEFAULT_CONFIG): Promise<number> {
  if (o.browser.length) {
    const { runBrowserBench } = await import('./browserSpeed');
    const result = await runBrowserBench(o.browser, log);
    process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ browser: result }, null, 1)}\n`);
    return 0;
  }
  if (o.relaxed) await enableRelaxedSimdInNode();
  const os = await import('node:os');
  const config = { ...preset };
  const data = generateDataset(config);
  const out: BenchJson = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`,
    kernels: null,
    gemmThreads: 1,
    backends: {},
    timeToGapSeconds: null,
    profile: [],
    kernelsPerStep: null,
    kernelsPerStepByPath: {},
    dispatchesPerStepByPath: {},
    flopsPerStep: { fixed: 0, preset: 0 },
    pytorchStepsPerSec: PYTORCH_STEPS_PER_SEC,
  };
  const short = o.quick ? 0.5 : 1;
  for (const backend of o.backends) {
    const adapter = backend === 'webgpu' ? await installNodeWebgpu() : null;
    if (adapter) log(`webgpu: adapter ${adapter.name}${adapter.software ? ' (software, on the CPU: no GPU adapter found)' : ''}`);
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
    await tf.ready();
    const path = !fastKernelsActive() ? 'tfjs ops' : backend === 'webgpu' ? 'WGSL kernels' : `wasm kernels (${kernelVariant()})`;
    if (backend === 'wasm') {
      out.kernels = fastKernelsActive() ? kernelVariant() : null;
      out.gemmThreads = o.threads > 1 ? await setGemmThreads(o.threads) : 1;
    }
    log(`${backend}: ${path}${backend === 'wasm' ? `, GEMMs on ${out.gemmThreads} thread(s)` : ''}`);
    const gpu = adapter !== null && !adapter.software; // a real GPU: time it as long as wasm
    const timing = (shapes: Shapes) =>
      backend === 'wasm' || gpu
        ? shapes === 'fixed'
          ? { warm: 5, reps: o.quick ? 1 : 3, minSeconds: 2 * short, maxSteps: 500 }
          : { warm: 2, reps: o.quick ? 1 : 3, minSeconds: 3 * short, maxSteps: 100 }
        : shapes === 'fixed'
          ? { warm: 1, reps: 1, minSeconds: 3 * short, maxSteps: 40 }
          : { warm: 1, reps: 1, minSeconds: 0, maxSteps: 2 }; // the cpu backend (and SwiftShader) are slow on preset shapes
    const run = async (make: () => Workload, shapes: Shapes): Promise<ShapeResult> => {
      const w = make();
      out.flopsPerStep[shapes] = stepFlops(w.model, w.batch, w.seq);
      const fast = await measure(w, timing(shapes));
      w.dispose();
      log(`  ${shapes}: ${fast.stepsPerSec.toFixed(2)} steps/s`);
      const result: ShapeResult = { path, ...fast };
      if (o.naive && backend === 'wasm') {
        result.naive = await withReferencePath(async () => {
          const wr = make();
          const t = timing(shapes);
          const r = await measure(wr, { ...t, warm: Math.min(t.warm, 2), reps: 1, maxSteps: shapes === 'fixed' ? 100 : 8 });
          wr.dispose();
          return r;
        }, true);
        log(`  ${shapes} (tfjs ops, tfjs matmul gradient): ${result.naive.stepsPerSec.toFixed(2)} steps/s`);
      }
      return result;
    };
    const fixed = o.presetOnly ? undefined : await run(fixedWorkload, 'fixed');
    const preset = await run(() => presetWorkload(config, data), 'preset');
    const res: BackendResult = { fixed, preset };
    if (adapter) {
      const w = presetWorkload(config, data);
      (await settled(w.step())).dispose(); // shaders compiled, buffers allocated
      const calls = countGpuCalls();
      try {
        (await settled(w.step())).dispose();
        out.webgpu = { adapter: adapter.name, software: adapter.software, perPresetStep: calls.read() };
      } finally {
        calls.restore();
        w.dispose();
      }
      const c = out.webgpu.perPresetStep;
      log(`  one preset step: ${c.dispatches} dispatches, ${c.submits} submits, ${c.writes} buffer writes, ${c.readbacks} readbacks (the loss)`);
    }
    if (backend === 'wasm') {
      const w = presetWorkload(config, data);
      w.step().dispose();
      const p = await profileStep(w);
      out.profile = p.byKernel;
      out.kernelsPerStep = p.kernels;
      out.kernelsPerStepByPath[path] = p.kernels;
      out.dispatchesPerStepByPath[path] = p.dispatches;
      w.dispose();
      const ref = await referenceKernelCount(config);
      out.kernelsPerStepByPath['tfjs ops (webgpu/webgl/cpu)'] = ref.kernels;
      out.dispatchesPerStepByPath['tfjs ops (webgpu/webgl/cpu)'] = ref.dispatches;
      res.evalSeconds = await evalSeconds(config, data);
      log(`  one evaluation: ${res.evalSeconds.toFixed(2)} s`);
      await setGemmThreads(1); // the helper threads end, so that nothing keeps this process alive
    }
    out.backends[backend] = res;
  }
  if (out.backends.wasm) {
    const wasm = out.backends.wasm;
    log("PyTorch, same run (python/train.py's model, this machine, CPU, one thread):");
    const withRatio = (shapes: Shapes, pt: PytorchRate): SameRunRate => {
      log('skipped' in pt ? `  ${shapes}: skipped: ${pt.skipped}` : `  ${shapes}: ${pt.stepsPerSec.toFixed(2)} steps/s (torch ${pt.torch})`);
      const ours = wasm[shapes];
      return 'skipped' in pt || !ours ? pt : { ...pt, wasmRatio: ours.stepsPerSec / pt.stepsPerSec };
    };
    out.pytorchSameRun = {
      fixed: withRatio('fixed', wasm.fixed ? pytorchFixedRate(2 * short, o.quick ? 1 : 3) : { skipped: 'fixed shapes not measured (--preset-only)' }),
      preset: withRatio('preset', pytorchPresetRate(config, data, o.quick ? 20 : 50)),
    };
  }
  if (o.gap) {
    await tf.setBackend(o.backends[0]);
    log(`time to the gap on ${o.backends[0]} (${o.link ? `?${configToQuery(config)}` : 'default preset'}, both arms; up to ${config.steps} steps):`);
    out.gap = await timeToGap({ ...config, backend: o.backends[0] }, log);
    out.timeToGapSeconds = out.gap.reached ? out.gap.seconds : null;
  }
  process.stdout.write(`${table(out, o)}\n`);
  if (o.json) writeFileSync(o.json, `${JSON.stringify(out, null, 1)}\n`);
  return 0;
}

/** The loss once read back: the step's GPU work is done. */
async function settled(loss: tf.Scalar): Promise<tf.Scalar> {
  await loss.data();
  return loss;
}

/**
 * Kernels per step of the plain-tfjs path as webgpu/webgl run it (no wasm kernels, tfjs's matmul gradient),
 * counted on the cpu backend: the kernel sequence depends on the architecture (layers, heads, parameters), not
 * on widths or batch, so a narrow copy of the preset (d 16, batch 8) gives the same count in a fraction of the time.
 */
async function referenceKernelCount(config: typeof DEFAULT_CONFIG): Promise<{ kernels: number; dispatches: number }> {
  const backend = tf.getBackend();
  await tf.setBackend('cpu');
  const narrow = { ...config, dModel: 16, batch: 8 };
  const w = presetWorkload(narrow, generateDataset(narrow));
  w.step().dispose();
  const r = await profileStep(w);
  w.dispose();
  await tf.setBackend(backend);
  return r;
}

function table(r: BenchJson, o: BenchOptions): string {
  const rows: string[][] = [['backend', 'shapes', 'path', 'steps/s', 'tokens/s', 'GFLOP/s', 'vs PyTorch same run', 'vs recorded']];
  for (const [backend, res] of Object.entries(r.backends)) {
    for (const shapes of ['fixed', 'preset'] as const) {
      const s = res[shapes];
      if (!s) continue;
      const same = r.pytorchSameRun?.[shapes];
      const row = (path: string, x: Rate) => [
        backend,
        shapes,
        path,
        x.stepsPerSec.toFixed(2),
        x.tokensPerSec.toFixed(0),
        x.gflops.toFixed(1),
        same && !('skipped' in same) ? `${(x.stepsPerSec / same.stepsPerSec).toFixed(2)}×` : '–',
        `${x.vsPytorch.toFixed(2)}×`,
      ];
      rows.push(row(s.path, s));
      if (s.naive) rows.push(row('tfjs ops, naive matmul grad', s.naive));
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const extra = [
    '',
    `machine: ${r.machine}; wasm GEMMs on ${r.gemmThreads} thread(s); "vs recorded": the PyTorch reference's recorded figures from another machine (1 thread): ${r.pytorchStepsPerSec.fixed} steps/s fixed, ${r.pytorchStepsPerSec.preset} preset`,
    ...sameRunLines(r.pytorchSameRun),
    `FLOPs per step: fixed ${(r.flopsPerStep.fixed / 1e9).toFixed(3)} G, preset ${(r.flopsPerStep.preset / 1e9).toFixed(3)} G`,
    `kernels per preset step: ${Object.entries(r.kernelsPerStepByPath)
      .map(([k, v]) => `${v} (${k}; ${r.dispatchesPerStepByPath[k]} doing work)`)
      .join(', ')}`,
  ];
  if (r.webgpu) {
    const c = r.webgpu.perPresetStep;
    extra.push(
      `webgpu (adapter ${r.webgpu.adapter}${r.webgpu.software ? ', software on the CPU' : ''}): one preset step asks ${c.dispatches} dispatches, ${c.submits} submits, ${c.writes} buffer writes, ${c.readbacks} readbacks`,
    );
  }
  if (r.backends.wasm?.evalSeconds !== undefined) extra.push(`one evaluation (5 splits, preset, wasm): ${r.backends.wasm.evalSeconds.toFixed(2)} s`);
  if (r.profile.length) {
    extra.push('profile of one preset step (wasm):');
    for (const k of r.profile.slice(0, 8))
      extra.push(`  ${k.kernel.padEnd(18)} ${k.ms.toFixed(1).padStart(7)} ms  ${(100 * k.share).toFixed(1).padStart(5)} %  ×${k.calls}`);
  }
  if (o.gap && r.gap) {
    const g = r.gap;
    extra.push(
      g.reached
        ? `time to the gap: ${g.seconds.toFixed(0)} s (step ${g.step}: ${g.splitLabel}: CoT ${g.cotHeadline.toFixed(3)}, direct ${g.directHeadline.toFixed(3)}${g.directNearChance ? '' : ' (more than 0.1 above chance!)'})`
        : `gap not reached within ${g.step} steps (${g.seconds.toFixed(0)} s): ${g.splitLabel}: CoT ${g.cotHeadline.toFixed(3)}, direct ${g.directHeadline.toFixed(3)}`,
    );
  }
  return [...lines, ...extra].join('\n');
}

function sameRunLines(same: BenchJson['pytorchSameRun']): string[] {
  if (!same) return ['PyTorch same run: not measured (wasm not benchmarked)'];
  return (['fixed', 'preset'] as const).map((shapes) => {
    const pt = same[shapes];
    return 'skipped' in pt
      ? `PyTorch same run, ${shapes}: skipped (${pt.skipped})`
      : `PyTorch same run, ${shapes} (python/train.py's model, this machine, CPU, 1 thread, torch ${pt.torch}): ${pt.stepsPerSec.toFixed(2)} steps/s${shapes === 'preset' ? ' (CoT arm)' : ''}; wasm ${pt.wasmRatio?.toFixed(2)}× that`;
  });
}
