/**
 * Runs side by side (pure): the final and best figures of each run's arms on chosen splits, and the rows of an
 * overlay chart with one column per run × arm × split.
 */
import { type Arm, ARMS, type MetricRow } from '../experiment/domain';
import type { Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import type { SplitSpec } from '../tasks/types';
import type { Report } from './reportFormat';

/** The splits of the runs' tasks, in order of first appearance (a split id once, with its first label and role). */
export function splitsOfRuns(configs: readonly Config[]): SplitSpec[] {
  const out: SplitSpec[] = [];
  for (const c of configs) for (const s of taskOf(c).splits(c)) if (!out.some((x) => x.id === s.id)) out.push(s);
  return out;
}

export interface Figure {
  /** The last finite value and its step; null when the arm has none. */
  final: { value: number; step: number } | null;
  /** The highest finite value and the first step it was reached; null when none. */
  best: { value: number; step: number } | null;
}

/** Final and best of one split in one arm's history. */
export function figureOf(history: readonly MetricRow[], split: string): Figure {
  let final: Figure['final'] = null;
  let best: Figure['best'] = null;
  for (const r of history) {
    const v = r.acc[split];
    if (!Number.isFinite(v)) continue;
    final = { value: v, step: r.step };
    if (!best || v > best.value) best = { value: v, step: r.step };
  }
  return { final, best };
}

export interface FigureRow {
  runIndex: number;
  arm: Arm;
  /** The arm's last evaluated step. */
  steps: number;
  figures: Record<string, Figure>;
}

/** One row per run and arm (in run order, CoT first), with the figures of `splits`. */
export function figureRows(reports: readonly Report[], splits: readonly string[]): FigureRow[] {
  const rows: FigureRow[] = [];
  reports.forEach((r, runIndex) => {
    for (const arm of ARMS) {
      const a = r.arms[arm];
      if (!a) continue;
      const figures = Object.fromEntries(splits.map((s) => [s, figureOf(a.history, s)])) as Record<string, Figure>;
      rows.push({ runIndex, arm, steps: a.history.at(-1)?.step ?? 0, figures });
    }
  });
  return rows;
}

/** The column of run `i`, arm and split in overlay rows. */
export const overlayKey = (i: number, arm: Arm, split: string) => `r${i}.${arm}.${split}`;
export type OverlayRow = { step: number } & Record<string, number>;

/** At most this many points per run are drawn (evenly thinned, first and last kept). */
export const MAX_OVERLAY_POINTS = 300;

function thinned<T>(rows: readonly T[], max: number): readonly T[] {
  if (rows.length <= max) return rows;
  const stride = (rows.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => rows[Math.round(i * stride)]);
}

/** Rows for an overlay chart: every evaluated step of any run, a column per run × arm × split (finite values only). */
export function overlayRows(reports: readonly Report[], splits: readonly string[], max = MAX_OVERLAY_POINTS): OverlayRow[] {
  const byStep = new Map<number, OverlayRow>();
  reports.forEach((r, i) => {
    for (const arm of ARMS) {
      const history = r.arms[arm]?.history;
      if (!history) continue;
      for (const row of thinned(history, max)) {
        let out = byStep.get(row.step);
        if (!out) byStep.set(row.step, (out = { step: row.step } as OverlayRow));
        for (const s of splits) if (Number.isFinite(row.acc[s])) out[overlayKey(i, arm, s)] = row.acc[s];
      }
    }
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** The largest step of any run (for the x axis). */
export function maxStep(reports: readonly Report[]): number {
  let m = 0;
  for (const r of reports) for (const arm of ARMS) m = Math.max(m, r.arms[arm]?.history.at(-1)?.step ?? 0, r.arms[arm] ? r.config.steps : 0);
  return m;
}

export interface Spread {
  arm: Arm;
  split: string;
  n: number;
  min: number;
  max: number;
  mean: number;
}

/** Final values of each arm and split over the runs (e.g. seeds of one link): their range and mean; arms with fewer than two runs are left out. */
export function spreadOf(reports: readonly Report[], splits: readonly string[]): Spread[] {
  const out: Spread[] = [];
  for (const arm of ARMS) {
    for (const split of splits) {
      const xs = reports.map((r) => (r.arms[arm] ? figureOf(r.arms[arm]!.history, split).final?.value : undefined)).filter((x): x is number => x !== undefined);
      if (xs.length < 2) continue;
      out.push({ arm, split, n: xs.length, min: Math.min(...xs), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
    }
  }
  return out;
}
