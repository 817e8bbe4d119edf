/**
 * The aggregated logit lens (nostalgebraist 2020; as Yao et al. 2025 use it): the final layer norm and the
 * unembedding applied to the residual stream after the embedding and after every block, at every position of
 * the teacher-forced sequence, over a sample of queries. Reported: per row × position, the share of queries whose
 * bridge (and second bridge, and answer) is the top-1 token there. At the last row this is the model's own
 * prediction, so the lens says *where* a token is formed, not whether.
 *
 * Pure functions over a model and a sample. Every tensor is computed before the first await (on wasm at once, on
 * a GPU queued in order), so a summary reflects the weights at the call even if training goes on meanwhile; the
 * results come back in one batched readback per call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EvalItem } from '../data/distribution';
import { emitPosition, positionRoles, type LensSummary, type MechanismSplit } from '../experiment/mechanism';
import { forward, residName, unembed, type Model } from '../model/gpt';

/** Queries per forward pass (bounds the [rows·N·T, V] logits of the lens). */
const CHUNK = 256;

export interface SequenceOptions {
  cot: boolean;
  hops: 2 | 3;
}

/** The arm's teacher-forced sequence of a query: the prompt and the true continuation without its `</a>`. */
export function teacherForced(item: EvalItem, cot: boolean): number[] {
  const continuation = cot ? item.target : item.directTarget;
  return [...item.prompt, ...continuation.slice(0, -1)];
}

/** The true bridges of a multi-hop query (the CoT target's tokens before the answer). */
export function bridgesOf(item: EvalItem): number[] {
  return item.target.slice(0, -2);
}

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

/**
 * The aggregated lens of one arm on one sample. Empty sample: shares of NaN (written as null in JSON).
 */
export async function aggregatedLens(m: Model, items: readonly EvalItem[], o: SequenceOptions & { split: MechanismSplit; step: number }): Promise<LensSummary> {
  const positions = positionRoles(o.hops, o.cot);
  const T = positions.length;
  const rows = m.config.layers + 1;
  const tracked = o.hops === 3 ? 3 : 2; // bridge, (bridge 2,) answer
  const counts = tf.tidy(() => {
    let sum: tf.Tensor = tf.zeros([tracked, rows, T], 'int32');
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const n = chunk.length;
      const tokens = tf.tensor2d(
        chunk.map((it) => teacherForced(it, o.cot)),
        [n, T],
        'int32',
      );
      const top = lensTop1(m, tokens); // [rows, n, T]
      const want = (pick: (it: EvalItem) => number) => tf.tensor1d(chunk.map(pick), 'int32').reshape([1, n, 1]);
      const targets = [want((it) => bridgesOf(it)[0]), ...(o.hops === 3 ? [want((it) => bridgesOf(it)[1])] : []), want((it) => it.answer)];
      // × 1 first: on webgpu a cast only relabels the bool buffer, and summing it over a middle axis (a transpose
      // first) gave a shader that does not compile — an uncaptured WGSL type error, and garbage counts
      const hits = tf.stack(targets.map((t) => tf.cast(tf.sum(tf.mul(tf.cast(tf.equal(top, t), 'float32'), 1), 1), 'int32'))); // [tracked, rows, T]
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
    positions,
    bridgeTop1: grid(0),
    ...(o.hops === 3 ? { bridge2Top1: grid(1) } : {}),
    answerTop1: grid(tracked - 1),
    queries: n,
  };
}

/** Where the arm must say its tokens, as positions of `positions` (for the reading and the views). */
export function emitPositions(o: SequenceOptions): { bridge: number; bridge2?: number; answer: number } {
  return {
    bridge: emitPosition(o.hops, o.cot, 'bridge'),
    ...(o.hops === 3 ? { bridge2: emitPosition(o.hops, o.cot, 'bridge2') } : {}),
    answer: emitPosition(o.hops, o.cot, 'answer'),
  };
}
