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
  const generated = generateOnDevice(m, prompts, steps);
  const values = (await generated.data()) as Int32Array;
  generated.dispose();
  return values;
}

/** `generate` without the readback: the new tokens, flat int32 [N·steps], left where the backend computed them. */
function generateOnDevice(m: Model, prompts: number[][], steps: number): tf.Tensor1D {
  const n = prompts.length;
  const p = prompts[0]?.length ?? 0;
  const batches: tf.Tensor[] = [];
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const rows = prompts.slice(start, start + EVAL_BATCH);
    batches.push(
      tf.tidy(() => {
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
        return tf.concat(news, 1).reshape([-1]);
      }),
    );
  }
  if (batches.length <= 1) return (batches[0] ?? tf.zeros([0], 'int32')) as tf.Tensor1D;
  const all = tf.concat(batches) as tf.Tensor1D;
  tf.dispose(batches);
  return all;
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

/**
 * `sample`: evaluate only the first that many queries of each split (a cheap early look). All splits are
 * generated before one readback (a GPU backend waits for its queue once per evaluation, not once per split).
 */
export async function evaluate(m: Model, d: Dataset, cot: boolean, sample?: number): Promise<EvalResult> {
  const acc: SplitScores = {};
  const answerAcc: SplitScores = {};
  let stepAcc: number | undefined;
  const runs = d.splits.map((split) => {
    const items = sample === undefined ? split.items : split.items.slice(0, sample);
    const targets = items.map((it) => (cot ? it.target : it.directTarget));
    return { split, items, targets, size: items.length === 0 ? 0 : items.length * targets[0].length };
  });
  const all = tf.tidy(() => {
    const parts = runs
      .filter((r) => r.size > 0)
      .map((r) =>
        generateOnDevice(
          m,
          r.items.map((it) => it.prompt),
          r.targets[0].length,
        ),
      );
    return parts.length === 0 ? tf.zeros([0], 'int32') : parts.length === 1 ? parts[0] : tf.concat(parts);
  });
  const generated = (await all.data()) as Int32Array;
  all.dispose();
  let offset = 0;
  for (const { split, items, targets, size } of runs) {
    if (size === 0) {
      acc[split.id] = answerAcc[split.id] = NaN;
      continue;
    }
    const s = score(items, generated.subarray(offset, offset + size), targets, d.vocab.eos);
    offset += size;
    acc[split.id] = s.exact;
    answerAcc[split.id] = s.answer;
    if (split.role === 'headline' && cot) stepAcc = s.firstStep;
  }
  return { acc, answerAcc, ...(stepAcc !== undefined ? { stepAcc } : {}) };
}
