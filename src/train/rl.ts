/**
 * The RL stage after SFT: GRPO (Shao et al. 2024, as in DeepSeek-R1) with a reward on the final answer alone.
 *
 * Each step draws prompts from the task's training queries with intermediate steps (`Dataset.rlItems`, never a
 * test query), samples `rlSamples` continuations of each from the model itself (temperature `rlTemperature`,
 * seeded), and judges each with the task's judge (src/tasks/judge.ts for most): reward 1 when the continuation
 * is well formed and its answer before </a> is right (the truth before any CoT noise); 0 otherwise. Nothing
 * rewards the intermediate steps: a chain can only grow if the model already writes one. Rewards are normalised within each prompt's group
 * (advantage = (r − mean) / std; 0 when the group agrees), and the update maximises
 *
 *   mean over samples of  A · (mean log-probability of the sample's tokens)  −  β · KL(π ‖ π_SFT)
 *
 * with one update per batch of samples (on-policy: GRPO's probability ratio is 1 and its clip inactive, so this
 * is its gradient; with one sample group it is REINFORCE with the group mean as baseline). The KL is exact
 * (over the whole vocabulary, at each scored position) towards a frozen copy of the weights SFT left, averaged
 * over the sample's tokens like the policy term. "Scored tokens": those up to and including the first </a>;
 * all of them when no </a> is written.
 *
 * tfjs discipline: every step in one tf.tidy; the sampled tokens are read back once per step (asynchronously,
 * the rewards need them), the KL values only when metrics are taken (one batched readback).
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import type { Dataset } from '../data/dataset';
import type { Config } from '../experiment/schema';
import type { RlMetrics } from '../experiment/phases';
import { taskOf } from '../tasks/registry';
import { allVariables, forward, modelOf, type BlockWeights, type Model, type Weights } from '../model/gpt';
import { AdamW } from './adamw';

const SAMPLE_BATCH = 512;

// ---------------------------------------------------------------- sampling
/**
 * Next tokens int32 [N] from logits [N, V]: the argmax at temperature ≤ 0 (greedy), otherwise a draw from
 * softmax(logits / T) by the Gumbel-max trick, with noise from tfjs's seeded generator (computed in JS, so the
 * same on every backend). Call inside tf.tidy.
 */
export function sampleTokens(logits: tf.Tensor2D, temperature: number, seed: string): tf.Tensor1D {
  if (!(temperature > 0)) return tf.argMax(logits, -1).toInt() as tf.Tensor1D;
  const u = tf.randomUniform(logits.shape, 1e-7, 1 - 1e-7, 'float32', seed);
  const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
  return tf.argMax(tf.add(tf.div(logits, temperature), gumbel), -1).toInt() as tf.Tensor1D;
}

/**
 * Extends each prompt (all of equal length) by `steps` sampled tokens; returns them, [N, steps]. Same seed →
 * same tokens (on one backend). Temperature 0 is greedy generation (evaluate.ts `generate`).
 */
export async function sampleContinuations(m: Model, prompts: number[][], steps: number, temperature: number, seed: string): Promise<Int32Array> {
  const n = prompts.length;
  const p = prompts[0]?.length ?? 0;
  const out = new Int32Array(n * steps);
  for (let start = 0; start < n; start += SAMPLE_BATCH) {
    const rows = prompts.slice(start, start + SAMPLE_BATCH);
    const sampled = tf.tidy(() => {
      let x = tf.tensor2d(rows.flat(), [rows.length, p], 'int32');
      const news: tf.Tensor2D[] = [];
      for (let s = 0; s < steps; s++) {
        const logits = forward(m, x, { lastOnly: true }).logits as tf.Tensor2D;
        const next = sampleTokens(logits, temperature, `${seed}/${start}/${s}`).reshape([rows.length, 1]) as tf.Tensor2D;
        news.push(next);
        x = tf.concat([x, next], 1);
      }
      return tf.concat(news, 1);
    });
    const values = (await sampled.data()) as Int32Array;
    sampled.dispose();
    out.set(values, start * steps);
  }
  return out;
}

