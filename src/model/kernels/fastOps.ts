/**
 * The model's pieces on our wasm kernels, each a tf.customGrad pairing a forward kernel with its backward
 * kernel (tfjsKernels.ts). Only valid while the active backend is 'wasm' and `bind` succeeded; ops.ts checks.
 *
 * Whatever a backward kernel reads is `save`d (tfjs disposes the forward pass's intermediates before the
 * backward pass starts; saving copies them, ~40 MB a step on the default preset, a few ms).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, type AdamWAttrs } from './tfjsKernels';

type T = tf.Tensor;
type Grad = (dy: T, saved: T[]) => T | T[];

function run(name: string, inputs: Record<string, T | undefined>, attrs: Record<string, number | boolean | number[]> = {}): T | T[] {
  registerWasmKernels();
  const present = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) as tf.NamedTensorMap;
  return tf.engine().runKernel(name, present, attrs as unknown as tf.NamedAttrMap) as T | T[];
}
const one = (x: T | T[]) => x as T;
const many = (x: T | T[]) => x as T[];

/** tf.customGrad without its typing friction: f receives the inputs and `save`. */
function custom(f: (inputs: T[], save: tf.GradSaveFunc) => { value: T; gradFunc: Grad }): (...inputs: T[]) => T {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    return f(args as T[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: T[]) => T;
}

/** op(a)·op(b) for 2-D a, b. */
export function gemm(a: T, b: T, transA = false, transB = false): tf.Tensor2D {
  const f = custom(([a0, b0], save) => {
    save([a0, b0]);
    return {
      value: one(run('CotGemm', { a: a0, b: b0 }, { transA, transB })),
      gradFunc: (dy, [x, y]) => {
        const g = (p: T, q: T, ta: boolean, tb: boolean) => one(run('CotGemm', { a: p, b: q }, { transA: ta, transB: tb }));
        if (!transA && !transB) return [g(dy, y, false, true), g(x, dy, true, false)];
        if (!transA && transB) return [g(dy, y, false, false), g(dy, x, true, false)];
        if (transA && !transB) return [g(y, dy, false, true), g(x, dy, false, false)];
        return [g(y, dy, true, true), g(dy, x, true, true)];
      },
    };
  });
  return f(a, b) as tf.Tensor2D;
}

/** x [N, in] · w [in, out] (+ b [out]) */
export function linear(x: T, w: T, b?: T): tf.Tensor2D {
  const withBias = b !== undefined;
  const f = custom(([xx, ww, bb], save) => {
    save([xx, ww]);
    return {
      value: one(run('CotGemm', { a: xx, b: ww, bias: bb }, { transA: false, transB: false })),
      gradFunc: (dy, [sx, sw]) => many(run('CotLinearGrad', { dy, x: sx, w: sw }, { bias: withBias })),
    };
  });
  return (withBias ? f(x, w, b) : f(x, w)) as tf.Tensor2D;
}

export function layerNorm(x: T, gain: T, bias: T, eps: number): tf.Tensor2D {
  const f = custom(([xx, g, bb], save) => {
    const [y, mean, rstd] = many(run('CotLayerNorm', { x: xx, gain: g, bias: bb }, { eps }));
    save([xx, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy, [sx, sg, m, r]) => many(run('CotLayerNormGrad', { dy, x: sx, mean: m, rstd: r, gain: sg })),
    };
  });
  return f(x, gain, bias) as tf.Tensor2D;
}

export function gelu(x: T): tf.Tensor2D {
  const f = custom(([xx], save) => {
    save([xx]);
    return { value: one(run('CotGelu', { x: xx })), gradFunc: (dy, [sx]) => one(run('CotGeluGrad', { dy, x: sx })) };
  });
  return f(x) as tf.Tensor2D;
}

export interface AttentionShape {
  batch: number;
  time: number;
  heads: number;
}

/**
 * Causal attention on qkv [B·T, 3d] → [B·T, d]; `mask` (optional, not differentiated) multiplies the weights
 * (dropout). Differentiable; use `attentionWithWeights` to also get the weights.
 */
export function attention(qkv: T, s: AttentionShape, mask?: T): tf.Tensor2D {
  const attrs = { batch: s.batch, time: s.time, heads: s.heads };
  const f = custom(([x], save) => {
    const [out, probs] = many(run('CotAttention', { qkv: x, mask }, attrs));
    save(mask ? [x, probs, mask] : [x, probs]);
    return {
      value: out,
      gradFunc: (dout, [sx, p, sm]) => one(run('CotAttentionGrad', { dout, qkv: sx, probs: p, mask: sm }, attrs)),
    };
  });
  return f(qkv) as tf.Tensor2D;
}

/** Attention output and weights [B, H, T, T], for inspection: not differentiable. */
export function attentionWithWeights(qkv: T, s: AttentionShape): { out: tf.Tensor2D; weights: tf.Tensor4D } {
  const [out, weights] = many(run('CotAttention', { qkv }, { batch: s.batch, time: s.time, heads: s.heads }));
  return { out: out as tf.Tensor2D, weights: weights as tf.Tensor4D };
}

/** tokens int32 [B, T] → wte[token] + wpe[position], [B·T, d]. */
export function embed(tokens: T, wte: T, wpe: T): tf.Tensor2D {
  const f = custom(([te, pe], save) => {
    save([tokens]);
    return {
      value: one(run('CotEmbed', { tokens, wte: te, wpe: pe })),
      gradFunc: (dx, [tk]) => many(run('CotEmbedGrad', { dx, tokens: tk }, { vocab: te.shape[0], positions: pe.shape[0] })),
    };
  });
  return f(wte, wpe) as tf.Tensor2D;
}

/** Mean cross-entropy over rows of logits [N, V] whose label (int32 [N]) is in [0, V). */
export function crossEntropy(logits: T, labels: T): tf.Scalar {
  const f = custom(([z], save) => {
    const [loss, grad] = many(run('CotCrossEntropy', { logits: z, labels }));
    save([grad]);
    return { value: loss, gradFunc: (dy, [g]) => tf.mul(g, dy) };
  });
  return f(logits) as tf.Scalar;
}

/**
 * The whole AdamW step as one kernel: new parameters, new flat moments m and v, and the global gradient norm
 * before clipping (see CotAdamW in tfjsKernels.ts).
 */
export function adamw(params: T[], grads: T[], m: T, v: T, attrs: AdamWAttrs): { params: T[]; m: T; v: T; norm: tf.Scalar } {
  const inputs: Record<string, T> = { m, v };
  params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = grads[i];
  });
  const out = many(run('CotAdamW', inputs, attrs as unknown as Record<string, number[]>));
  const n = params.length;
  return { params: out.slice(0, n), m: out[n], v: out[n + 1], norm: out[n + 2] as tf.Scalar };
}
