/**
 * Causal tracing (activation patching; Meng et al. 2022, as Wang et al. 2024 and Yao et al. 2025 use it): run a
 * query (clean) and the task's counterfactual of it, a query of the same length and roles whose intermediate
 * results and answer differ (for the knowledge graph another head entity; corrupted); copy one residual state
 * (row × position) of the clean run into the corrupted run and let the model go on from there; see how much of
 * the clean target's probability comes back:
 *
 *   restored = Σ (p_patched − p_corrupt) / Σ (p_clean − p_corrupt)     (sums over the sample)
 *
 * p is the probability of the clean target token where the arm must say it (`TaskSpec.emitPosition`). Both runs
 * read their own teacher-forced sequence. A sum ratio rather than a mean of per-query ratios: the queries where
 * the clean run barely prefers the target weigh little instead of blowing up.
 *
 * Targets: the first intermediate result, the middle one and the last one (those that exist; a task with many,
 * such as parity's running parities, is not traced at each) and the answer: every target shares the same
 * patched runs, so a few targets cost little more than one, but their heatmaps are what a reader can take in.
 *
 * Every (row, position) cell is one patched copy of the corrupted batch; all cells run as one batch (chunked).
 * Pure functions over a model and a sample; all tensors are computed before the first await (see lens.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import type { Dataset, EvalItem } from '../data/dataset';
import { tracedIndices, type TraceSummary } from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import { forward, residName, type Hooks, type Model } from '../model/gpt';
import { taskOf } from '../tasks/registry';
import { fitsLayout, mechanismLayout, teacherForced, trackedToken, type SplitRef } from './lens';

export { tracedIndices };

/** Rows of patched sequences per forward pass. */
const CHUNK_ROWS = 2560;
/** Below this mean p_clean − p_corrupt, the clean run barely prefers the target: restored is not reported. */
export const MIN_EFFECT = 0.05;

/**
 * The task's counterfactual of each query (`TaskSpec.counterfactual`), drawn in order from one seeded stream
 * (`cot-trace-<seed>`); null where there is none.
 */
export function counterfactuals(config: Config, d: Dataset, items: readonly EvalItem[], seed = 0): (EvalItem | null)[] {
  const task = taskOf(config);
  const rng = seedrandom.alea(`cot-trace-${seed}`);
  return items.map((item) => task.counterfactual(d, item, rng));
}

/** A target of the trace: a token per query, read at one position. */
export interface TargetSpec {
  position: number;
  tokens: number[];
}

/**
 * For each patch set (a list of [row, position] clean states copied together into the corrupted run), the
 * probability of each target token: float32 [sets, targets, N]. Also the clean and corrupted probabilities
 * ([targets, N] each). Rows: 0 = the embedding, l = after block l.
 */
export function patchedProbabilities(
  m: Model,
  cleanTokens: readonly number[][],
  corruptTokens: readonly number[][],
  sets: readonly (readonly [number, number][])[],
  targets: readonly TargetSpec[],
): { patched: tf.Tensor3D; clean: tf.Tensor2D; corrupt: tf.Tensor2D } {
  return tf.tidy(() => {
    const N = cleanTokens.length;
    const T = cleanTokens[0]?.length ?? 0;
    const clean = tf.tensor2d(cleanTokens.flat(), [N, T], 'int32');
    const corrupt = tf.tensor2d(corruptTokens.flat(), [N, T], 'int32');
    const rows = m.config.layers + 1;
    const d = m.config.dModel;
    const names = Array.from({ length: rows }, (_, l) => residName(l));
    const cleanRun = forward(m, clean, { keep: names });
    const V = m.config.vocabSize;
    /** logits [n·N... , T, V] of `times` copies of the sample → p(target token) at its position: [targets, times·N]. */
    const probsOf = (logits: tf.Tensor, times: number): tf.Tensor2D => {
      const n = times * N;
      return tf.stack(
        targets.map((t) => {
          const p = tf.softmax(logits.slice([0, t.position, 0], [n, 1, V]).reshape([n, V]));
          // a real float32 one-hot (× 1): on webgpu a cast only relabels the int32 buffer
          const hot = tf.mul(tf.oneHot(tf.tensor1d(repeat(t.tokens, times), 'int32'), V), tf.scalar(1, 'float32'));
          return tf.sum(tf.mul(p, hot), 1);
        }),
      ) as tf.Tensor2D;
    };
    const pClean = probsOf(cleanRun.logits, 1);
    const pCorrupt = probsOf(forward(m, corrupt).logits, 1);

    // patched runs: set s occupies rows [s·N, (s+1)·N) of the batch; chunks of whole sets. A patch mixes with
    // 0/1 masks, x·(1 − m) + clean·m, which is exact for finite values (x·0 + c·1 = c, x·1 + c·0 = x) and needs
    // no tiling, gathering or strided slicing (all slow on wasm): the masks [S, 1, T, 1] broadcast
    const perChunk = Math.max(1, Math.floor(CHUNK_ROWS / N));
    const corruptRows = corruptTokens.flat();
    const parts: tf.Tensor[] = [];
    for (let s0 = 0; s0 < sets.length; s0 += perChunk) {
      const chunk = sets.slice(s0, s0 + perChunk);
      const S = chunk.length;
      const hooks: Hooks = {};
      for (let r = 0; r < rows; r++) {
        const mask = new Float32Array(S * T);
        chunk.forEach((set, s) => {
          for (const [row, pos] of set) if (row === r) mask[s * T + pos] = 1;
        });
        if (!mask.some((x) => x === 1)) continue;
        const take = tf.tensor4d(mask, [S, 1, T, 1]);
        const keep = tf.sub(1, take);
        const source = cleanRun.cache[names[r]]!.reshape([1, N, T, d]);
        hooks[names[r]] = (x: tf.Tensor3D) => tf.add(tf.mul(x.reshape([S, N, T, d]), keep), tf.mul(source, take)).reshape([S * N, T, d]) as tf.Tensor3D;
      }
      const batch = tf.tensor2d(repeat(corruptRows, S), [S * N, T], 'int32');
      const p = probsOf(forward(m, batch, { hooks }).logits, S); // [targets, S·N]
      parts.push(tf.transpose(p.reshape([targets.length, S, N]), [1, 0, 2])); // [S, targets, N]
    }
    const patched = (parts.length ? tf.concat(parts, 0) : tf.zeros([0, targets.length, N])) as tf.Tensor3D;
    return { patched, clean: pClean, corrupt: pCorrupt };
  });
}