// ---------------------------------------------------------------- reward
/** GRPO advantages: each group of `group` consecutive rewards minus its mean, over its standard deviation (0 when all agree). */
export function groupAdvantages(rewards: ArrayLike<number>, group: number): Float32Array {
  const out = new Float32Array(rewards.length);
  for (let g = 0; g < rewards.length; g += group) {
    const n = Math.min(group, rewards.length - g);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += rewards[g + i] / n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (rewards[g + i] - mean) ** 2 / n;
    const std = Math.sqrt(variance);
    for (let i = 0; i < n; i++) out[g + i] = std > 1e-6 ? (rewards[g + i] - mean) / std : 0;
  }
  return out;
}

// ---------------------------------------------------------------- the loss
/** Sampled sequences to learn from. */
export interface RlBatch {
  /** Prompt then continuation, row-major [rows, promptLength + genLength]. */
  tokens: Int32Array;
  rows: number;
  promptLength: number;
  genLength: number;
  /** [rows, genLength]: 1 on the scored tokens, 0 after them. */
  mask: Float32Array;
  /** [rows]: the GRPO advantage of each sample. */
  advantages: Float32Array;
}

/** Log-softmax over the vocabulary at every continuation position: [rows, genLength, V]. Call inside tf.tidy. */
export function continuationLogProbs(m: Model, b: RlBatch): tf.Tensor3D {
  const T = b.promptLength + b.genLength;
  const x = tf.tensor2d(b.tokens, [b.rows, T], 'int32').slice([0, 0], [b.rows, T - 1]) as tf.Tensor2D;
  const { logits } = forward(m, x);
  const V = m.config.vocabSize;
  return tf.logSoftmax(logits.slice([0, b.promptLength - 1, 0], [b.rows, b.genLength, V])) as tf.Tensor3D;
}

function continuationOf(b: RlBatch): tf.Tensor2D {
  const T = b.promptLength + b.genLength;
  return tf.tensor2d(b.tokens, [b.rows, T], 'int32').slice([0, b.promptLength], [b.rows, b.genLength]) as tf.Tensor2D;
}

/** Masked mean over the scored tokens of each row of x [rows, genLength]: [rows]. */
function perSample(x: tf.Tensor2D, b: RlBatch): tf.Tensor1D {
  const mask = tf.tensor2d(b.mask, [b.rows, b.genLength]);
  return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor1D;
}

/** Each sample's mean log-probability per scored token, from continuationLogProbs: [rows]. Call inside tf.tidy. */
export function sequenceLogProbs(logp: tf.Tensor3D, b: RlBatch): tf.Tensor1D {
  const onehot = tf.oneHot(continuationOf(b), logp.shape[2]);
  return perSample(tf.sum(tf.mul(logp, onehot), -1) as tf.Tensor2D, b);
}

/** Each sample's mean KL(π ‖ π_ref) per scored token, exact over the vocabulary: [rows]. Call inside tf.tidy. */
export function sequenceKl(logp: tf.Tensor3D, refLogp: tf.Tensor3D, b: RlBatch): tf.Tensor1D {
  return perSample(tf.sum(tf.mul(tf.exp(logp), tf.sub(logp, refLogp)), -1) as tf.Tensor2D, b);
}

/** The GRPO loss (to minimise) and the mean KL from the reference. Call inside tf.tidy. */
export function grpoLoss(m: Model, b: RlBatch, refLogp: tf.Tensor3D | null, klCoef: number): { loss: tf.Scalar; kl: tf.Scalar } {
  const logp = continuationLogProbs(m, b);
  const pg = tf.neg(tf.mean(tf.mul(tf.tensor1d(b.advantages), sequenceLogProbs(logp, b)))) as tf.Scalar;
  const kl = refLogp ? (tf.mean(sequenceKl(logp, refLogp, b)) as tf.Scalar) : tf.scalar(0);
  return { loss: klCoef > 0 && refLogp ? tf.add(pg, tf.mul(kl, klCoef)) : pg, kl };
}

