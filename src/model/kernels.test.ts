/**
 * Our WebAssembly kernels (model/kernels/) against tfjs's own ops: values and gradients, on random odd shapes,
 * transposed operands and batch sizes, to float32 tolerance. Runs on the tfjs wasm backend, once with the
 * plain-SIMD module (kernels.test.ts) and once with the relaxed-SIMD one (kernels.relaxed.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableRelaxedSimdInNode } from './kernels/node';
import * as fast from './kernels/fastOps';
import { bind, kernelVariant } from './kernels/wasm';
import { causalAttention, crossEntropy, embed, fastKernelsActive, gelu, layerNorm, linear, matmul, setFastPath } from './ops';

/** The whole suite, on the module variant the environment variable COT_KERNELS picks ('simd' by default). */
const variant = process.env.COT_KERNELS === 'relaxed-simd' ? 'relaxed-simd' : 'simd';

beforeAll(async () => {
  if (variant === 'relaxed-simd') await enableRelaxedSimdInNode();
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => setFastPath(true));

/** Largest |a − b| relative to the largest |b| (or 1). */
function relErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let err = 0;
  let scale = 1;
  for (let i = 0; i < y.length; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return err / scale;
}

/** Value and gradients (w.r.t. every input, for the loss Σ out · r) with the fast path on and off. */
function both(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): { fast: tf.Tensor[]; ref: tf.Tensor[] } {
  const run = (on: boolean) => {
    setFastPath(on);
    expect(fastKernelsActive()).toBe(on);
    const out = f(...inputs);
    const r = tf.randomNormal(out.shape, 0, 1, 'float32', 7);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
    return [out, ...grads];
  };
  const res = { fast: run(true), ref: run(false) };
  setFastPath(true);
  return res;
}

function expectClose(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol = 1e-4): void {
  tf.tidy(() => {
    const { fast: a, ref: b } = both(f, inputs);
    a.forEach((t, i) => expect(relErr(t, b[i]), `output ${i}`).toBeLessThan(tol));
  });
}

const rnd = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);