/**
 * Causal tracing of one arm on a sample of the config's task: one heatmap (rows × positions) per traced target
 * (`tracedIndices`). Queries without a counterfactual, or not of the headline queries' shape, are left out.
 * `minEffect`: see MIN_EFFECT.
 */
export async function causalTrace(
  m: Model,
  d: Dataset,
  items: readonly EvalItem[],
  o: SplitRef & { config: Config; cot: boolean; step: number; seed?: number; minEffect?: number },
): Promise<TraceSummary[]> {
  const layout = mechanismLayout(o.config, o.cot);
  const { positions } = layout;
  const T = positions.length;
  const rows = m.config.layers + 1;
  const cf = counterfactuals(o.config, d, items, o.seed ?? 0);
  const pairs = items
    .map((it, i) => [it, cf[i]] as const)
    .filter((p): p is readonly [EvalItem, EvalItem] => p[1] !== null && fitsLayout(p[0], layout) && fitsLayout(p[1], layout));
  const traced = tracedIndices(layout.tracked);
  const targets = traced.map((k) => ({
    result: layout.tracked[k],
    spec: { position: layout.tracked[k].position, tokens: pairs.map((p) => trackedToken(p[0], k, layout)) },
  }));
  const summary = (t: (typeof targets)[number], restored: (number | null)[][], pClean: number, pCorrupt: number, queries: number): TraceSummary => ({
    step: o.step,
    split: o.split,
    splitLabel: o.splitLabel ?? o.split,
    target: t.result.name,
    label: t.result.label,
    position: t.result.position,
    positions,
    restored,
    pClean,
    pCorrupt,
    queries,
  });
  const minEffect = o.minEffect ?? MIN_EFFECT;
  if (pairs.length === 0)
    return targets.map((t) =>
      summary(
        t,
        grid(rows, T, () => null),
        NaN,
        NaN,
        0,
      ),
    );
  // a state after the last target's position cannot change it (causal attention): those cells are 0, not run
  const lastTarget = Math.max(...targets.map((t) => t.spec.position));
  const cells: [number, number][][] = [];
  for (let r = 0; r < rows; r++) for (let p = 0; p <= lastTarget; p++) cells.push([[r, p]]);
  const cellIndex = (r: number, p: number) => r * (lastTarget + 1) + p;
  const N = pairs.length;
  const out = tf.tidy(() => {
    const clean = pairs.map((p) => teacherForced(p[0], o.cot));
    const corrupt = pairs.map((p) => teacherForced(p[1], o.cot));
    const r = patchedProbabilities(
      m,
      clean,
      corrupt,
      cells,
      targets.map((t) => t.spec),
    );
    // sums over the sample: [cells, targets] and [targets]
    return tf.concat([tf.sum(r.patched, 2).reshape([-1]), tf.sum(r.clean, 1), tf.sum(r.corrupt, 1)]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  const K = targets.length;
  const cleanSum = (k: number) => v[cells.length * K + k];
  const corruptSum = (k: number) => v[cells.length * K + K + k];
  return targets.map((t, k) => {
    const effect = cleanSum(k) - corruptSum(k);
    const ok = effect / N >= minEffect && effect > 0;
    const restored = grid(rows, T, (r, p) => (!ok ? null : p > lastTarget ? 0 : (v[cellIndex(r, p) * K + k] - corruptSum(k)) / effect));
    return summary(t, restored, cleanSum(k) / N, corruptSum(k) / N, N);
  });
}

function repeat(xs: readonly number[], times: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < times; i++) for (const x of xs) out.push(x);
  return out;
}

function grid<T>(rows: number, cols: number, f: (r: number, c: number) => T): T[][] {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
}
