/**
 * A GPT-style decoder, written to be read top to bottom like the paper (and nanoGPT's model.py):
 * token + position embedding → L × [pre-LN causal multi-head attention, pre-LN MLP] → final LN → unembedding.
 * Input and output embeddings are tied. Pure tfjs: no layers API, every weight a named variable.
 *
 * A `Model` is its config, its weights and the ops it runs on (our wasm kernels or plain tfjs, picked once
 * when it is made, as nanoGPT picks `flash`). `forward` can return any intermediate by its TransformerLens
 * name (`blocks.{l}.hook_resid_pre`, `blocks.{l}.attn.hook_pattern`, … — see HookName) and can replace any of
 * them with a patching hook (activation patching, causal tracing).
 */
import * as tf from '@tensorflow/tfjs-core';
import { pickOps, type AttentionOptions, type OpPath, type Ops } from './ops';

export interface ModelConfig {
  vocabSize: number;
  maxLength: number;
  layers: number;
  heads: number;
  dModel: number;
  mlpRatio: number;
  dropout: number;
  seed: number;
}

interface LayerNormWeights {
  gain: tf.Variable;
  bias: tf.Variable;
}
export interface BlockWeights {
  ln1: LayerNormWeights;
  wQKV: tf.Variable; // [d, 3d]
  bQKV: tf.Variable;
  wOut: tf.Variable; // [d, d]
  bOut: tf.Variable;
  ln2: LayerNormWeights;
  wUp: tf.Variable; // [d, m·d]
  bUp: tf.Variable;
  wDown: tf.Variable; // [m·d, d]
  bDown: tf.Variable;
}
export interface Weights {
  tokenEmbedding: tf.Variable; // [V, d], also the unembedding (tied)
  positionEmbedding: tf.Variable; // [maxLength, d]
  blocks: BlockWeights[];
  lnFinal: LayerNormWeights;
}

// ---------------------------------------------------------------- initialisation (GPT-2: N(0, 0.02))
/** tfjs variable names are global: each model gets its own id so that two models (two arms) can coexist. */
let modelCount = 0;
export function initWeights(c: ModelConfig): Weights {
  let n = 0;
  const id = ++modelCount;
  const seed = () => c.seed * 7919 + ++n;
  const normal = (name: string, shape: number[], std = 0.02) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed()), true, `m${id}_${name}_${n}`);
  const zeros = (name: string, shape: number[]) => tf.variable(tf.zeros(shape), true, `m${id}_${name}_${n++}`);
  const ones = (name: string, shape: number[]) => tf.variable(tf.ones(shape), true, `m${id}_${name}_${n++}`);
  const d = c.dModel;
  const hidden = c.mlpRatio * d;
  const residualStd = 0.02 / Math.sqrt(2 * c.layers);
  const layerNorm = (name: string): LayerNormWeights => ({ gain: ones(`${name}_g`, [d]), bias: zeros(`${name}_b`, [d]) });
  return {
    tokenEmbedding: normal('wte', [c.vocabSize, d]),
    positionEmbedding: normal('wpe', [c.maxLength, d]),
    blocks: Array.from({ length: c.layers }, (_, l) => ({
      ln1: layerNorm(`h${l}_ln1`),
      wQKV: normal(`h${l}_wqkv`, [d, 3 * d]),
      bQKV: zeros(`h${l}_bqkv`, [3 * d]),
      wOut: normal(`h${l}_wout`, [d, d], residualStd),
      bOut: zeros(`h${l}_bout`, [d]),
      ln2: layerNorm(`h${l}_ln2`),
      wUp: normal(`h${l}_wup`, [d, hidden]),
      bUp: zeros(`h${l}_bup`, [hidden]),
      wDown: normal(`h${l}_wdown`, [hidden, d], residualStd),
      bDown: zeros(`h${l}_bdown`, [d]),
    })),
    lnFinal: layerNorm('lnf'),
  };
}

export function allVariables(w: Weights): tf.Variable[] {
  const ln = (x: LayerNormWeights) => [x.gain, x.bias];
  return [
    w.tokenEmbedding,
    w.positionEmbedding,
    ...w.blocks.flatMap((b) => [...ln(b.ln1), b.wQKV, b.bQKV, b.wOut, b.bOut, ...ln(b.ln2), b.wUp, b.bUp, b.wDown, b.bDown]),
    ...ln(w.lnFinal),
  ];
}

export function disposeWeights(w: Weights): void {
  for (const v of allVariables(w)) v.dispose();
}

// ---------------------------------------------------------------- the model object
export interface Model {
  readonly config: ModelConfig;
  readonly weights: Weights;
  /** The op path, picked once when the model is made. */
  readonly ops: Ops;
}

