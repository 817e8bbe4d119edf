/**
 * Chart data from the training history (pure): one row per evaluated step with a column per arm × split,
 * optional EMA smoothing, thinning to a bounded number of points, and the CSV export table.
 */
import type { LossPoint } from '../../store/reduce';
import type { Arm, MetricRow } from '../../experiment/domain';

/** A series of the accuracy chart: an arm and a split id (the task names its splits). */
export type SeriesKey = `${Arm}.${string}`;
export type ChartRow = { step: number } & Partial<Record<SeriesKey | `${Arm}.loss`, number>>;

export const seriesKey = (arm: Arm, split: string): SeriesKey => `${arm}.${split}`;

/** Merges both arms' evaluation rows by step (exact-match accuracy), one column per arm × split of `splits`. */
export function accuracyRows(history: Record<Arm, MetricRow[]>, splits: readonly string[]): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  for (const arm of ['cot', 'direct'] as const) {
    for (const r of history[arm]) {
      let row = byStep.get(r.step);
      if (!row) byStep.set(r.step, (row = { step: r.step }));
      for (const s of splits) if (Number.isFinite(r.acc[s])) row[seriesKey(arm, s)] = r.acc[s];
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Merges both arms' training losses by step. */
export function lossRows(losses: Record<Arm, LossPoint[]>): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  for (const arm of ['cot', 'direct'] as const) {
    for (const p of losses[arm]) {
      let row = byStep.get(p.step);
      if (!row) byStep.set(p.step, (row = { step: p.step }));
      row[`${arm}.loss`] = p.loss;
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Exponential moving average of every column except `step`, with a bias correction so the first points are
 * not pulled towards 0 (as in TensorBoard). alpha = 0 leaves the data as is.
 */
export function smooth(rows: ChartRow[], alpha: number): ChartRow[] {
  if (alpha <= 0 || rows.length === 0) return rows;
  const state = new Map<string, { avg: number; n: number }>();
  return rows.map((r) => {
    const out: ChartRow = { step: r.step };
    for (const [k, v] of Object.entries(r)) {
      if (k === 'step' || typeof v !== 'number') continue;
      const s = state.get(k) ?? { avg: 0, n: 0 };
      s.avg = alpha * s.avg + (1 - alpha) * v;
      s.n++;
      state.set(k, s);
      (out as Record<string, number>)[k] = s.avg / (1 - alpha ** s.n);
    }
    return out;
  });
}

/** Keeps at most `max` rows, evenly spaced, always keeping the first and the last. */
export function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const out: T[] = [];
  const stride = (rows.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(rows[Math.round(i * stride)]);
  return out;
}

/** CSV table: one row per step, columns step, then per arm: loss, per split of `splits` exact-match and answer accuracy. */
export function csvTable(history: Record<Arm, MetricRow[]>, splits: readonly string[]): { fields: string[]; data: (number | string)[][] } {
  const arms = (['cot', 'direct'] as const).filter((a) => history[a].length > 0);
  const fields = ['step', ...arms.flatMap((a) => [`${a}_loss`, ...splits.map((s) => `${a}_${s}_acc`), ...splits.map((s) => `${a}_${s}_answer_acc`)])];
  const steps = [...new Set(arms.flatMap((a) => history[a].map((r) => r.step)))].sort((x, y) => x - y);
  const byArm = Object.fromEntries(arms.map((a) => [a, new Map(history[a].map((r) => [r.step, r]))]));
  const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v);
  const data = steps.map((step) => [
    step,
    ...arms.flatMap((a) => {
      const r = byArm[a].get(step);
      return [cell(r?.loss), ...splits.map((s) => cell(r?.acc[s])), ...splits.map((s) => cell(r?.answerAcc[s]))];
    }),
  ]);
  return { fields, data };
}

/** The latest finite value of a split (by id) in an arm's history. */
export function latest(history: readonly MetricRow[], split: string): number | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i].acc[split];
    if (Number.isFinite(v)) return v;
  }
  return null;
}

/** Tick steps within a decade, by how many ticks fit: fine to coarse. */
const LOG_STEPS = [[1, 1.5, 2, 2.5, 3, 4, 5, 6, 8], [1, 2, 3, 5], [1, 2, 5], [1]];

/**
 * A y axis for positive values (the loss): domain and ticks computed here, so that the chart library does
 * not run its arbitrary-precision tick search on every redraw. Log: ticks at 1-2-5-style values; linear: from
 * 0 in steps of 1, 2 or 5 × 10^k. At most `max` ticks; null when there is nothing to show.
 */
export function lossAxis(values: number[], log: boolean, max = 7): { domain: [number, number]; ticks: number[] } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return null;
  const round = (x: number) => Number(x.toPrecision(12));
  if (!log) {
    const raw = hi / (max - 1);
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
    const n = Math.ceil(hi / step - 1e-9);
    return { domain: [0, round(n * step)], ticks: Array.from({ length: n + 1 }, (_, i) => round(i * step)) };
  }
  for (const steps of LOG_STEPS) {
    const all: number[] = [];
    for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) for (const m of steps) all.push(round(m * 10 ** k));
    const below = all.filter((t) => t <= lo).at(-1) ?? all[0];
    const above = all.find((t) => t >= hi) ?? all[all.length - 1];
    const ticks = all.filter((t) => t >= below && t <= above);
    if (ticks.length <= max || steps.length === 1)
      return { domain: [below, above], ticks: steps.length === 1 ? ticks.filter((_, i) => i % Math.ceil(ticks.length / max) === 0) : ticks };
  }
  return null;
}

/** Ticks of the step axis [0, total]: from 0 in steps of 1, 2, 2.5 or 5 × 10^k, about five of them. */
export function stepTicks(total: number): number[] {
  if (!(total > 0)) return [0];
  const raw = total / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw - 1e-9) ?? 10 * p;
  const n = Math.floor(total / step + 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}
