/**
 * The model's building blocks, each in two implementations with the same maths, bundled as an `Ops` object:
 *
 * - fast (`pickOps('fast')`, kernels/): our own kernels for the active backend. On wasm, WebAssembly SIMD: a GEMM
 *   that takes transposed operands for free, fused layer norm, GELU, causal attention, embedding and
 *   cross-entropy, each with a hand-written backward kernel (where the kernels could be bound). On webgpu, WGSL
 *   (kernels/webgpu/): layer norm, causal attention, GELU, embedding and cross-entropy forward and backward, one dispatch
 *   or two each, with tfjs's matMul (bias fused in) for the products; `kernels` says which.
 * - reference (`pickOps('reference')`): plain tfjs ops and autodiff, on every backend (webgpu, webgl, cpu, wasm).
 *   On wasm even here matrix products keep off tfjs's transposed-operand matMul, which runs 10–25× slower
 *   there than without (1–2 GFLOP/s against 28): the backward pass transposes explicitly and multiplies plainly.
 *
 * A model picks its `Ops` once, when it is made (gpt.ts `createModel`, as nanoGPT picks `flash` at construction);
 * no op checks a mode when it runs. `pickOps()` ('auto') takes the fast path where it can run.
 *
 * `setFastPath(false)` / `setFastMatmulGrad(false)` change only what `pickOps()` picks by default from then on
 * (benchmarks, tests that compare both paths): the plain ops, and with the second also tfjs's own (slow on wasm)
 * matmul gradient, the naive baseline. The module-level functions below (`linear`, `layerNorm`, …) run the ops
 * of that default at each call: for tests of single ops and one-off use, not for a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fast from './kernels/fastOps';
import { registerWasmKernels } from './kernels/tfjsKernels';
import { bind } from './kernels/wasm';
import * as wgsl from './kernels/webgpu/webgpuOps';

export type OpPath = 'fast' | 'reference';

export interface AttentionOptions {
  batch: number;
  time: number;
  heads: number;
  /** Dropout rate on the attention weights (training only; 0 = none) and the seed of its mask. */
  dropout?: number;
  seed?: number;
  /** Also return the weights [B, heads, T, T] (for inspection; then not differentiable on the fast path). */
  keepWeights?: boolean;
}

/** The building blocks of the model, on one path. */
export interface Ops {
  readonly path: OpPath;
  /** Whose kernels the fast path runs: our WebAssembly ones, our WGSL ones; null on the reference path. */
  readonly kernels: 'wasm' | 'wgsl' | null;
  /** a @ b for rank-2 or equal-rank batched operands; `transposeB` multiplies by bᵀ (b's last two axes swapped). */
  matmul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB?: boolean): T;
  /** x [N, in] · w [in, out] + b */
  linear(x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D;
  /** Layer norm over the last axis of x [N, d]. */
  layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, eps?: number): tf.Tensor2D;
  /** GELU, tanh approximation (as in GPT-2). */
  gelu(x: tf.Tensor2D): tf.Tensor2D;
  /** tokens int32 [B, T] → token embedding + position embedding, [B·T, d]. */
  embed(tokens: tf.Tensor2D, wte: tf.Tensor2D, wpe: tf.Tensor2D): tf.Tensor2D;
  /** Causal multi-head self-attention core: qkv [B·T, 3d] (q | k | v, heads contiguous) → [B·T, d] and the weights. */
  causalAttention(qkv: tf.Tensor2D, o: AttentionOptions): { out: tf.Tensor2D; weights?: tf.Tensor4D };
  /** Mean cross-entropy over rows of logits [N, V] whose label (int32 [N], −1 = none) is in [0, V). */
  crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  /** Where fused: the residual add and the next layer norm, [x + a, layerNorm(x + a)] (the forward uses it when present). */
  addLayerNorm?(x: tf.Tensor2D, a: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, eps?: number): [tf.Tensor2D, tf.Tensor2D];
}

let defaultPath: 'auto' | 'reference' = 'auto';
let fastMatmulGrad = true;
/** What `pickOps()` picks from now on: our wasm kernels where they run (true), or the plain tfjs ops (false). */
export function setFastPath(on: boolean): void {
  defaultPath = on ? 'auto' : 'reference';
}
export const fastPathEnabled = (): boolean => defaultPath === 'auto';
/** Whether the reference ops picked from now on give matmul the explicit-transpose gradient on wasm (off: tfjs's own). */
export function setFastMatmulGrad(on: boolean): void {
  fastMatmulGrad = on;
}
export const fastMatmulGradEnabled = (): boolean => fastMatmulGrad;

/** True where our kernels can run right now: the active backend is webgpu, or wasm and they bind to it. */
export function fastKernelsAvailable(): boolean {
  if (tf.getBackend() === 'webgpu') {
    wgsl.registerWebgpuKernels();
    return true;
  }
  if (tf.getBackend() !== 'wasm') return false;
  registerWasmKernels(); // also for the reference path: wasm's Identity then shares instead of copying
  return bind(tf.backend()) !== null;
}

