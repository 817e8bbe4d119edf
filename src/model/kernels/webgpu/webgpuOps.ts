/**
 * The model's pieces on our WGSL kernels (wgslKernels.ts), each a tf.customGrad pairing a forward dispatch with
 * its backward dispatches; matrix products stay tfjs's (transposed operands are free on a GPU), with the bias
 * fused into the product. Only valid while the active backend is 'webgpu' (ops.ts checks, once, when a model
 * is made).
 */
import * as tf from '@tensorflow/tfjs-core';
import { WGSL_KERNELS } from './wgslKernels';
import type { AdamWAttrs } from '../tfjsKernels';
import { WGSL_OPTIMIZER_KERNELS } from './wgslOptimizer';

type T = tf.Tensor;
type Grad = (dy: T, saved: T[]) => T | T[];

/**
 * tfjs's default submits every 15 dispatches; one training step is ~150 of ours, so at most 2 submits a step.
 * Not unbounded: buffers of tensors disposed meanwhile return to tfjs's pool only at a submit.
 */
const SUBMIT_BATCH = 160;

/** Registers every CotGpu* kernel for the 'webgpu' backend (once) and batches submits. */
export function registerWebgpuKernels(): void {
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_BATCH);
  if (!tf.getGradient('CotGpuAddLayerNorm')) tf.registerGradient(ADD_LAYER_NORM_GRAD);
  for (const [name, body] of Object.entries({ ...WGSL_KERNELS, ...WGSL_OPTIMIZER_KERNELS })) {
    if (tf.getKernel(name, 'webgpu')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) =>
        body(backend as tf.KernelBackend, inputs as Record<string, tf.TensorInfo>, (attrs ?? {}) as Record<string, number | number[]>),
    });
  }
}

function run(name: string, inputs: Record<string, T>, attrs: Record<string, number | number[]> = {}): T[] {
  const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as T | T[];
  return Array.isArray(out) ? out : [out];
}