describe(`wasm kernels (${variant})`, () => {
  it('bind to the tfjs wasm backend, with the expected module variant', () => {
    expect(bind(tf.backend())).not.toBeNull();
    expect(kernelVariant()).toBe(variant);
  });

  it('GEMM equals tf.matMul for every transpose combination on odd shapes', () => {
    const shapes = [
      [1, 1, 1],
      [3, 5, 7],
      [4, 8, 16],
      [37, 29, 53],
      [130, 67, 9],
      [5, 200, 3],
    ];
    tf.tidy(() => {
      shapes.forEach(([M, N, K], s) => {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const a = rnd(tA ? [K, M] : [M, K], s);
            const b = rnd(tB ? [N, K] : [K, N], s + 100);
            const err = relErr(fast.gemm(a, b, tA, tB), tf.matMul(a, b, tA, tB));
            expect(err, `${M}×${N}×${K} tA=${tA} tB=${tB}`).toBeLessThan(1e-5);
          }
        }
      });
    });
  });

  it('GEMM gradients match tfjs for every transpose combination', () => {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        tf.tidy(() => {
          const [M, N, K] = [13, 11, 6];
          const a = rnd(tA ? [K, M] : [M, K], 1);
          const b = rnd(tB ? [N, K] : [K, N], 2);
          const r = rnd([M, N], 3);
          const gf = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(fast.gemm(x, y, tA, tB), r)))([a, b]);
          const gr = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), r)))([a, b]);
          expect(relErr(gf[0], gr[0])).toBeLessThan(1e-5);
          expect(relErr(gf[1], gr[1])).toBeLessThan(1e-5);
        });
      }
    }
  });

  it('matmul (also with transposeB), linear with and without bias', () => {
    expectClose((x, w) => matmul(x, w), [rnd([19, 7], 1), rnd([7, 10], 2)]);
    expectClose((x, w) => matmul(x, w, true), [rnd([19, 7], 1), rnd([10, 7], 2)]);
    expectClose((x, w, b) => linear(x as tf.Tensor2D, w, b), [rnd([21, 12], 3), rnd([12, 9], 4), rnd([9], 5)]);
    expectClose((x, w) => linear(x as tf.Tensor2D, w), [rnd([21, 12], 3), rnd([12, 9], 4)]);
  });

  it('layer norm (odd width, scaled and shifted rows)', () => {
    const x = tf.add(tf.mul(rnd([17, 13], 1), 3), 2);
    expectClose((a, g, b) => layerNorm(a as tf.Tensor2D, g, b), [x, rnd([13], 2, 0.5), rnd([13], 3)]);
    expectClose((a, g, b) => layerNorm(a as tf.Tensor2D, g, b), [rnd([8, 128], 4), rnd([128], 5), rnd([128], 6)]);
  });

  it('GELU over a wide range of inputs (tails included)', () => {
    expectClose((a) => gelu(a as tf.Tensor2D), [rnd([33, 31], 1, 4)], 2e-5);
    expectClose((a) => gelu(a as tf.Tensor2D), [tf.linspace(-12, 12, 1001).reshape([7, 143])], 2e-5);
  });

  it("the reference path's hand-written layer-norm and GELU gradients equal tfjs autodiff of the plain formulas", () => {
    const lnPlain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
    };
    const geluPlain = (a: tf.Tensor) => tf.mul(tf.mul(0.5, a), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(a, tf.mul(0.044715, tf.pow(a, 3)))))));
    tf.tidy(() => {
      setFastPath(false);
      const inputs = [tf.add(tf.mul(rnd([9, 11], 1), 2), 1), rnd([11], 2), rnd([11], 3)];
      const r = rnd([9, 11], 4);
      const ga = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(a as tf.Tensor2D, g, b), r)))(inputs);
      const gb = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(lnPlain(a, g, b), r)))(inputs);
      ga.forEach((t, i) => expect(relErr(t, gb[i]), `layer norm grad ${i}`).toBeLessThan(1e-5));
      const x = rnd([9, 11], 5, 3);
      const g1 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gelu(a as tf.Tensor2D), r)))(x);
      const g2 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(geluPlain(a), r)))(x);
      expect(relErr(g1, g2)).toBeLessThan(1e-5);
      setFastPath(true);
    });
  });

  it('causal attention: outputs, weights and gradients (several batch, length, head counts)', () => {
    for (const [B, T, H, hd] of [
      [3, 5, 2, 4],
      [2, 7, 4, 8],
      [1, 1, 1, 3],
      [4, 4, 3, 5],
    ]) {
      const o = { batch: B, time: T, heads: H };
      const qkv = rnd([B * T, 3 * H * hd], B * 10 + T) as tf.Tensor2D;
      expectClose((x) => causalAttention(x as tf.Tensor2D, o).out, [qkv]);
      tf.tidy(() => {
        setFastPath(true);
        const a = causalAttention(qkv, { ...o, keepWeights: true }).weights!;
        setFastPath(false);
        const b = causalAttention(qkv, { ...o, keepWeights: true }).weights!;
        setFastPath(true);
        expect(relErr(a, b)).toBeLessThan(1e-5);
      });
    }
  });

  it('attention with a dropout mask equals the reference formula', () => {
    tf.tidy(() => {
      const [B, T, H, hd] = [2, 5, 2, 4];
      const o = { batch: B, time: T, heads: H };
      const qkv = rnd([B * T, 3 * H * hd], 1);
      const mask = tf.mul(tf.step(tf.sub(tf.randomUniform([B, H, T, T], 0, 1, 'float32', 3), 0.3)), 1 / 0.7);
      const r = rnd([B * T, H * hd], 2);
      const reference = (x: tf.Tensor) => {
        const w = causalAttention(x as tf.Tensor2D, { ...o, keepWeights: true }).weights!; // reference path below
        const v = tf.transpose(tf.split(x, 3, 1)[2].reshape([B, T, H, hd]), [0, 2, 1, 3]);
        return tf.transpose(tf.matMul(tf.mul(w, mask), v), [0, 2, 1, 3]).reshape([B * T, H * hd]);
      };
      const gFast = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fast.attention(x, o, mask), r)))(qkv);
      setFastPath(false);
      const gRef = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(reference(x), r)))(qkv);
      const vRef = reference(qkv);
      setFastPath(true);
      expect(relErr(fast.attention(qkv, o, mask), vRef)).toBeLessThan(1e-5);
      expect(relErr(gFast, gRef)).toBeLessThan(1e-4);
    });
  });

  it('embedding: gather + positions, and its gradient (repeated tokens)', () => {
    const tokens = tf.tensor2d([3, 0, 3, 7, 7, 7, 1, 2, 3, 0, 9, 9], [3, 4], 'int32');
    expectClose((wte, wpe) => embed(tokens, wte as tf.Tensor2D, wpe as tf.Tensor2D), [rnd([10, 6], 1), rnd([5, 6], 2)]);
  });

  it('masked cross-entropy (unlabelled rows ignored) and its gradient', () => {
    const labels = tf.tensor1d([2, -1, 0, 10, -1, 5, 9], 'int32');
    expectClose((z) => crossEntropy(z as tf.Tensor2D, labels), [rnd([7, 11], 1, 3)]);
    const none = tf.tensor1d([-1, -1], 'int32');
    expectClose((z) => crossEntropy(z as tf.Tensor2D, none), [rnd([2, 5], 2)]);
  });

  it('fused AdamW step equals the formula (two parameters, one decayed), and returns the global norm', () => {
    tf.tidy(() => {
      const ps = [rnd([5, 7], 1), rnd([3], 2)];
      const gs = [rnd([5, 7], 3, 2), rnd([3], 4, 2)];
      const m = rnd([38], 5);
      const v = tf.abs(rnd([38], 6));
      const a = { clip: 1, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, bias1: 0.1, bias2: 0.001, weightDecay: 0.1, decayed: [1, 0] };
      const r = fast.adamw(ps, gs, m, v, a);
      const refNorm = tf.sqrt(tf.add(tf.sum(tf.square(gs[0])), tf.sum(tf.square(gs[1]))));
      expect(relErr(r.norm, refNorm)).toBeLessThan(1e-6);
      const scale = tf.minimum(1, tf.div(a.clip, tf.add(refNorm, 1e-6)));
      const g = tf.mul(tf.concat(gs.map((x) => x.reshape([-1]))), scale);
      const em = tf.add(tf.mul(m, a.beta1), tf.mul(g, 1 - a.beta1));
      const ev = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
      const upd = tf.div(tf.div(em, a.bias1), tf.add(tf.sqrt(tf.div(ev, a.bias2)), a.eps));
      const [u0, u1] = tf.split(upd, [35, 3]);
      const ep0 = tf.sub(tf.mul(ps[0], 1 - a.lr * a.weightDecay), tf.mul(u0.reshape([5, 7]), a.lr));
      const ep1 = tf.sub(ps[1], tf.mul(u1, a.lr));
      expect(relErr(r.m, em)).toBeLessThan(1e-6);
      expect(relErr(r.v, ev)).toBeLessThan(1e-6);
      expect(relErr(r.params[0], ep0)).toBeLessThan(1e-6);
      expect(relErr(r.params[1], ep1)).toBeLessThan(1e-6);
    });
  });
});
