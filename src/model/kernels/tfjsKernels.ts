/**
 * Our WebAssembly kernels registered as tfjs kernels of the 'wasm' backend (names start with "Cot").
 * Each reads its inputs and writes fresh outputs in the backend's heap; none mutates an input.
 * Gradients are not registered here: fastOps.ts pairs forward and backward kernels with tf.customGrad.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bind, type BoundKernels } from './wasm';

type Info = tf.TensorInfo;
type Attrs = Record<string, number | boolean | number[]>;
type KernelBody = (K: BoundKernels, inputs: Info[], attrs: Attrs, named: Record<string, Info>) => Info | Info[];

export interface AdamWAttrs {
  clip: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  bias1: number;
  bias2: number;
  weightDecay: number;
  /** Per parameter: 1 if weight decay applies (rank ≥ 2), else 0. */
  decayed: number[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = 4;

export const KERNELS: Record<string, { inputs: string[]; body: KernelBody }> = {
  /** C = op(a)·op(b) (+ bias) */
  CotGemm: {
    inputs: ['a', 'b', 'bias'],
    body: (K, [a, b, bias], at) => {
      const [M, Ka] = at.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const N = at.transB ? b.shape[0] : b.shape[1];
      const c = K.out([M, N]);
      const scratch = K.scratch(((Math.ceil(M / 4) * 4 + Math.ceil(N / 8) * 8) * Ka + 512) * f32);
      K.gemm(M, N, Ka, K.ptr(a), !!at.transA, K.ptr(b), !!at.transB, c.ptr, bias ? K.ptr(bias) : 0, scratch);
      return c.info;
    },
  },
  /** Backward of y = x·w (+ b): dx = dy·wᵀ, dw = xᵀ·dy, db = Σ_rows dy. */
  CotLinearGrad: {
    inputs: ['dy', 'x', 'w'],
    body: (K, [dy, x, w], at) => {
      const [N, I] = x.shape;
      const O = w.shape[1];
      const dx = K.out([N, I]);
      const dw = K.out([I, O]);
      const scratch = K.scratch(((Math.ceil(Math.max(N, I) / 4) * 4 + Math.ceil(Math.max(I, O) / 8) * 8) * Math.max(N, O) + 512) * f32);
      K.gemm(N, I, O, K.ptr(dy), false, K.ptr(w), true, dx.ptr, 0, scratch);
      K.gemm(I, O, N, K.ptr(x), true, K.ptr(dy), false, dw.ptr, 0, scratch);
      if (!at.bias) return [dx.info, dw.info];
      const db = K.out([O]);
      K.k.colSum(K.ptr(dy), N, O, db.ptr, 0);
      return [dx.info, dw.info, db.info];
    },
  },
  CotLayerNorm: {
    inputs: ['x', 'gain', 'bias'],
    body: (K, [x, gain, bias], at) => {
      const [N, d] = x.shape;
      const y = K.out([N, d]);
      const mean = K.out([N]);
      const rstd = K.out([N]);
      K.k.layerNorm(K.ptr(x), K.ptr(gain), K.ptr(bias), N, d, at.eps as number, y.ptr, mean.ptr, rstd.ptr);
      return [y.info, mean.info, rstd.info];
    },
  },
  CotLayerNormGrad: {
    inputs: ['dy', 'x', 'mean', 'rstd', 'gain'],
    body: (K, [dy, x, mean, rstd, gain]) => {
      const [N, d] = x.shape;
      const dx = K.out([N, d]);
      const dg = K.out([d]);
      const db = K.out([d]);
      K.k.layerNormGrad(K.ptr(dy), K.ptr(x), K.ptr(mean), K.ptr(rstd), K.ptr(gain), N, d, dx.ptr, dg.ptr, db.ptr, K.scratch(d * f32));
      return [dx.info, dg.info, db.info];
    },
  },
  CotGelu: {
    inputs: ['x'],
    body: (K, [x]) => {
      const y = K.out(x.shape);
      K.k.gelu(K.ptr(x), size(x.shape), y.ptr);
      return y.info;
    },
  },
  CotGeluGrad: {
    inputs: ['dy', 'x'],
    body: (K, [dy, x]) => {
      const dx = K.out(x.shape);
      K.k.geluGrad(K.ptr(dy), K.ptr(x), size(x.shape), dx.ptr);
      return dx.info;
    },
  },
  /** qkv [B·T, 3d] → out [B·T, d], probs [B, H, T, T]; optional dropout multipliers `mask` [B, H, T, T]. */
  CotAttention: {
    inputs: ['qkv', 'mask'],
    body: (K, [qkv, mask], at) => {
      const [B, T, H] = [at.batch as number, at.time as number, at.heads as number];
      const d = qkv.shape[1] / 3;
      const out = K.out([B * T, d]);
      const probs = K.out([B, H, T, T]);
      K.k.attention(K.ptr(qkv), B, T, H, d / H, 1 / Math.sqrt(d / H), mask ? K.ptr(mask) : 0, out.ptr, probs.ptr);
      return [out.info, probs.info];
    },
  },
  CotAttentionGrad: {
    inputs: ['dout', 'qkv', 'probs', 'mask'],
    body: (K, [dout, qkv, probs, mask], at) => {
      const [B, T, H] = [at.batch as number, at.time as number, at.heads as number];
      const d = qkv.shape[1] / 3;
      const dqkv = K.out(qkv.shape);
      K.k.attentionGrad(K.ptr(dout), K.ptr(qkv), K.ptr(probs), mask ? K.ptr(mask) : 0, B, T, H, d / H, 1 / Math.sqrt(d / H), dqkv.ptr, K.scratch(T * f32));
      return dqkv.info;
    },
  },
  /** tokens int32 [B, T] → x [B·T, d] = wte[token] + wpe[position] */
  CotEmbed: {
    inputs: ['tokens', 'wte', 'wpe'],
    body: (K, [tokens, wte, wpe]) => {
      const [B, T] = tokens.shape;
      const [V, d] = wte.shape;
      const x = K.out([B * T, d]);
      K.k.embed(K.ptr(tokens), B * T, T, K.ptr(wte), V, K.ptr(wpe), d, x.ptr);
      return x.info;
    },
  },
  CotEmbedGrad: {
    inputs: ['dx', 'tokens'],
    body: (K, [dx, tokens], at) => {
      const [B, T] = tokens.shape;
      const [V, P, d] = [at.vocab as number, at.positions as number, dx.shape[1]];
      const dwte = K.out([V, d]);
      const dwpe = K.out([P, d]);
      K.k.embedGrad(K.ptr(dx), K.ptr(tokens), B * T, T, V, P, d, dwte.ptr, dwpe.ptr);
      return [dwte.info, dwpe.info];
    },
  },
  /** logits [N, V], labels int32 [N] (−1: no loss) → mean loss (scalar) and its gradient [N, V]. */
  CotCrossEntropy: {
    inputs: ['logits', 'labels'],
    body: (K, [logits, labels]) => {
      const [N, V] = logits.shape;
      const loss = K.out([]);
      const grad = K.out([N, V]);
      K.k.crossEntropy(K.ptr(logits), K.ptr(labels), N, V, loss.ptr, grad.ptr);
      return [loss.info, grad.info];
    },
  },
  /**
   * The whole AdamW step in one kernel. Inputs p0…p(n−1), g0…g(n−1) (parameters and gradients), m, v (the moments
   * of all parameters, flat, in that order). Attrs: hyper-parameters, `decayed` (per parameter: 1 = weight decay).
   * Outputs: p0′…p(n−1)′, m′, v′, and the global gradient norm before clipping.
   */
  CotAdamW: {
    inputs: [],
    body: (K, _list, at, named) => {
      const a = at as unknown as AdamWAttrs;
      const n = a.decayed.length;
      const ps = Array.from({ length: n }, (_, i) => named[`p${i}`]);
      const gs = Array.from({ length: n }, (_, i) => named[`g${i}`]);
      const [m, v] = [named.m, named.v];
      let sq = 0;
      for (const g of gs) sq += K.k.sumSquares(K.ptr(g), size(g.shape));
      const norm = Math.sqrt(sq);
      const scale = a.clip > 0 ? Math.min(1, a.clip / (norm + 1e-6)) : 1;
      const [mo, vo] = [K.out(m.shape), K.out(v.shape)];
      const outs: Info[] = [];
      let off = 0;
      ps.forEach((p, i) => {
        const len = size(p.shape);
        const po = K.out(p.shape);
        const decay = a.decayed[i] ? 1 - a.lr * a.weightDecay : 1;
        const [mp, vp, mop, vop] = [K.ptr(m), K.ptr(v), mo.ptr, vo.ptr].map((q) => q + off * f32);
        K.k.adamw(K.ptr(p), K.ptr(gs[i]), mp, vp, len, scale, a.lr, a.beta1, a.beta2, a.eps, a.bias1, a.bias2, decay, po.ptr, mop, vop);
        outs.push(po.info);
        off += len;
      });
      const normOut = K.out([]);
      K.heapF32()[normOut.ptr >>> 2] = norm;
      return [...outs, mo.info, vo.info, normOut.info];
    },
  },
};

/**
 * tfjs-backend-wasm's Identity copies the tensor's memory; tf.customGrad's `save` (and tf.clone) run it for
 * every tensor a backward pass needs (~40 MB a training step on the default preset). tfjs tensors are
 * immutable, and the cpu and webgl backends' Identity shares the data (refcount + 1), as wasm's own Reshape
 * does; this makes wasm's do the same.
 */
function shareOnIdentity(): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original || (original as { cotShared?: boolean }).cotShared) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as Info;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as unknown as { incRef(d: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
    cotShared: true,
  } as tf.KernelConfig);
}

let registered = false;
/** Registers every Cot* kernel for the 'wasm' backend (once), and the sharing Identity. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  shareOnIdentity();
  for (const [name, def] of Object.entries(KERNELS)) {
    if (tf.getKernel(name, 'wasm')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const K = bind(backend);
        if (!K) throw new Error(`${name}: our wasm kernels are not available on this backend`);
        const named = inputs as Record<string, Info>;
        const list = def.inputs.map((n) => named[n]);
        return def.body(K, list, (attrs ?? {}) as Attrs, named);
      },
    });
  }
}