/**
 * One GRPO update of `m` by `optimizer` with learning rate `lr`. Returns the loss and the mean KL, scalars the
 * caller must dispose (read them back batched).
 */
export function grpoUpdate(m: Model, ref: Model | null, optimizer: AdamW, b: RlBatch, klCoef: number, lr: number): { loss: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const refLogp = ref ? tf.tidy(() => continuationLogProbs(ref, b)) : null;
    const vars = allVariables(m.weights);
    let kl!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const r = grpoLoss(m, b, refLogp, klCoef);
      kl = tf.keep(r.kl); // outlives the gradient's forward scope; returned below
      return r.loss;
    }, vars);
    optimizer.apply(
      vars.map((v) => grads[v.name]),
      lr,
    );
    return { loss: value, kl };
  });
}

/** Each sample's mean log-probability per scored token under `m`, read back (tests, inspection). */
export async function scoreSamples(m: Model, b: RlBatch): Promise<Float32Array> {
  const lp = tf.tidy(() => sequenceLogProbs(continuationLogProbs(m, b), b));
  const values = (await lp.data()) as Float32Array;
  lp.dispose();
  return values;
}

// ---------------------------------------------------------------- the frozen SFT copy
let copies = 0;
/** A frozen (non-trainable) copy of weights: the reference the KL penalty pulls towards. */
export function frozenCopy(w: Weights): Weights {
  const id = ++copies;
  const copy = (v: tf.Variable) => tf.tidy(() => tf.variable(v.clone(), false, `${v.name}_ref${id}`));
  const ln = (x: { gain: tf.Variable; bias: tf.Variable }) => ({ gain: copy(x.gain), bias: copy(x.bias) });
  const block = (b: BlockWeights): BlockWeights => ({
    ln1: ln(b.ln1),
    wQKV: copy(b.wQKV),
    bQKV: copy(b.bQKV),
    wOut: copy(b.wOut),
    bOut: copy(b.bOut),
    ln2: ln(b.ln2),
    wUp: copy(b.wUp),
    bUp: copy(b.bUp),
    wDown: copy(b.wDown),
    bDown: copy(b.bDown),
  });
  return { tokenEmbedding: copy(w.tokenEmbedding), positionEmbedding: copy(w.positionEmbedding), blocks: w.blocks.map(block), lnFinal: ln(w.lnFinal) };
}

// ---------------------------------------------------------------- the prompts
/** Indices of the multi-hop training facts in a seeded order, reshuffled every epoch (both arms: the same order). */
export class PromptSampler {
  private order: number[] = [];
  private pos = 0;
  private readonly rng: () => number;
  constructor(
    private readonly n: number,
    seed: number,
  ) {
    this.rng = seedrandom.alea(`cot-rl-prompts-${seed}`);
  }
  next(k: number): number[] {
    const out: number[] = [];
    if (this.n === 0) return out;
    while (out.length < k) {
      if (this.pos >= this.order.length) {
        this.order = Array.from({ length: this.n }, (_, i) => i);
        for (let i = this.n - 1; i > 0; i--) {
          const j = Math.floor(this.rng() * (i + 1));
          [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
        }
        this.pos = 0;
      }
      out.push(this.order[this.pos++]);
    }
    return out;
  }
}

// ---------------------------------------------------------------- one arm's RL stage
/** What the RL stage needs of an arm (ArmTrainer has it). */
export interface RlHost {
  readonly gpt: Model;
  readonly config: Config;
  readonly data: Dataset;
}

/** Prompts per RL step: Batch size / samples per prompt (at least one). */
export const rlPromptsPerStep = (c: Pick<Config, 'batch' | 'rlSamples'>): number => Math.max(1, Math.floor(c.batch / c.rlSamples));

/**
 * One arm's RL stage: made at the end of SFT (it freezes the SFT weights as the KL reference and starts a fresh
 * AdamW on the arm's weights), then `step(s)` once per RL step s (the run's step counter). `rlStepsDone`: RL steps
 * already taken (a run restored mid-RL), so that prompts and samples are those of an uninterrupted run.
 */
export class RlTrainer {
  private readonly ref: Model;
  private readonly optimizer: AdamW;
  private readonly prompts: PromptSampler;
  private pendingKl: tf.Scalar[] = [];
  private sums = { n: 0, reward: 0, cot: 0, stepsRight: 0 };