function custom(f: (inputs: T[], save: tf.GradSaveFunc) => { value: T; gradFunc: Grad }): (...inputs: T[]) => T {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    return f(args as T[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: T[]) => T;
}

export function layerNorm(x: T, gain: T, bias: T, eps: number): tf.Tensor2D {
  return custom(([xx, g, b], save) => {
    const [y, mean, rstd] = run('CotGpuLayerNorm', { x: xx, gain: g, bias: b }, { eps });
    save([xx, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy, [sx, sg, m, r]) => {
        const [dx] = run('CotGpuLayerNormGradX', { dy, x: sx, mean: m, rstd: r, gain: sg });
        const [dg, db] = run('CotGpuLayerNormGradParams', { dy, x: sx, mean: m, rstd: r });
        return [dx, dg, db];
      },
    };
  })(x, gain, bias) as tf.Tensor2D;
}

/**
 * Its gradient: x and a both get ds + the layer norm's dx (one dispatch), gain and bias theirs (one more). Saved:
 * the gain, then the outputs s, mean, rstd. A kernel with two outputs to differentiate (tf.customGrad has one).
 */
const ADD_LAYER_NORM_GRAD: tf.GradConfig = {
  kernelName: 'CotGpuAddLayerNorm',
  inputsToSave: ['gain'],
  outputsToSave: [true, false, true, true],
  gradFunc: (dys, saved) => {
    const [ds, dy] = dys as (T | null)[];
    const [gain, s, mean, rstd] = saved;
    const g = dy ?? tf.zerosLike(s);
    const [dx] = run('CotGpuLayerNormGradX', ds ? { dy: g, x: s, mean, rstd, gain, ds } : { dy: g, x: s, mean, rstd, gain });
    const [dg, db] = run('CotGpuLayerNormGradParams', { dy: g, x: s, mean, rstd });
    return { x: () => dx, a: () => dx, gain: () => dg, bias: () => db };
  },
};

/** s = x + a and layer norm of s, in one dispatch forward and two backward (the residual stream's add & norm). */
export function addLayerNorm(x: T, a: T, gain: T, bias: T, eps: number): [tf.Tensor2D, tf.Tensor2D] {
  const [s, y, mean, rstd] = run('CotGpuAddLayerNorm', { x, a, gain, bias }, { eps });
  tf.dispose([mean, rstd]);
  return [s as tf.Tensor2D, y as tf.Tensor2D];
}

export function gelu(x: T): tf.Tensor2D {
  return custom(([xx], save) => {
    save([xx]);
    return { value: run('CotGpuGelu', { x: xx })[0], gradFunc: (dy, [sx]) => run('CotGpuGeluGrad', { dy, x: sx })[0] };
  })(x) as tf.Tensor2D;
}

export interface AttentionShape {
  batch: number;
  time: number;
  heads: number;
}

/** Causal attention on qkv [B·T, 3d] → [B·T, d] (no dropout: ops.ts runs the plain ops for that). */
export function attention(qkv: T, s: AttentionShape): tf.Tensor2D {
  const attrs = { batch: s.batch, time: s.time, heads: s.heads };
  return custom(([x], save) => {
    const [out, lse] = run('CotGpuAttention', { qkv: x }, attrs);
    save([x, out, lse]);
    return { value: out, gradFunc: (dout, [sx, so, sl]) => run('CotGpuAttentionGrad', { dout, qkv: sx, out: so, lse: sl }, attrs)[0] };
  })(qkv) as tf.Tensor2D;
}

/**
 * x [N, in] · w [in, out] (+ b), the bias added in the product's own dispatch; backward: tfjs's products with
 * transposed operands and our column sum for the bias (tf.sum over rows is a transpose and a reduction).
 */
export function linear(x: tf.Tensor2D, w: T, b?: T): tf.Tensor2D {
  const f = custom(([xx, ww, bb], save) => {
    save([xx, ww]);
    return {
      value: tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb }),
      gradFunc: (dy, [sx, sw]) => {
        const dx = tf.matMul(dy, sw, false, true);
        const dw = tf.matMul(sx, dy, true, false);
        return bb ? [dx, dw, run('CotGpuColumnSum', { x: dy })[0]] : [dx, dw];
      },
    };
  });
  return (b ? f(x, w, b) : f(x, w)) as tf.Tensor2D;
}

/** tokens int32 [B, T] → wte[token] + wpe[position], [B·T, d]. */
export function embed(tokens: T, wte: T, wpe: T): tf.Tensor2D {
  return custom(([te, pe], save) => {
    save([tokens]);
    return {
      value: run('CotGpuEmbed', { tokens, wte: te, wpe: pe })[0],
      gradFunc: (dx, [tk]) => run('CotGpuEmbedGrad', { dx, tokens: tk }, { vocab: te.shape[0], positions: pe.shape[0] }),
    };
  })(wte, wpe) as tf.Tensor2D;
}

/** Mean cross-entropy over rows of logits [N, V] whose label (int32 [N], −1 = none) is in [0, V). */
export function crossEntropy(logits: T, labels: T): tf.Scalar {
  return custom(([z], save) => {
    const [grad, rows] = run('CotGpuCrossEntropy', { logits: z, labels });
    const [loss, inverse] = run('CotGpuCrossEntropyMean', { rows });
    rows.dispose();
    save([grad, inverse]);
    return { value: loss, gradFunc: (dy, [g, inv]) => run('CotGpuCrossEntropyGrad', { grad: g, inverse: inv, dy })[0] };
  })(logits) as tf.Scalar;
}

/**
 * The whole AdamW step: parameters and the moments (m then v in one flat [2 × parameters]) updated in place;
 * returns the gradient norm before clipping (see wgslOptimizer.ts).
 */
export function adamw(params: T[], grads: T[], moments: T, attrs: AdamWAttrs): tf.Scalar {
  const inputs: Record<string, T> = { moments };
  params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = grads[i];
  });
  return run('CotGpuAdamW', inputs, attrs as unknown as Record<string, number[]>)[0] as tf.Scalar;
}
