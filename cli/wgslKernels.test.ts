/**
 * Our WGSL kernels (src/model/kernels/webgpu/) against the plain tfjs ops on the cpu backend: forward and
 * gradient, on odd shapes (rows that are no multiple of a workgroup, heads of 3, masked labels). Skipped without
 * a WebGPU adapter (see nodeWebgpu.test.ts) unless COT_REQUIRE_WEBGPU=1.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as gpu from '../src/model/kernels/webgpu/webgpuOps';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import { pickOps, setFastPath } from '../src/model/ops';
import { ArmTrainer } from '../src/train/arm';
import { AdamW } from '../src/train/adamw';
import { installNodeWebgpu, type NodeAdapter } from './nodeWebgpu';

tf.env().set('PROD', true);
const adapter: NodeAdapter | null = await installNodeWebgpu().catch((e: Error) => {
  if (process.env.COT_REQUIRE_WEBGPU === '1') throw e;
  return null;
});

/** Deterministic values in [−1, 1). */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) % 1);
const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));
};

/** Runs `f` on `backend` over fresh tensors of `inputs` and reads every result back. */
async function on(
  backend: 'cpu' | 'webgpu',
  inputs: { data: Float32Array | Int32Array; shape: number[] }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  if (backend === 'webgpu') gpu.registerWebgpuKernels();
  const before = tf.memory().numTensors;
  const device = backend === 'webgpu' ? (tf.backend() as unknown as { device: GPUDevice }).device : null;
  device?.pushErrorScope('validation');
  const outs = tf.tidy(() => f(...inputs.map((x) => tf.tensor(x.data, x.shape, x.data instanceof Int32Array ? 'int32' : 'float32'))));
  const read = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
  expect((await device?.popErrorScope())?.message ?? null).toBeNull(); // a shader or binding the GPU refused
  tf.dispose(outs);
  expect(tf.memory().numTensors).toBe(before);
  return read;
}

/** Value and the gradient of Σ op(inputs)·w for every float input, on webgpu (ours) and cpu (plain ops). */
async function compare(
  inputs: { data: Float32Array | Int32Array; shape: number[] }[],
  ours: (...xs: tf.Tensor[]) => tf.Tensor,
  plain: (...xs: tf.Tensor[]) => tf.Tensor,
  differentiable: number[],
) {
  const run =
    (op: (...xs: tf.Tensor[]) => tf.Tensor) =>
    (...xs: tf.Tensor[]) => {
      const y = op(...xs);
      const w = tf.tensor(values(y.size, 7), y.shape);
      const grads = tf.grads((...ds: tf.Tensor[]) => {
        const all = xs.map((x, i) => (differentiable.includes(i) ? ds[differentiable.indexOf(i)] : x));
        return tf.sum(tf.mul(op(...all), w));
      })(differentiable.map((i) => xs[i]));
      return [y, ...grads];
    };
  const a = await on('webgpu', inputs, run(ours));
  const b = await on('cpu', inputs, run(plain));
  return a.map((x, i) => maxDiff(x, b[i]));
}

