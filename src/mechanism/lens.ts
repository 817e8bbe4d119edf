/**
 * The aggregated logit lens (nostalgebraist 2020; as Yao et al. 2025 use it): the final layer norm and the
 * unembedding applied to the residual stream after the embedding and after every block, at every position of
 * the teacher-forced sequence, over a sample of queries. Reported: per tracked result (each of the task's
 * intermediate results, then the answer) × row × position, the share of queries whose token is the top-1 token
 * there. At the last row this is the model's own prediction, so the lens says *where* a token is formed, not
 * whether.
 *
 * Pure functions over a model and a sample. Every tensor is computed before the first await (on wasm at once, on
 * a GPU queued in order), so a summary reflects the weights at the call even if training goes on meanwhile; the
 * results come back in one batched readback per call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EvalItem } from '../data/dataset';
import { ANSWER, type LensSummary, type TrackedResult } from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import { forward, residName, unembed, type Model } from '../model/gpt';
import { headlineSplit, taskOf } from '../tasks/registry';

/** Queries per forward pass (bounds the [rows·N·T, V] logits of the lens). */
const CHUNK = 256;

/** The arm's teacher-forced sequence of a query: the prompt and the true continuation without its `</a>`. */
export function teacherForced(item: EvalItem, cot: boolean): number[] {
  const continuation = cot ? item.target : item.directTarget;
  return [...item.prompt, ...continuation.slice(0, -1)];
}

/** What the lens and tracing read for an arm of a config: the positions' roles and the tracked results. */
export interface MechanismLayout {
  cot: boolean;
  positions: string[];
  /** The task's intermediate results in order, then the answer, each where the arm must say it. */
  tracked: TrackedResult[];
}

/** The layout of the task's headline queries for an arm (`TaskSpec.positions`, `intermediates`, `emitPosition`). */
export function mechanismLayout(config: Config, cot: boolean): MechanismLayout {
  const task = taskOf(config);
  const steps = task.intermediates(config);
  return {
    cot,
    positions: task.positions(config, cot),
    tracked: [
      ...steps.map((s, k) => ({ name: s.name, label: s.label, position: task.emitPosition(config, cot, k) })),
      { name: ANSWER, label: ANSWER, position: task.emitPosition(config, cot, steps.length) },
    ],
  };
}

/** Whether a query has the layout's shape (its sequence as long as the positions, one step per intermediate result). */
export const fitsLayout = (item: EvalItem, layout: MechanismLayout): boolean =>
  teacherForced(item, layout.cot).length === layout.positions.length && item.steps.length === layout.tracked.length - 1 && item.answer.length > 0;

/** The token of tracked result `k` of a query: its k-th intermediate result, or (the last) its answer's first token. */
export const trackedToken = (item: EvalItem, k: number, layout: Pick<MechanismLayout, 'tracked'>): number =>
  k < layout.tracked.length - 1 ? item.steps[k] : item.answer[0];

/** Top-1 token of the logit lens at every row (embedding + each block) and position: int32 [rows, N, T]. */
export function lensTop1(m: Model, tokens: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [N, T] = tokens.shape;
    const rows = m.config.layers + 1;
    const names = Array.from({ length: rows }, (_, l) => residName(l));
    const { cache } = forward(m, tokens, { keep: names });
    const states = tf
      .concat(
        names.map((n) => cache[n]!),
        0,
      )
      .reshape([rows * N * T, m.config.dModel]) as tf.Tensor2D;
    return tf.argMax(unembed(m, states), 1).reshape([rows, N, T]) as tf.Tensor3D;
  });
}

/** Which split a summary is of: its id, short label (default: the id) and whether it is the headline split. */
export interface SplitRef {
  split: string;
  splitLabel?: string;
  headline?: boolean;
}

/**
 * The aggregated lens of one arm on one sample of the config's task (queries of the headline queries' shape:
 * `fitsLayout`). Empty sample: shares of NaN (written as null in JSON).
 */
export async function aggregatedLens(m: Model, items: readonly EvalItem[], o: SplitRef & { config: Config; cot: boolean; step: number }): Promise<LensSummary> {
  const layout = mechanismLayout(o.config, o.cot);
  const { positions, tracked } = layout;
  const T = positions.length;
  const rows = m.config.layers + 1;
  const K = tracked.length;
  const misfit = items.findIndex((it) => !fitsLayout(it, layout));
  if (misfit >= 0) throw new RangeError(`Query ${misfit} of the lens sample does not have the task's ${T} positions and ${K - 1} intermediate results.`);
  const counts = tf.tidy(() => {
    let sum: tf.Tensor = tf.zeros([K, rows, T], 'int32');
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const n = chunk.length;
      const tokens = tf.tensor2d(
        chunk.map((it) => teacherForced(it, o.cot)),
        [n, T],
        'int32',
      );
      const top = lensTop1(m, tokens); // [rows, n, T]
      // the tracked tokens of each query: [K, 1, n, 1] against [1, rows, n, T]
      const want = tf.tensor4d(
        tracked.flatMap((_, k) => chunk.map((it) => trackedToken(it, k, layout))),
        [K, 1, n, 1],
        'int32',
      );
      // × 1 first: on webgpu a cast only relabels the bool buffer, and summing it over a middle axis (a transpose
      // first) gave a shader that does not compile — an uncaptured WGSL type error, and garbage counts
      const hits = tf.cast(tf.sum(tf.mul(tf.cast(tf.equal(top.expandDims(0), want), 'float32'), 1), 2), 'int32'); // [K, rows, T]
      sum = tf.add(sum, hits);
    }
    return sum;
  });
  let values: Int32Array;
  try {
    values = (await counts.data()) as Int32Array;
  } finally {
    counts.dispose();
  }
  const n = items.length;
  const grid = (k: number) => Array.from({ length: rows }, (_, r) => Array.from({ length: T }, (_, p) => values[(k * rows + r) * T + p] / n));
  return {
    step: o.step,
    split: o.split,
    splitLabel: o.splitLabel ?? o.split,
    headline: o.headline ?? false,
    ...(headlineSplit(o.config).chance ? { chance: headlineSplit(o.config).chance } : {}),
    positions,
    tracked,
    top1: tracked.map((_, k) => grid(k)),
    queries: n,
  };
}
