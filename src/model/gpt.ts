/**
 * A GPT-style decoder, written to be read top to bottom like the paper (and nanoGPT's model.py):
 * token + position embedding → L × [pre-LN causal multi-head attention, pre-LN MLP] → final LN → unembedding.
 * Input and output embeddings are tied. Pure tfjs: no layers API, every weight a named variable.
 */
import * as tf from '@tensorflow/tfjs';
import { matmul, transposeLast2 } from './ops';

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
/** x [N, in] · W [in, out] + b */
function linear(x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y = matmul(x, w);
  return b ? tf.add(y, b) : y;
}

function layerNorm(x: tf.Tensor2D, p: LayerNormWeights, eps = 1e-5): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), p.gain), p.bias);
}

/** GELU, tanh approximation (as in GPT-2). */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

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

/** Causal self-attention with `heads` heads on x [B·T, d]; returns the output and the weights [B, h, T, T]. */
function attention(
  x: tf.Tensor2D,
  blk: BlockWeights,
  B: number,
  T: number,
  heads: number,
  mask: tf.Tensor2D,
  drop: (t: tf.Tensor) => tf.Tensor,
): { out: tf.Tensor2D; weights: tf.Tensor4D } {
  const d = x.shape[1];
  const hd = d / heads;
  const qkv = linear(x, blk.wQKV, blk.bQKV).reshape([B, T, 3, heads, hd]);
  const [q, k, v] = tf.unstack(tf.transpose(qkv, [2, 0, 3, 1, 4])) as tf.Tensor4D[]; // each [B, h, T, hd]
  const scores = tf.add(tf.mul(matmul(q, transposeLast2(k)), 1 / Math.sqrt(hd)), mask); // [B, h, T, T]
  const weights = tf.softmax(scores) as tf.Tensor4D;
  const mixed = matmul(drop(weights) as tf.Tensor4D, v); // [B, h, T, hd]
  const merged = tf.transpose(mixed, [0, 2, 1, 3]).reshape([B * T, d]) as tf.Tensor2D;
  return { out: drop(linear(merged, blk.wOut, blk.bOut)) as tf.Tensor2D, weights };
}

function mlp(x: tf.Tensor2D, blk: BlockWeights, drop: (t: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  return drop(linear(gelu(linear(x, blk.wUp, blk.bUp)), blk.wDown, blk.bDown)) as tf.Tensor2D;
}

/** −∞ (well, −1e9) above the diagonal: position i attends to positions ≤ i. */
function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

// ---------------------------------------------------------------- the model
/** tokens: int32 [B, T]. Call inside tf.tidy (or dispose the results). */
export function forward(w: Weights, c: ModelConfig, tokens: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
  const [B, T] = tokens.shape;
  const d = c.dModel;
  let dropCalls = 0;
  const rate = opts.training ? c.dropout : 0;
  const drop = (t: tf.Tensor) => (rate > 0 ? tf.dropout(t, rate, undefined, (opts.dropoutSeed ?? 0) * 131 + dropCalls++) : t);

  // token embedding as a one-hot product (the gather gradient is missing on wasm)
  const oneHot = tf.oneHot(tokens.reshape([B * T]), c.vocabSize).toFloat() as tf.Tensor2D;
  const positions = tf.tile(tf.slice(w.positionEmbedding, [0, 0], [T, d]), [B, 1]) as tf.Tensor2D;
  let x = drop(tf.add(matmul(oneHot, w.tokenEmbedding as tf.Tensor2D), positions)) as tf.Tensor2D; // [B·T, d]

  const mask = causalMask(T);
  const attentionMaps: tf.Tensor4D[] = [];
  const residuals: tf.Tensor3D[] = [];
  if (opts.keepResiduals) residuals.push(x.reshape([B, T, d]));
  for (const blk of w.blocks) {
    const a = attention(layerNorm(x, blk.ln1), blk, B, T, c.heads, mask, drop);
    if (opts.keepAttention) attentionMaps.push(a.weights);
    x = tf.add(x, a.out);
    x = tf.add(x, mlp(layerNorm(x, blk.ln2), blk, drop));
    if (opts.keepResiduals) residuals.push(x.reshape([B, T, d]));
  }
  if (opts.lastOnly) {
    const last = x.reshape([B, T, d]).slice([0, T - 1, 0], [B, 1, d]).reshape([B, d]) as tf.Tensor2D;
    return { logits: unembed(w, last), attention: attentionMaps, residuals };
  }
  return { logits: unembed(w, x).reshape([B, T, c.vocabSize]), attention: attentionMaps, residuals };
}

/** Final layer norm + tied unembedding: [N, d] → [N, V]. Also the logit lens on any residual stream. */
export function unembed(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return matmul(layerNorm(x, w.lnFinal), transposeLast2(w.tokenEmbedding) as tf.Tensor2D);
}

/**
 * Mean cross-entropy over the positions whose label is ≥ 0 (the tokens after the prompt).
 * logits [B, T, V], labels int32 [B, T] with −1 where no loss is taken.
 */
export function maskedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor2D, vocabSize: number): tf.Scalar {
  const flat = logits.reshape([-1, vocabSize]) as tf.Tensor2D;
  const target = tf.oneHot(labels.reshape([-1]), vocabSize).toFloat(); // rows of −1 are all zero
  const count = tf.maximum(tf.sum(target), 1);
  return tf.div(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(flat)))), count) as tf.Scalar;
}

export function parameterCount(w: Weights): number {
  return allVariables(w).reduce((s, v) => s + v.size, 0);
}
