/**
 * Greedy generation and exact-match accuracy on the five splits, batched.
 * Exact match: the whole generated continuation up to and including </a> equals the target
 * (for CoT multi-hop, every bridge and the answer). Answer accuracy: the token before the first </a>
 * (or the expected answer slot when no </a> is produced) equals the answer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, EvalItem } from '../data/distribution';
import { forward, type Model } from '../model/gpt';
import { SPLITS, type EvalResult, type SplitScores } from '../experiment/domain';

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
  bridge?: number;
}

export function score(items: EvalItem[], generatedTokens: Int32Array, targets: number[][], eos: number): ScoredSplit {
  if (items.length === 0) return { exact: NaN, answer: NaN };
  const L = targets[0].length;
  let exact = 0;
  let answer = 0;
  let bridge = 0;
  items.forEach((item, i) => {
    const g = generatedTokens.subarray(i * L, (i + 1) * L);
    if (targets[i].every((t, j) => g[j] === t)) exact++;
    const firstEos = g.indexOf(eos);
    const pos = Math.max(0, (firstEos >= 0 ? firstEos : L - 1) - 1);
    if (g[pos] === item.answer) answer++;
    if (L > 2 && g[0] === targets[i][0]) bridge++;
  });
  const n = items.length;
  return { exact: exact / n, answer: answer / n, ...(L > 2 ? { bridge: bridge / n } : {}) };
}

/** `sample`: evaluate only the first that many queries of each split (a cheap early look). */
export async function evaluate(m: Model, d: Dataset, cot: boolean, sample?: number): Promise<EvalResult> {
  const acc = {} as SplitScores;
  const answerAcc = {} as SplitScores;
  let oodBridgeAcc: number | undefined;
  for (const split of SPLITS) {
    const items = sample === undefined ? d.splits[split] : d.splits[split].slice(0, sample);
    if (items.length === 0) {
      acc[split] = answerAcc[split] = NaN;
      continue;
    }
    const targets = items.map((it) => (cot ? it.target : it.directTarget));
    const generated = await generate(
      m,
      items.map((it) => it.prompt),
      targets[0].length,
    );
    const s = score(items, generated, targets, d.vocab.eos);
    acc[split] = s.exact;
    answerAcc[split] = s.answer;
    if (split === 'oodTwoHop' && cot) oodBridgeAcc = s.bridge;
  }
  return { acc, answerAcc, ...(oodBridgeAcc !== undefined ? { oodBridgeAcc } : {}) };
}