/** A model on existing weights; `ops` default: our kernels where the active backend runs them (pickOps). */
export function modelOf(config: ModelConfig, weights: Weights, ops: Ops = pickOps()): Model {
  return { config, weights, ops };
}
/**
 * A new model (fresh weights; the random values they were made from are released); `path`: 'auto' (default),
 * 'fast' or 'reference'. Dispose with disposeWeights(model.weights).
 */
export function createModel(config: ModelConfig, path: 'auto' | OpPath = 'auto'): Model {
  const ops = pickOps(path);
  let weights!: Weights;
  tf.tidy(() => {
    weights = initWeights(config); // variables survive the tidy
  });
  return modelOf(config, weights, ops);
}

// ---------------------------------------------------------------- named activations (TransformerLens names)
/** The intermediates of one block, as TransformerLens names them (after `blocks.{l}.`). */
export const BLOCK_HOOKS = [
  'hook_resid_pre', // [B, T, d]: the block's input (for block 0: token + position embedding)
  'ln1.hook_normalized', // [B, T, d]: layer norm 1's output (gain and bias applied)
  'attn.hook_q', // [B, T, heads, d/heads]
  'attn.hook_k',
  'attn.hook_v',
  'attn.hook_pattern', // [B, heads, T(query), T(key)]: attention weights after the softmax
  'attn.hook_z', // [B, T, heads, d/heads]: the heads' mixed values, before the output projection
  'hook_attn_out', // [B, T, d]: attention's output projection (after its dropout)
  'hook_resid_mid', // [B, T, d]: resid_pre + attn_out
  'ln2.hook_normalized', // [B, T, d]
  'mlp.hook_pre', // [B, T, mlpRatio·d]: before GELU
  'mlp.hook_post', // [B, T, mlpRatio·d]: after GELU
  'hook_mlp_out', // [B, T, d]
  'hook_resid_post', // [B, T, d]: resid_mid + mlp_out, the next block's resid_pre
] as const;
export type BlockHook = (typeof BLOCK_HOOKS)[number];
/** Every intermediate `forward` can return and patch. */
export type HookName = `blocks.${number}.${BlockHook}` | 'ln_final.hook_normalized';
/** The tensor type of an intermediate. */
export type ActivationOf<N extends string> = N extends `${string}.attn.hook_${'q' | 'k' | 'v' | 'z' | 'pattern'}` ? tf.Tensor4D : tf.Tensor3D;
/** Intermediates by name (only those asked for). */
export type ActivationCache = { [N in HookName]?: ActivationOf<N> };
/** A patching hook: gets the intermediate, returns its replacement (same shape) or nothing to leave it. */
export type Hook<N extends HookName = HookName> = (x: ActivationOf<N>, name: N) => ActivationOf<N> | undefined;
export type Hooks = { [N in HookName]?: Hook<N> };

export const blockHook = (l: number, h: BlockHook): HookName => `blocks.${l}.${h}`;
/** The residual stream after `l` blocks (0: the embedding): `blocks.0.hook_resid_pre`, then `blocks.{l−1}.hook_resid_post`. */
export type ResidName = 'blocks.0.hook_resid_pre' | `blocks.${number}.hook_resid_post`;
export const residName = (l: number): ResidName => (l === 0 ? 'blocks.0.hook_resid_pre' : `blocks.${l - 1}.hook_resid_post`);

export interface ForwardOptions {
  /** Training mode: applies dropout. */
  training?: boolean;
  /** Seed for this call's dropout masks. */
  dropoutSeed?: number;
  /** Only unembed the last position (generation). */
  lastOnly?: boolean;
  /** Intermediates to return in `cache`, by name or by a test on names. */
  keep?: readonly HookName[] | ((name: HookName) => boolean);
  /**
   * Patching hooks by name: each replaces its intermediate (and what the model computes from it). The cache
   * holds the replaced value. A replaced `attn.hook_pattern` mixes the values without attention dropout.
   */
  hooks?: Hooks;
}
export interface ForwardResult {
  /** [B, T, V], or [B, V] with lastOnly. */
  logits: tf.Tensor;
  cache: ActivationCache;
}