/**
 * The ops for a new model: 'fast' (our kernels; throws where they cannot run), 'reference' (plain tfjs), or
 * 'auto' (default: fast where available, unless setFastPath(false)).
 */
export function pickOps(path: 'auto' | OpPath = defaultPath): Ops {
  const available = fastKernelsAvailable();
  if (path === 'fast' && !available) throw new Error('the fast path needs the tfjs wasm backend with our kernels bound, or webgpu');
  if (path !== 'reference' && available) return tf.getBackend() === 'webgpu' ? FAST_WEBGPU : FAST;
  // transposed operands are free on GPUs: there tfjs's own matMul and gradient save the transposes' dispatches
  return fastMatmulGrad && tf.getBackend() === 'wasm' ? REFERENCE_WASM : REFERENCE_TFJS;
}

/** True when `pickOps()` would pick our kernels right now. */
export function fastKernelsActive(): boolean {
  return pickOps().path === 'fast';
}

/** Swaps the last two axes. */
export function transposeLast2(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
  return tf.transpose(x, perm);
}

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
/** tf.customGrad without its typing friction: f receives the inputs and `save`. */
function custom(f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: Grad }): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    return f(args as tf.Tensor[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}

// ---------------------------------------------------------------- the reference implementations (plain tfjs)
type Matmul = Ops['matmul'];

const matmulExplicitGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, transposeLast2(sb)), tf.matMul(transposeLast2(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** tfjs's matMul with its own gradient (transposed operands: free on GPUs, slow on wasm). */
const matmulTfjs: Matmul = <T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false) => tf.matMul(a, b, false, transposeB) as T;
/** The backward pass transposes explicitly and multiplies plainly (wasm). */
const matmulExplicit: Matmul = <T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false) => matmulExplicitGrad(a, transposeB ? transposeLast2(b) : b) as T;

const linearRef =
  (matmul: Matmul) =>
  (x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D => {
    const y = matmul(x, w);
    return b ? tf.add(y, b) : y;
  };

function layerNormRef(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, eps = 1e-5): tf.Tensor2D {
  return custom(([a, g, b], save) => {
    const centred = tf.sub(a, tf.mean(a, -1, true));
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), eps));
    const xhat = tf.mul(centred, rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      // written out: half the kernels of tfjs's autodiff through tf.moments (fewer GPU dispatches)
      gradFunc: (dy, [xh, r, gg]) => {
        const dxhat = tf.mul(dy, gg);
        const proj = tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true));
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), proj));
        return [dx, tf.sum(tf.mul(dy, xh), 0), tf.sum(dy, 0)];
      },
    };
  })(x, gain, bias) as tf.Tensor2D;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;