describe.skipIf(adapter === null)(`our WGSL kernels against cpu (${adapter?.name ?? 'no adapter'})`, () => {
  it('layer norm, forward and gradients (x, gain, bias), 15 rows × 7', { timeout: 120_000 }, async () => {
    const x = { data: values(15 * 7, 1).map((v, i) => v * 3 + (i % 5)), shape: [15, 7] };
    const diffs = await compare(
      [x, { data: values(7, 2), shape: [7] }, { data: values(7, 3), shape: [7] }],
      (a, g, b) => gpu.layerNorm(a, g, b, 1e-5),
      (a, g, b) => pickOps('reference').layerNorm(a as tf.Tensor2D, g, b, 1e-5),
      [0, 1, 2],
    );
    expect(diffs.length).toBe(4);
    for (const d of diffs) expect(d).toBeLessThan(1e-4);
  });

  it('residual add & layer norm: both outputs, and the norm alone (no gradient for the sum), forward and gradients', { timeout: 120_000 }, async () => {
    const inputs = [
      { data: values(15 * 7, 13).map((v, i) => v * 2 + (i % 3)), shape: [15, 7] },
      { data: values(15 * 7, 14), shape: [15, 7] },
      { data: values(7, 15), shape: [7] },
      { data: values(7, 16), shape: [7] },
    ];
    const plain = (x: tf.Tensor, a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const s = tf.add(x, a) as tf.Tensor2D;
      return [s, pickOps('reference').layerNorm(s, g, b, 1e-5)];
    };
    const both = await compare(
      inputs,
      (x, a, g, b) => tf.concat(gpu.addLayerNorm(x, a, g, b, 1e-5), 1),
      (x, a, g, b) => tf.concat(plain(x, a, g, b), 1),
      [0, 1, 2, 3],
    );
    const normOnly = await compare(
      inputs,
      (x, a, g, b) => gpu.addLayerNorm(x, a, g, b, 1e-5)[1],
      (x, a, g, b) => plain(x, a, g, b)[1],
      [0, 1, 2, 3],
    );
    expect(both.length).toBe(5);
    for (const d of [...both, ...normOnly]) expect(d).toBeLessThan(1e-4);
  });

  it('GELU, forward and gradient, 5 × 7', { timeout: 120_000 }, async () => {
    const diffs = await compare(
      [{ data: values(35, 4).map((v) => v * 4), shape: [5, 7] }],
      (a) => gpu.gelu(a),
      (a) => pickOps('reference').gelu(a as tf.Tensor2D),
      [0],
    );
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
  });

  it('causal attention, forward and gradient: batch 3, time 5, 2 heads of 3', { timeout: 120_000 }, async () => {
    const o = { batch: 3, time: 5, heads: 2 };
    const diffs = await compare(
      [{ data: values(15 * 18, 5).map((v) => v * 2), shape: [15, 18] }],
      (qkv) => gpu.attention(qkv, o),
      (qkv) => pickOps('reference').causalAttention(qkv as tf.Tensor2D, o).out,
      [0],
    );
    expect(diffs.length).toBe(2);
    for (const d of diffs) expect(d).toBeLessThan(1e-4);
  });

  it('cross-entropy over labelled rows, forward and gradient: 7 rows × 5 classes, 2 unlabelled', { timeout: 120_000 }, async () => {
    const labels = { data: Int32Array.from([0, 4, -1, 2, 3, -1, 1]), shape: [7] };
    const diffs = await compare(
      [{ data: values(35, 6).map((v) => v * 5), shape: [7, 5] }, labels],
      (z, l) => gpu.crossEntropy(z, l),
      (z, l) => pickOps('reference').crossEntropy(z as tf.Tensor2D, l as tf.Tensor1D),
      [0],
    );
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
  });

  it('embedding (token + position), forward and gradients: tokens 3 × 5 of a vocabulary of 7, 6 positions', { timeout: 120_000 }, async () => {
    const tokens = { data: Int32Array.from({ length: 15 }, (_, i) => (i * 5) % 7), shape: [3, 5] };
    const diffs = await compare(
      [tokens, { data: values(7 * 3, 11), shape: [7, 3] }, { data: values(6 * 3, 12), shape: [6, 3] }],
      (tk, te, pe) => gpu.embed(tk, te, pe),
      (tk, te, pe) => pickOps('reference').embed(tk as tf.Tensor2D, te as tf.Tensor2D, pe as tf.Tensor2D),
      [1, 2],
    );
    expect(diffs.length).toBe(3);
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
  });

  it('fused linear (bias in the product), forward and gradients, 5 × 3 · 3 × 7', { timeout: 120_000 }, async () => {
    const diffs = await compare(
      [
        { data: values(15, 8), shape: [5, 3] },
        { data: values(21, 9), shape: [3, 7] },
        { data: values(7, 10), shape: [7] },
      ],
      (x, w, b) => gpu.linear(x as tf.Tensor2D, w, b),
      (x, w, b) => pickOps('reference').linear(x as tf.Tensor2D, w, b),
      [0, 1, 2],
    );
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
  });

  it('AdamW: 3 steps on 10 parameters of odd shapes (two norm groups, an odd last update group), clipping on; its state read and set back', {
    timeout: 120_000,
  }, async () => {
    const shapes = [[3, 5], [7], [2, 3, 2], [1], [5, 1], [11], [4, 3], [3], [2, 2], [13]];
    const steps = async (backend: 'cpu' | 'webgpu') => {
      expect(await tf.setBackend(backend)).toBe(true);
      const params = shapes.map((s, i) => tf.variable(tf.tensor(values(tf.util.sizeFromShape(s), 20 + i), s)));
      const opt = new AdamW(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clip: 0.5 });
      const norms: number[] = [];
      const before = tf.memory().numTensors;
      for (let step = 0; step < 3; step++) {
        const grads = shapes.map((s, i) => tf.tensor(values(tf.util.sizeFromShape(s), 40 + 3 * i + step), s));
        const norm = opt.apply(grads, 0.01 * (step + 1));
        norms.push((await norm.data())[0]);
        tf.dispose([norm, ...grads]);
        expect(tf.memory().numTensors).toBe(before);
      }
      const flat = tf.concat(params.map((p) => p.reshape([-1])));
      const out = { params: (await flat.data()) as Float32Array, norms, state: await opt.readState() };
      const again = new AdamW(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clip: 0.5 });
      again.setState(out.state);
      expect(await again.readState()).toEqual(out.state); // a checkpoint's moments go back where they were
      tf.dispose([flat, ...params]);
      opt.dispose();
      again.dispose();
      return out;
    };
    const a = await steps('webgpu');
    const b = await steps('cpu');
    expect(maxDiff(Float32Array.from(a.norms), Float32Array.from(b.norms))).toBeLessThan(1e-5);
    expect(b.norms[0]).toBeGreaterThan(0.5); // the clip acts
    expect(maxDiff(a.params, b.params)).toBeLessThan(1e-5);
    expect(maxDiff(a.state.m, b.state.m)).toBeLessThan(1e-6);
    expect(maxDiff(a.state.v, b.state.v)).toBeLessThan(1e-6);
    expect(a.state.t).toBe(3);
  });

  it('with dropout, 3 training steps on our kernels give the losses of the plain ops on webgpu (same masks, same seeds)', { timeout: 300_000 }, async () => {
    const config: Config = { ...DEFAULT_CONFIG, entities: 40, relations: 8, degree: 4, layers: 2, heads: 2, dModel: 32, batch: 16, evalSize: 50, dropout: 0.1 };
    const data = generateDataset(config);
    expect(await tf.setBackend('webgpu')).toBe(true);
    const losses = async (ours: boolean) => {
      setFastPath(ours);
      try {
        const t = new ArmTrainer(config, data, 'cot');
        expect(t.gpt.ops.kernels).toBe(ours ? 'wgsl' : null);
        const ls = [t.trainStep(), t.trainStep(), t.trainStep()];
        const out = (await Promise.all(ls.map((l) => l.data()))).map((d) => d[0]);
        tf.dispose(ls);
        t.dispose();
        return out;
      } finally {
        setFastPath(true);
      }
    };
    const ours = await losses(true);
    const plain = await losses(false);
    for (let i = 0; i < 3; i++) expect(Math.abs(ours[i] - plain[i]) / plain[i], `${ours} vs ${plain}`).toBeLessThan(1e-4);
    expect(ours[2]).not.toBe(ours[0]);
  });
});