/** Where intermediates are returned and patched during one forward pass (null: none asked for). */
class Taps {
  readonly cache: ActivationCache = {};
  private readonly keeps: (n: HookName) => boolean;
  constructor(
    keep: ForwardOptions['keep'],
    private readonly hooks: Hooks = {},
  ) {
    if (typeof keep === 'function') this.keeps = keep;
    else {
      const set = new Set<string>(keep ?? []);
      this.keeps = (n) => set.has(n);
    }
  }
  wants(name: HookName): boolean {
    return this.keeps(name) || this.hooks[name] !== undefined;
  }
  /** The intermediate `x` at `name`, patched if a hook says so, and kept if asked. */
  at<T extends tf.Tensor>(name: HookName, x: T): T {
    const hook = this.hooks[name] as Hook | undefined;
    let y = x;
    if (hook) {
      const r = hook(x as unknown as tf.Tensor3D & tf.Tensor4D, name);
      if (r) {
        if (!tf.util.arraysEqual(r.shape, x.shape)) throw new Error(`hook ${name}: shape ${r.shape} is not ${x.shape}`);
        y = r as unknown as T;
      }
    }
    if (this.keeps(name)) (this.cache as Record<string, tf.Tensor>)[name] = y;
    return y;
  }
  /** `at` for a [rows, width] tensor seen as [B, T, width]. */
  at2(name: HookName, x: tf.Tensor2D, B: number, T: number): tf.Tensor2D {
    if (!this.wants(name)) return x;
    const y = this.at(name, x.reshape([B, T, x.shape[1]]) as tf.Tensor3D);
    return y === (x as unknown) ? x : (y.reshape([B * T, x.shape[1]]) as tf.Tensor2D);
  }
}

// ---------------------------------------------------------------- the pieces
// linear, layerNorm, gelu, embed, causalAttention and crossEntropy come from the model's Ops (ops.ts): plain
// tfjs ops, or our fused WebAssembly kernels on the wasm backend (same maths; see ops.ts and kernels/README.md).

type Drop = (t: tf.Tensor) => tf.Tensor;

