/**
 * The model's building blocks, each in two implementations with the same maths:
 *
 * - fast (kernels/): our WebAssembly SIMD kernels on the tfjs wasm backend: a GEMM that takes transposed
 *   operands for free, fused layer norm, GELU, causal attention, embedding and cross-entropy, each with a
 *   hand-written backward kernel. Used when the active backend is 'wasm' and the kernels could be bound.
 * - reference: plain tfjs ops and autodiff, on every backend (webgpu, webgl, cpu, and wasm with the fast path off).
 *   On wasm even here matrix products keep off tfjs's transposed-operand matMul, which runs 10–25× slower
 *   there than without (1–2 GFLOP/s against 28): the backward pass transposes explicitly and multiplies plainly.
 *
 * `setFastPath(false)` forces the reference path everywhere (benchmarks, and tests that both agree);
 * `setFastMatmulGrad(false)` also gives the reference path's matmul tfjs's own gradient (the naive baseline).
 */
import * as tf from '@tensorflow/tfjs';
import * as fast from './kernels/fastOps';
import { registerWasmKernels } from './kernels/tfjsKernels';
import { bind } from './kernels/wasm';

let fastPath = true;
let fastMatmulGrad = true;
/** Turns our wasm kernels on or off (off: plain tfjs ops everywhere, as on webgpu/webgl/cpu). */
export function setFastPath(on: boolean): void {
  fastPath = on;
}
export const fastPathEnabled = (): boolean => fastPath;
/** Turns the explicit-transpose gradient of the reference path's matmul on or off (off: tfjs's own gradient). */
export function setFastMatmulGrad(on: boolean): void {
  fastMatmulGrad = on;
}
export const fastMatmulGradEnabled = (): boolean => fastMatmulGrad;

/** True when the fast kernels run on the active backend right now. */
export function fastKernelsActive(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  registerWasmKernels(); // also on the reference path: wasm's Identity then shares instead of copying
  return fastPath && bind(tf.backend()) !== null;
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

/**
 * a @ b for rank-2 or equal-rank batched operands (no broadcasting of batch dims); `transposeB` multiplies by bᵀ
 * (b's last two axes swapped).
 */
export function matmul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false): T {
  if (a.rank === 2 && b.rank === 2 && fastKernelsActive()) return fast.gemm(a, b, false, transposeB) as unknown as T;
  // transposed operands are free on GPUs: there tfjs's own matMul and gradient save the transposes' dispatches
  if (!(fastMatmulGrad && tf.getBackend() === 'wasm')) return tf.matMul(a, b, false, transposeB) as T;
  return matmulExplicitGrad(a, transposeB ? transposeLast2(b) : b) as T;
}

/** x [N, in] · w [in, out] + b */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  if (fastKernelsActive()) return fast.linear(x, w, b);
  const y = matmul(x, w);
  return b ? tf.add(y, b) : y;
}

/** Layer norm over the last axis of x [N, d]. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, eps = 1e-5): tf.Tensor2D {
  if (fastKernelsActive()) return fast.layerNorm(x, gain, bias, eps);
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
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  if (fastKernelsActive()) return fast.gelu(x);
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

/** tokens int32 [B, T] → token embedding + position embedding, [B·T, d]. */
export function embed(tokens: tf.Tensor2D, wte: tf.Tensor2D, wpe: tf.Tensor2D): tf.Tensor2D {
  const [B, T] = tokens.shape;
  const [V, d] = wte.shape;
  if (fastKernelsActive()) return fast.embed(tokens, wte, wpe);
  // a one-hot product (the gather gradient is missing on wasm); positions broadcast (tf.tile's gradient is B slices)
  const oneHot = tf.oneHot(tokens.reshape([B * T]), V).toFloat() as tf.Tensor2D;
  const x = matmul(oneHot, wte).reshape([B, T, d]);
  return tf.add(x, tf.slice(wpe, [0, 0], [T, d])).reshape([B * T, d]) as tf.Tensor2D;
}

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

/** Causal multi-head self-attention core: qkv [B·T, 3d] (q | k | v, heads contiguous) → [B·T, d] and the weights. */
export function causalAttention(qkv: tf.Tensor2D, o: AttentionOptions): { out: tf.Tensor2D; weights?: tf.Tensor4D } {
  const { batch: B, time: T, heads: H, dropout = 0 } = o;
  const d = qkv.shape[1] / 3;
  const hd = d / H;
  if (fastKernelsActive() && !(o.keepWeights && dropout > 0)) {
    if (o.keepWeights) return fast.attentionWithWeights(qkv, o);
    const mask = dropout > 0 ? dropoutMask([B, H, T, T], dropout, o.seed ?? 0) : undefined;
    return { out: fast.attention(qkv, o, mask) };
  }
  const [q, k, v] = tf.split(qkv, 3, 1);
  const heads = (x: tf.Tensor) => tf.transpose(x.reshape([B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, hd]
  const kT = tf.transpose(k.reshape([B, T, H, hd]), [0, 2, 3, 1]) as tf.Tensor4D; // [B, H, hd, T]
  const scores = tf.add(tf.mul(matmul(heads(q), kT), 1 / Math.sqrt(hd)), causalMask(T)); // [B, H, T, T]
  const weights = tf.softmax(scores) as tf.Tensor4D;
  const dropped = dropout > 0 ? tf.dropout(weights, dropout, undefined, o.seed) : weights;
  const mixed = matmul(dropped as tf.Tensor4D, heads(v)); // [B, H, T, hd]
  const out = tf.transpose(mixed, [0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
  return { out, weights };
}

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

/** Mean cross-entropy over rows of logits [N, V] whose label (int32 [N], −1 = none) is in [0, V). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (fastKernelsActive()) return fast.crossEntropy(logits, labels);
  const target = tf.oneHot(labels, logits.shape[1]).toFloat(); // rows of −1 are all zero
  const count = tf.maximum(tf.sum(target), 1);
  return tf.div(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)))), count) as tf.Scalar;
}
