/**
 * What the gallery's cards read from kept reports (docs/results/): pure functions of run reports, so that every
 * number on a card comes from a report a command in the repo wrote, never from a sentence typed in by hand.
 */
import type { Arm, MetricRow } from '../../experiment/domain';
import type { Report } from '../../runs/reportFormat';
import { foundLayer, intermediatesOf, type LensSummary } from '../../experiment/mechanism';
import { headlineSplit } from '../../tasks/registry';
import { GAP } from '../../data/gap';

/** A kept report and the path it was read from (relative to docs/results/, e.g. 'parity/seed1.json'). */
export interface KeptReport {
  path: string;
  report: Report;
}

export const fmt = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `lo–hi` of some values at `digits`, or one value when they are equal there. */
export function range(xs: readonly number[], digits = 2): string {
  if (xs.length === 0) return '—';
  const lo = fmt(Math.min(...xs), digits);
  const hi = fmt(Math.max(...xs), digits);
  return lo === hi ? lo : `${lo}–${hi}`;
}

const history = (r: Report, arm: Arm): readonly MetricRow[] => r.arms[arm]?.history ?? [];
/** Accuracy on a split at one evaluation row (NaN where not measured). */
const accOf = (row: MetricRow | undefined, split: string): number => row?.acc[split] ?? NaN;

/** The headline split's id of a report's task. */
export const headlineOf = (r: Report): string => headlineSplit(r.config).id;

/** The arm's accuracy on a split at its last evaluation (NaN without one); the headline by default. */
export function finalAcc(r: Report, arm: Arm, split = headlineOf(r)): number {
  return accOf(history(r, arm).at(-1), split);
}

/** The arm's highest accuracy on a split over the run (NaN without evaluations). */
export function peakAcc(r: Report, arm: Arm, split = headlineOf(r)): number {
  const xs = history(r, arm)
    .map((row) => accOf(row, split))
    .filter(Number.isFinite);
  return xs.length ? Math.max(...xs) : NaN;
}

/** The first step the arm reached `threshold` on a split, or null. */
export function firstStep(r: Report, arm: Arm, threshold: number, split = headlineOf(r)): number | null {
  return history(r, arm).find((row) => accOf(row, split) >= threshold)?.step ?? null;
}

/** The arm's accuracy on a split at the evaluation of `step` (NaN when there was none). */
export function accAt(r: Report, arm: Arm, step: number, split = headlineOf(r)): number {
  return accOf(
    history(r, arm).find((row) => row.step === step),
    split,
  );
}

/** The mean of a row field (e.g. RL's CoT rate) over the arm's rows of one phase that have it. */
export function phaseMean(r: Report, arm: Arm, field: 'cotRate' | 'reward', phase: 'sft' | 'rl'): number {
  const xs = history(r, arm)
    .filter((row) => row.phase === phase)
    .map((row) => row[field])
    .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Over several runs: how many reached the gap's CoT level (0.9) on the headline at any evaluation. */
export const reachingGap = (rs: readonly KeptReport[]): number => rs.filter((k) => peakAcc(k.report, 'cot') >= GAP.cot).length;

/** The last lens of an arm on a split (null when the report has none). */
export function lastLens(r: Report, arm: Arm, headline: boolean): LensSummary | null {
  const lens = r.arms[arm]?.lens ?? [];
  const last = lens.filter((l) => l.headline === headline);
  return last.at(-1) ?? null;
}

/** The first layer at which the lens finds intermediate result k where the arm must say it (null: none). */
export function foundAt(l: LensSummary | null, k = 0): number | null {
  return l ? foundLayer(l, k) : null;
}

/** The highest share of queries with intermediate result k top-1 where it must be said, at any layer (NaN: no lens). */
export function bestShare(l: LensSummary | null, k = 0): number {
  if (!l || !intermediatesOf(l)[k]) return NaN;
  const position = l.tracked[k].position;
  return Math.max(...l.top1[k].map((row) => row[position] ?? 0));
}

/** Reports of one folder of docs/results (a path prefix), in path order. */
export function inFolder(all: readonly KeptReport[], prefix: string, name?: RegExp): KeptReport[] {
  return all
    .filter((k) => k.path.startsWith(prefix) && (!name || name.test(k.path.slice(prefix.length))))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
