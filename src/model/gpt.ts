/**
 * A GPT-style decoder, written to be read top to bottom like the paper (and nanoGPT's model.py):
 * token + position embedding → L × [pre-LN causal multi-head attention, pre-LN MLP] → final LN → unembedding.
 * Input and output embeddings are tied. Pure tfjs: no layers API, every weight a named variable.
 */
import * as tf from '@tensorflow/tfjs';
import { causalAttention, crossEntropy, embed, gelu, layerNorm, linear, matmul, type AttentionOptions } from './ops';

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
  const normal = (name: string, shape: number[], std = 0.02) =>
    tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed()), true, `m${id}_${name}_${n}`);
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

// ---------------------------------------------------------------- the pieces
// linear, layerNorm, gelu, embed, causalAttention and crossEntropy come from ops.ts: plain tfjs ops, or our
// fused WebAssembly kernels when the backend is wasm (same maths; see ops.ts and kernels/README.md).

export interface ForwardOptions {
  /** Training mode: applies dropout. */
  training?: boolean;
  /** Seed for this call's dropout masks. */
  dropoutSeed?: number;
  /** Return each layer's attention weights [B, heads, T, T]. */
  keepAttention?: boolean;
  /** Return the residual stream [B, T, d] after the embedding and after every block (layers + 1 entries). */
  keepResiduals?: boolean;
  /** Only unembed the last position (generation). */
  lastOnly?: boolean;
}
export interface ForwardResult {
  /** [B, T, V], or [B, V] with lastOnly. */
  logits: tf.Tensor;
  attention: tf.Tensor4D[];
  residuals: tf.Tensor3D[];
}

/** Causal self-attention on x [B·T, d]: q, k, v from one projection, heads merged back by wOut (+ weights if asked). */
function attention(
  x: tf.Tensor2D,
  blk: BlockWeights,
  o: AttentionOptions,
  drop: (t: tf.Tensor) => tf.Tensor,
): { out: tf.Tensor2D; weights?: tf.Tensor4D } {
  const qkv = linear(x, blk.wQKV, blk.bQKV); // [B·T, 3d]: q | k | v, each `heads` heads of d/heads
  const { out, weights } = causalAttention(qkv, o);
  return { out: drop(linear(out, blk.wOut, blk.bOut)) as tf.Tensor2D, weights };
}

function mlp(x: tf.Tensor2D, blk: BlockWeights, drop: (t: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  return drop(linear(gelu(linear(x, blk.wUp, blk.bUp)), blk.wDown, blk.bDown)) as tf.Tensor2D;
}

// ---------------------------------------------------------------- the model
/** tokens: int32 [B, T]. Call inside tf.tidy (or dispose the results). */
export function forward(w: Weights, c: ModelConfig, tokens: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
  const [B, T] = tokens.shape;
  const d = c.dModel;
  let dropCalls = 0;
  const rate = opts.training ? c.dropout : 0;
  const nextSeed = () => (opts.dropoutSeed ?? 0) * 131 + dropCalls++;
  const drop = (t: tf.Tensor) => (rate > 0 ? tf.dropout(t, rate, undefined, nextSeed()) : t);

  let x = drop(embed(tokens, w.tokenEmbedding as tf.Tensor2D, w.positionEmbedding as tf.Tensor2D)) as tf.Tensor2D; // [B·T, d]

  const attentionMaps: tf.Tensor4D[] = [];
  const residuals: tf.Tensor3D[] = [];
  if (opts.keepResiduals) residuals.push(x.reshape([B, T, d]));
  for (const blk of w.blocks) {
    const o = { batch: B, time: T, heads: c.heads, keepWeights: !!opts.keepAttention, dropout: rate, seed: nextSeed() };
    const a = attention(ln(x, blk.ln1), blk, o, drop);
    if (opts.keepAttention && a.weights) attentionMaps.push(a.weights);
    x = tf.add(x, a.out);
    x = tf.add(x, mlp(ln(x, blk.ln2), blk, drop));
    if (opts.keepResiduals) residuals.push(x.reshape([B, T, d]));
  }
  if (opts.lastOnly) {
    const last = x.reshape([B, T, d]).slice([0, T - 1, 0], [B, 1, d]).reshape([B, d]) as tf.Tensor2D;
    return { logits: unembed(w, last), attention: attentionMaps, residuals };
  }
  return { logits: unembed(w, x).reshape([B, T, c.vocabSize]), attention: attentionMaps, residuals };
}

function ln(x: tf.Tensor2D, p: LayerNormWeights): tf.Tensor2D {
  return layerNorm(x, p.gain, p.bias);
}

/** Final layer norm + tied unembedding: [N, d] → [N, V]. Also the logit lens on any residual stream. */
export function unembed(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return matmul(ln(x, w.lnFinal), w.tokenEmbedding, true);
}

/**
 * Mean cross-entropy over the positions whose label is ≥ 0 (the tokens after the prompt).
 * logits [B, T, V], labels int32 [B, T] with −1 where no loss is taken.
 */
export function maskedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor2D, vocabSize: number): tf.Scalar {
  return crossEntropy(logits.reshape([-1, vocabSize]) as tf.Tensor2D, labels.reshape([-1]) as tf.Tensor1D);
}

export function parameterCount(w: Weights): number {
  return allVariables(w).reduce((s, v) => s + v.size, 0);
}