  constructor(
    private readonly host: RlHost,
    rlStepsDone = 0,
  ) {
    const { config, gpt } = host;
    this.ref = modelOf(gpt.config, frozenCopy(gpt.weights), gpt.ops);
    let optimizer!: AdamW;
    tf.tidy(() => {
      optimizer = new AdamW(allVariables(gpt.weights), { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay, clip: config.clip });
    });
    this.optimizer = optimizer;
    this.prompts = new PromptSampler(host.data.rlItems.length, config.seed);
    for (let i = 0; i < rlStepsDone; i++) this.prompts.next(rlPromptsPerStep(config));
  }

  /** One RL step (run step `step`): sample, judge, update. Returns the loss, a scalar the caller must dispose. */
  async step(step: number): Promise<tf.Scalar> {
    const { config, data, gpt } = this.host;
    const chosen = this.prompts.next(rlPromptsPerStep(config));
    if (chosen.length === 0) return tf.scalar(0); // no training queries with steps (e.g. λ = 0): nothing to learn from
    const group = config.rlSamples;
    const chains = chosen.map((i) => data.rlItems[i]);
    const prompts = chains.flatMap((c) => Array.from({ length: group }, () => c.prompt));
    const P = prompts[0].length;
    const L = data.rlItems[0].target.length;
    const task = taskOf(config);
    const gen = await sampleContinuations(gpt, prompts, L, config.rlTemperature, `cot-rl-${config.seed}-${step}`);

    const rows = prompts.length;
    const tokens = new Int32Array(rows * (P + L));
    const mask = new Float32Array(rows * L);
    const rewards = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const cont = gen.subarray(r * L, (r + 1) * L);
      tokens.set(prompts[r], r * (P + L));
      tokens.set(cont, r * (P + L) + P);
      const j = task.judge(cont, chains[Math.floor(r / group)], data.vocab);
      mask.fill(1, r * L, r * L + j.length);
      rewards[r] = j.reward;
      this.sums.n++;
      this.sums.reward += j.reward;
      this.sums.cot += j.cot ? 1 : 0;
      this.sums.stepsRight += j.stepsRight ? 1 : 0;
    }
    const batch: RlBatch = { tokens, rows, promptLength: P, genLength: L, mask, advantages: groupAdvantages(rewards, group) };
    const { loss, kl } = grpoUpdate(gpt, this.ref, this.optimizer, batch, config.rlKl, config.rlLr);
    this.pendingKl.push(kl);
    return loss;
  }

  /** The means over the samples since the last call (one batched readback of the KL values); null when none. */
  async takeMetrics(): Promise<RlMetrics | null> {
    const { n, reward, cot, stepsRight } = this.sums;
    const pending = this.pendingKl;
    this.pendingKl = [];
    this.sums = { n: 0, reward: 0, cot: 0, stepsRight: 0 };
    let kl = NaN;
    if (pending.length) {
      const stacked = tf.stack(pending);
      const values = (await stacked.data()) as Float32Array;
      stacked.dispose();
      for (const p of pending) p.dispose();
      kl = values.reduce((a, b) => a + b, 0) / values.length;
    }
    if (n === 0) return null;
    return { reward: reward / n, cotRate: cot / n, stepsRightRate: stepsRight / n, kl };
  }

  dispose(): void {
    for (const p of this.pendingKl) p.dispose();
    this.pendingKl = [];
    for (const v of allVariables(this.ref.weights)) v.dispose();
    this.optimizer.dispose();
  }
}
