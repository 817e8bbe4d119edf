/**
 * Greedy generation and exact-match accuracy on the task's splits, batched.
 * Exact match: the whole generated continuation up to and including </a> equals the target
 * (for the CoT arm, every intermediate result and the answer). Answer accuracy: the answer span just before the
 * first </a> (or the expected answer slots when no </a> is produced) equals the answer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, EvalItem } from '../data/dataset';
import { forward, type Model } from '../model/gpt';
import type { EvalResult, SplitScores } from '../experiment/domain';

const EVAL_BATCH = 512;

/** Greedily extends each prompt (all of equal length) by `steps` tokens; returns the new tokens [N, steps]. */
export async function generate(m: Model, prompts: number[][], steps: number): Promise<Int32Array> {
  const n = prompts.length;
  const p = prompts[0]?.length ?? 0;
  const out = new Int32Array(n * steps);
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const rows = prompts.slice(start, start + EVAL_BATCH);
    const generated = tf.tidy(() => {
      let x = tf.tensor2d(rows.flat(), [rows.length, p], 'int32');
      const news: tf.Tensor[] = [];
      for (let s = 0; s < steps; s++) {
        const next = tf
          .argMax(forward(m, x, { lastOnly: true }).logits, -1)
          .toInt()
          .reshape([rows.length, 1]);
        news.push(next);
        x = tf.concat([x, next as tf.Tensor2D], 1);
      }
      return tf.concat(news, 1);
    });
    const values = (await generated.data()) as Int32Array;
    generated.dispose();
    out.set(values, start * steps);
  }
  return out;
}

export interface ScoredSplit {
  exact: number;
  answer: number;
  /** Share whose first generated token is the first intermediate result (queries with intermediate steps only). */
  firstStep?: number;
}

export function score(items: EvalItem[], generatedTokens: Int32Array, targets: number[][], eos: number): ScoredSplit {
  if (items.length === 0) return { exact: NaN, answer: NaN };
  const L = targets[0].length;
  const withSteps = targets[0].length > items[0].answer.length + 1;
  let exact = 0;
  let answer = 0;
  let firstStep = 0;
  items.forEach((item, i) => {
    const g = generatedTokens.subarray(i * L, (i + 1) * L);
    if (targets[i].every((t, j) => g[j] === t)) exact++;
    const firstEos = g.indexOf(eos);
    const A = item.answer.length;
    const end = firstEos >= 0 ? firstEos : L - 1;
    const start = Math.max(0, end - A);
    if (item.answer.every((t, j) => g[start + j] === t)) answer++;
    if (withSteps && g[0] === targets[i][0]) firstStep++;
  });
  const n = items.length;
  return { exact: exact / n, answer: answer / n, ...(withSteps ? { firstStep: firstStep / n } : {}) };
}

/** `sample`: evaluate only the first that many queries of each split (a cheap early look). */
export async function evaluate(m: Model, d: Dataset, cot: boolean, sample?: number): Promise<EvalResult> {
  const acc: SplitScores = {};
  const answerAcc: SplitScores = {};
  let stepAcc: number | undefined;
  for (const split of d.splits) {
    const items = sample === undefined ? split.items : split.items.slice(0, sample);
    if (items.length === 0) {
      acc[split.id] = answerAcc[split.id] = NaN;
      continue;
    }
    const targets = items.map((it) => (cot ? it.target : it.directTarget));
    const generated = await generate(
      m,
      items.map((it) => it.prompt),
      targets[0].length,
    );
    const s = score(items, generated, targets, d.vocab.eos);
    acc[split.id] = s.exact;
    answerAcc[split.id] = s.answer;
    if (split.role === 'headline' && cot) stepAcc = s.firstStep;
  }
  return { acc, answerAcc, ...(stepAcc !== undefined ? { stepAcc } : {}) };
}
