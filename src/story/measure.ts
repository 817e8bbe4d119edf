/**
 * What the tour quotes, computed from what the page has measured (the training store's history rows and
 * logit-lens messages), never from canned values. Pure and tfjs-free, so that every sentence's number is
 * tested against the rows it comes from.
 */
import type { Arm, MetricRow } from '../experiment/domain';
import type { ExampleOption } from '../data/queries';
import type { LensMessage } from '../store/reduce';

/** Two decimals, as the training bar shows accuracies. */
export const fmt = (x: number): string => x.toFixed(2);

/** The latest row of an arm (the most recent evaluation), or null. */
export function lastRow(rows: readonly MetricRow[]): MetricRow | null {
  return rows.length ? rows[rows.length - 1] : null;
}

/** The first row at which `split` (a split id) reached `threshold` (exact match), or null. */
export function firstReaching(rows: readonly MetricRow[], split: string, threshold: number): MetricRow | null {
  for (const r of rows) if (Number.isFinite(r.acc[split]) && r.acc[split] >= threshold) return r;
  return null;
}

/** The row of an arm at `step` (exact), or null. */
export function rowAt(rows: readonly MetricRow[], step: number): MetricRow | null {
  return rows.find((r) => r.step === step) ?? null;
}

/** The row with the highest value of `split` (the earliest of equals), or null. */
export function peakRow(rows: readonly MetricRow[], split: string): MetricRow | null {
  let best: MetricRow | null = null;
  for (const r of rows) if (Number.isFinite(r.acc[split]) && (best === null || r.acc[split] > best.acc[split])) best = r;
  return best;
}

/** The latest step both histories evaluated, or null. */
export function commonStep(a: readonly MetricRow[], b: readonly MetricRow[]): number | null {
  const steps = new Set(b.map((r) => r.step));
  for (let i = a.length - 1; i >= 0; i--) if (steps.has(a[i].step)) return a[i].step;
  return null;
}

/** True once every training arm has an evaluation after step 0. */
export function firstEvaluationDone(history: Record<Arm, readonly MetricRow[]>, arms: readonly Arm[]): boolean {
  return arms.length > 0 && arms.every((a) => history[a].some((r) => r.step > 0));
}

export interface LensReading {
  arm: Arm;
  step: number;
  /** The token the lens tracks (its name, e.g. e19) and where the arm has to write it. */
  label: string;
  /** 'step': one of the query's intermediate results; 'answer': its answer. */
  role: 'step' | 'answer';
  /** Label of the position read (the one just before the token is written). */
  at: string;
  /** First row (0 = embedding, L = after block L) from which the token is the top guess at every later row; null if not even at the end. */
  fromRow: number | null;
  /** Blocks of the model (rows - 1). */
  layers: number;
  /** Rank (1 = top) at the last row. */
  finalRank: number;
}

/**
 * What the logit lens of one arm says about each tracked token at the position where the arm must write it:
 * from which layer on it is the top guess. The position read for a token is the one whose next input is that
 * token (teacher forcing: the true continuation follows the prompt), as the lens grid outlines it.
 */
export function lensReadings(msg: LensMessage): LensReading[] {
  const T = msg.labels.length;
  const out: LensReading[] = [];
  msg.tracked.forEach((tr, k) => {
    let p = -1;
    for (let i = 0; i + 1 < T; i++) if (msg.tokens[i + 1] === tr.token) p = p < 0 ? i : p;
    if (p < 0) return;
    const rank = (r: number) => msg.ranks[(k * msg.rows + r) * T + p];
    let fromRow: number | null = null;
    for (let r = msg.rows - 1; r >= 0 && rank(r) === 0; r--) fromRow = r;
    out.push({
      arm: msg.arm,
      step: msg.step,
      label: msg.labels[p + 1],
      role: tr.role,
      at: msg.labels[p],
      fromRow,
      layers: msg.rows - 1,
      finalRank: rank(msg.rows - 1) + 1,
    });
  });
  return out;
}

/** In words: "from layer 2 of 4 on", "already in the embedding", "only at rank 3 after the last layer". */
export function fromLayerText(r: LensReading): string {
  if (r.fromRow === null) return `not the top guess even after the last layer (rank ${r.finalRank} there)`;
  if (r.fromRow === 0) return 'the top guess already in the embedding';
  return `the top guess from layer ${r.fromRow} of ${r.layers} on`;
}

/** The split of the query the lens read (from the example list: its prompt starts the lens' tokens). */
export function lensSplit(msg: LensMessage, examples: readonly ExampleOption[]): ExampleOption['split'] | null {
  const hit = examples.find((e) => e.prompt.length <= msg.tokens.length && e.prompt.every((t, i) => msg.tokens[i] === t));
  return hit?.split ?? null;
}
