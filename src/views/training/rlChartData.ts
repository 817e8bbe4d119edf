/**
 * Chart data of the RL phase (pure): one row per evaluated step from the SFT/RL boundary on, with, per arm,
 * the RL sample metrics (mean reward, CoT rate, share with the right bridge; means since the previous row) and
 * the OOD two-hop exact-match accuracy of the greedy evaluation, so that what RL does to the samples and to
 * generalisation read on one chart. The boundary row carries only the accuracy (RL has not sampled yet).
 */
import type { Arm, MetricRow } from '../../experiment/domain';

export const RL_SERIES = ['reward', 'cotRate', 'bridgeRightRate', 'oodTwoHop'] as const;
export type RlSeries = (typeof RL_SERIES)[number];
export const RL_SERIES_LABEL: Record<RlSeries, string> = {
  reward: 'Mean reward',
  cotRate: 'CoT rate (samples with a bridge)',
  bridgeRightRate: 'Samples with the right bridge',
  oodTwoHop: 'OOD test multi-hop accuracy',
};
export type RlChartRow = { step: number } & Partial<Record<`${Arm}.${RlSeries}`, number>>;

/** Rows from `boundary` (the last SFT step) on, both arms merged by step. */
export function rlRows(history: Record<Arm, MetricRow[]>, boundary: number): RlChartRow[] {
  const byStep = new Map<number, RlChartRow>();
  for (const arm of ['cot', 'direct'] as const) {
    for (const r of history[arm]) {
      if (r.step < boundary) continue;
      let row = byStep.get(r.step);
      if (!row) byStep.set(r.step, (row = { step: r.step }));
      if (Number.isFinite(r.acc.oodTwoHop)) row[`${arm}.oodTwoHop`] = r.acc.oodTwoHop;
      for (const k of ['reward', 'cotRate', 'bridgeRightRate'] as const) {
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