/** GELU, tanh approximation (as in GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function geluRef(x: tf.Tensor2D): tf.Tensor2D {
  return custom(([a], save) => {
    const cube = tf.mul(tf.mul(a, a), a); // not tf.pow: 10× slower on wasm, and so is its gradient
    const t = tf.tanh(tf.mul(GELU_C, tf.add(a, tf.mul(GELU_A, cube))));
    save([a, t]);
    return {
      value: tf.mul(tf.mul(0.5, a), tf.add(1, t)),
      // d/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3a·x²)
      gradFunc: (dy, [xs, ts]) => {
        const du = tf.mul(GELU_C, tf.add(1, tf.mul(3 * GELU_A, tf.square(xs))));
        const slope = tf.add(tf.mul(0.5, tf.add(1, ts)), tf.mul(tf.mul(tf.mul(0.5, xs), tf.sub(1, tf.square(ts))), du));
        return [tf.mul(dy, slope)];
      },
    };
  })(x) as tf.Tensor2D;
}

const embedRef =
  (matmul: Matmul) =>
  (tokens: tf.Tensor2D, wte: tf.Tensor2D, wpe: tf.Tensor2D): tf.Tensor2D => {
    const [B, T] = tokens.shape;
    const [V, d] = wte.shape;
    // a one-hot product (the gather gradient is missing on wasm); positions broadcast (tf.tile's gradient is B slices)
    const oneHot = tf.oneHot(tokens.reshape([B * T]), V).toFloat() as tf.Tensor2D;
    const x = matmul(oneHot, wte).reshape([B, T, d]);
    return tf.add(x, tf.slice(wpe, [0, 0], [T, d])).reshape([B * T, d]) as tf.Tensor2D;
  };

const attentionRef =
  (matmul: Matmul) =>
  (qkv: tf.Tensor2D, o: AttentionOptions): { out: tf.Tensor2D; weights: tf.Tensor4D } => {
    const { batch: B, time: T, heads: H, dropout = 0 } = o;
    const d = qkv.shape[1] / 3;
    const hd = d / H;
    const [q, k, v] = tf.split(qkv, 3, 1);
    const heads = (x: tf.Tensor) => tf.transpose(x.reshape([B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, hd]
    const kT = tf.transpose(k.reshape([B, T, H, hd]), [0, 2, 3, 1]) as tf.Tensor4D; // [B, H, hd, T]
    const scores = tf.add(tf.mul(matmul(heads(q), kT), 1 / Math.sqrt(hd)), causalMask(T)); // [B, H, T, T]
    const weights = tf.softmax(scores) as tf.Tensor4D;
    const dropped = dropout > 0 ? tf.dropout(weights, dropout, undefined, o.seed) : weights;
    const mixed = matmul(dropped as tf.Tensor4D, heads(v)); // [B, H, T, hd]
    const out = tf.transpose(mixed, [0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
    return { out, weights };
  };

function crossEntropyRef(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const target = tf.oneHot(labels, logits.shape[1]).toFloat(); // rows of −1 are all zero
  const count = tf.maximum(tf.sum(target), 1);
  return tf.div(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)))), count) as tf.Scalar;
}

function referenceOps(matmul: Matmul): Ops {
  const attention = attentionRef(matmul);
  return {
    path: 'reference',
    kernels: null,
    matmul,
    linear: linearRef(matmul),
    layerNorm: layerNormRef,
    gelu: geluRef,
    embed: embedRef(matmul),
    causalAttention: attention,
    crossEntropy: crossEntropyRef,
  };
}
const REFERENCE_WASM = referenceOps(matmulExplicit);
const REFERENCE_TFJS = referenceOps(matmulTfjs);

// ---------------------------------------------------------------- the fast path (our wasm kernels)
const fastMatmul: Matmul = <T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false) =>
  a.rank === 2 && b.rank === 2 ? (fast.gemm(a, b, false, transposeB) as unknown as T) : matmulExplicit(a, b, transposeB);
const fastAttentionRef = attentionRef(fastMatmul);

const FAST: Ops = {
  path: 'fast',
  kernels: 'wasm',
  matmul: fastMatmul,
  linear: (x, w, b) => fast.linear(x, w, b),
  layerNorm: (x, gain, bias, eps = 1e-5) => fast.layerNorm(x, gain, bias, eps),
  gelu: (x) => fast.gelu(x),
  embed: (tokens, wte, wpe) => fast.embed(tokens, wte, wpe),
  causalAttention: (qkv, o) => {
    const dropout = o.dropout ?? 0;
    // weights with a dropout mask: the plain ops (the kernel returns the weights before the mask)
    if (o.keepWeights && dropout > 0) return fastAttentionRef(qkv, o);
    if (o.keepWeights) return fast.attentionWithWeights(qkv, o);
    const mask = dropout > 0 ? dropoutMask([o.batch, o.heads, o.time, o.time], dropout, o.seed ?? 0) : undefined;
    return { out: fast.attention(qkv, o, mask) };
  },
  crossEntropy: (logits, labels) => fast.crossEntropy(logits, labels),
};

// ---------------------------------------------------------------- the fast path on webgpu (our WGSL kernels)
const attentionTfjs = attentionRef(matmulTfjs);
const FAST_WEBGPU: Ops = {
  ...REFERENCE_TFJS,
  path: 'fast',
  kernels: 'wgsl',
  linear: (x, w, b) => wgsl.linear(x, w, b),
  layerNorm: (x, gain, bias, eps = 1e-5) => wgsl.layerNorm(x, gain, bias, eps),
  addLayerNorm: (x, a, gain, bias, eps = 1e-5) => wgsl.addLayerNorm(x, a, gain, bias, eps),
  gelu: (x) => wgsl.gelu(x),
  embed: (tokens, wte, wpe) => wgsl.embed(tokens, wte, wpe),
  // the weights (inspection) or a dropout mask: the plain ops
  causalAttention: (qkv, o) => (o.keepWeights || (o.dropout ?? 0) > 0 ? attentionTfjs(qkv, o) : { out: wgsl.attention(qkv, o) }),
  crossEntropy: (logits, labels) => wgsl.crossEntropy(logits, labels),
};

// ---------------------------------------------------------------- shared helpers
/** Multipliers for inverted dropout: 0 with probability `rate`, else 1 / (1 − rate). */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  return tf.mul(tf.step(tf.sub(tf.randomUniform(shape, 0, 1, 'float32', seed), rate)), 1 / (1 - rate));
}

/** −∞ (well, −1e9) above the diagonal: position i attends to positions ≤ i. */
export function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

// ---------------------------------------------------------------- the default path's ops, picked at each call
// (single-op tests and one-off use; a model holds the Ops it was made with)
export const matmul: Ops['matmul'] = (a, b, transposeB) => pickOps().matmul(a, b, transposeB);
export const linear: Ops['linear'] = (x, w, b) => pickOps().linear(x, w, b);
export const layerNorm: Ops['layerNorm'] = (x, gain, bias, eps) => pickOps().layerNorm(x, gain, bias, eps);
export const gelu: Ops['gelu'] = (x) => pickOps().gelu(x);
export const embed: Ops['embed'] = (tokens, wte, wpe) => pickOps().embed(tokens, wte, wpe);
export const causalAttention: Ops['causalAttention'] = (qkv, o) => pickOps().causalAttention(qkv, o);
export const crossEntropy: Ops['crossEntropy'] = (logits, labels) => pickOps().crossEntropy(logits, labels);