/** Causal self-attention on x [B·T, d]: q, k, v from one projection, heads merged back by wOut. */
function attention(m: Model, l: number, x: tf.Tensor2D, blk: BlockWeights, o: AttentionOptions, drop: Drop, taps: Taps | null): tf.Tensor2D {
  const { ops } = m;
  const { batch: B, time: T, heads: H } = o;
  const d = m.config.dModel;
  const hd = d / H;
  let qkv = ops.linear(x, blk.wQKV, blk.bQKV); // [B·T, 3d]: q | k | v, each `heads` heads of d/heads
  if (taps && (['attn.hook_q', 'attn.hook_k', 'attn.hook_v'] as const).some((h) => taps.wants(blockHook(l, h)))) {
    const parts = tf.split(qkv, 3, 1).map((p, i) => {
      const name = blockHook(l, (['attn.hook_q', 'attn.hook_k', 'attn.hook_v'] as const)[i]);
      return taps.at(name, p.reshape([B, T, H, hd]) as tf.Tensor4D).reshape([B * T, d]);
    });
    qkv = tf.concat(parts, 1) as tf.Tensor2D;
  }
  const patternName = taps ? blockHook(l, 'attn.hook_pattern') : null;
  const wantPattern = !!(taps && patternName && taps.wants(patternName));
  let { out: z, weights } = ops.causalAttention(qkv, { ...o, keepWeights: wantPattern });
  if (wantPattern && weights) {
    const patched = taps!.at(patternName!, weights);
    if (patched !== weights) {
      const v = tf.transpose(tf.split(qkv, 3, 1)[2].reshape([B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
      z = tf.transpose(ops.matmul(patched, v), [0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
    }
  }
  if (taps) {
    const zName = blockHook(l, 'attn.hook_z');
    if (taps.wants(zName)) z = taps.at(zName, z.reshape([B, T, H, hd]) as tf.Tensor4D).reshape([B * T, d]) as tf.Tensor2D;
  }
  return drop(ops.linear(z, blk.wOut, blk.bOut)) as tf.Tensor2D;
}

function mlp(m: Model, l: number, x: tf.Tensor2D, blk: BlockWeights, drop: Drop, taps: Taps | null, B: number, T: number): tf.Tensor2D {
  const { ops } = m;
  let pre = ops.linear(x, blk.wUp, blk.bUp);
  if (taps) pre = taps.at2(blockHook(l, 'mlp.hook_pre'), pre, B, T);
  let post = ops.gelu(pre);
  if (taps) post = taps.at2(blockHook(l, 'mlp.hook_post'), post, B, T);
  return drop(ops.linear(post, blk.wDown, blk.bDown)) as tf.Tensor2D;
}

// ---------------------------------------------------------------- the model
/** tokens: int32 [B, T]. Call inside tf.tidy (or dispose the results). */
export function forward(m: Model, tokens: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
  const { config: c, weights: w, ops } = m;
  const [B, T] = tokens.shape;
  const d = c.dModel;
  let dropCalls = 0;
  const rate = opts.training ? c.dropout : 0;
  const nextSeed = () => (opts.dropoutSeed ?? 0) * 131 + dropCalls++;
  const drop: Drop = (t) => (rate > 0 ? tf.dropout(t, rate, undefined, nextSeed()) : t);
  const taps = opts.keep || opts.hooks ? new Taps(opts.keep, opts.hooks) : null;
  if (!taps && !opts.lastOnly && ops.addLayerNorm) return { logits: forwardAddNorm(m, tokens, drop, nextSeed, rate), cache: {} };
  const at = (name: HookName, x: tf.Tensor2D) => (taps ? taps.at2(name, x, B, T) : x);

  let x = drop(ops.embed(tokens, w.tokenEmbedding as tf.Tensor2D, w.positionEmbedding as tf.Tensor2D)) as tf.Tensor2D; // [B·T, d]
  w.blocks.forEach((blk, l) => {
    const o = { batch: B, time: T, heads: c.heads, dropout: rate, seed: nextSeed() };
    x = at(blockHook(l, 'hook_resid_pre'), x);
    const a = at(blockHook(l, 'hook_attn_out'), attention(m, l, at(blockHook(l, 'ln1.hook_normalized'), ln(m, x, blk.ln1)), blk, o, drop, taps));
    x = at(blockHook(l, 'hook_resid_mid'), tf.add(x, a));
    const f = at(blockHook(l, 'hook_mlp_out'), mlp(m, l, at(blockHook(l, 'ln2.hook_normalized'), ln(m, x, blk.ln2)), blk, drop, taps, B, T));
    x = at(blockHook(l, 'hook_resid_post'), tf.add(x, f));
  });
  const cache = taps?.cache ?? {};
  if (opts.lastOnly) {
    const last = x
      .reshape([B, T, d])
      .slice([0, T - 1, 0], [B, 1, d])
      .reshape([B, d]) as tf.Tensor2D;
    const normed = taps ? taps.at2('ln_final.hook_normalized', ln(m, last, w.lnFinal), B, 1) : ln(m, last, w.lnFinal);
    return { logits: ops.matmul(normed, w.tokenEmbedding, true), cache };
  }
  const normed = at('ln_final.hook_normalized', ln(m, x, w.lnFinal));
  return { logits: ops.matmul(normed, w.tokenEmbedding, true).reshape([B, T, c.vocabSize]), cache };
}

/**
 * The same forward pass with each residual add fused into the layer norm that follows it (ops.addLayerNorm:
 * fewer GPU dispatches), for when nothing is tapped: the dropout seeds are drawn in the same order.
 */
function forwardAddNorm(m: Model, tokens: tf.Tensor2D, drop: Drop, nextSeed: () => number, rate: number): tf.Tensor {
  const { config: c, weights: w, ops } = m;
  const addNorm = ops.addLayerNorm as NonNullable<Ops['addLayerNorm']>;
  const [B, T] = tokens.shape;
  let x = drop(ops.embed(tokens, w.tokenEmbedding as tf.Tensor2D, w.positionEmbedding as tf.Tensor2D)) as tf.Tensor2D;
  let h = ln(m, x, w.blocks[0]?.ln1 ?? w.lnFinal);
  w.blocks.forEach((blk, l) => {
    const o = { batch: B, time: T, heads: c.heads, dropout: rate, seed: nextSeed() };
    [x, h] = addNorm(x, attention(m, l, h, blk, o, drop, null), blk.ln2.gain, blk.ln2.bias);
    const next = w.blocks[l + 1]?.ln1 ?? w.lnFinal;
    [x, h] = addNorm(x, mlp(m, l, h, blk, drop, null, B, T), next.gain, next.bias);
  });
  return ops.matmul(h, w.tokenEmbedding, true).reshape([B, T, c.vocabSize]);
}

function ln(m: Model, x: tf.Tensor2D, p: LayerNormWeights): tf.Tensor2D {
  return m.ops.layerNorm(x, p.gain, p.bias);
}

/** Final layer norm + tied unembedding: [N, d] → [N, V]. Also the logit lens on any residual stream. */
export function unembed(m: Model, x: tf.Tensor2D): tf.Tensor2D {
  return m.ops.matmul(ln(m, x, m.weights.lnFinal), m.weights.tokenEmbedding, true);
}

/**
 * Mean cross-entropy over the positions whose label is ≥ 0 (the tokens after the prompt).
 * logits [B, T, V], labels int32 [B, T] with −1 where no loss is taken.
 */
export function maskedCrossEntropy(m: Model, logits: tf.Tensor, labels: tf.Tensor2D): tf.Scalar {
  const vocabSize = m.config.vocabSize;
  return m.ops.crossEntropy(logits.reshape([-1, vocabSize]) as tf.Tensor2D, labels.reshape([-1]) as tf.Tensor1D);
}

export function parameterCount(w: Weights): number {
  return allVariables(w).reduce((s, v) => s + v.size, 0);
}
