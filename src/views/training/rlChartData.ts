/**
 * Chart data of the RL phase (pure): one row per evaluated step from the SFT/RL boundary on, with, per arm,
 * the RL sample metrics (mean reward, CoT rate, share whose intermediate steps are all right; means since the
 * previous row) and the exact-match accuracy of the greedy evaluation on the task's headline split, so that
 * what RL does to the samples and to generalisation read on one chart. The boundary row carries only the
 * accuracy (RL has not sampled yet).
 */
import type { Arm, MetricRow } from '../../experiment/domain';

export const RL_SERIES = ['reward', 'cotRate', 'stepsRightRate', 'headline'] as const;
export type RlSeries = (typeof RL_SERIES)[number];
/** The task's words for the series: its headline split's label, and its one intermediate result's (null when it has several). */
export interface RlWords {
  headline: string;
  step: string | null;
}
/** The series' labels, in the task's words. */
export function rlSeriesLabel(s: RlSeries, words: RlWords): string {
  if (s === 'reward') return 'Mean reward';
  if (s === 'cotRate') return `CoT rate (samples with ${words.step ? `a ${words.step}` : 'intermediate steps'})`;
  if (s === 'stepsRightRate') return words.step ? `Samples with the right ${words.step}` : 'Samples with every step right';
  return `${words.headline} accuracy`;
}
/** "right <the one intermediate result>" or "steps right": the short name of stepsRightRate. */
export const stepsRightShort = (words: RlWords): string => (words.step ? `right ${words.step}` : 'steps right');
export type RlChartRow = { step: number } & Partial<Record<`${Arm}.${RlSeries}`, number>>;

/** Rows from `boundary` (the last SFT step) on, both arms merged by step; `headline` is the headline split's id. */
export function rlRows(history: Record<Arm, MetricRow[]>, boundary: number, headline: string): RlChartRow[] {
  const byStep = new Map<number, RlChartRow>();
  for (const arm of ['cot', 'direct'] as const) {
    for (const r of history[arm]) {
      if (r.step < boundary) continue;
      let row = byStep.get(r.step);
      if (!row) byStep.set(r.step, (row = { step: r.step }));
      const acc = r.acc[headline];
      if (Number.isFinite(acc)) row[`${arm}.headline`] = acc;
      for (const k of ['reward', 'cotRate', 'stepsRightRate'] as const) {
        const v = r[k];
        if (r.step > boundary && v !== undefined && Number.isFinite(v)) row[`${arm}.${k}`] = v;
      }
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** The latest RL row of an arm (null before RL has been evaluated). */
export function latestRl(history: MetricRow[]): MetricRow | null {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].phase === 'rl' && history[i].reward !== undefined) return history[i];
  return null;
}
