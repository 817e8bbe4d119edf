import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../experiment/domain';
import { DEFAULT_CONFIG } from '../../experiment/schema';
import { taskOf } from '../../tasks/registry';
import { latestRl, rlRows, rlSeriesLabel, stepsRightShort } from './rlChartData';

const SPLITS = taskOf(DEFAULT_CONFIG)
  .splits(DEFAULT_CONFIG)
  .map((s) => s.id);
const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
const sft = (step: number, ood: number): MetricRow => ({ step, phase: 'sft', loss: 1, acc: { ...scores(0.5), oodTwoHop: ood }, answerAcc: scores(0.5) });
const rl = (step: number, ood: number, reward: number): MetricRow => ({
  ...sft(step, ood),
  phase: 'rl',
  reward,
  cotRate: 0.5,
  stepsRightRate: 0.25,
  kl: 0.01,
});

describe('rlRows', () => {
  it('starts at the boundary (accuracy only there), merges the arms by step, RL metrics after it', () => {
    const history = { cot: [sft(0, 0), sft(100, 0.4), rl(150, 0.5, 0.6), rl(200, 0.55, 0.7)], direct: [sft(0, 0), sft(100, 0.01), rl(150, 0.02, 0.1)] };
    const rows = rlRows(history, 100, 'oodTwoHop');
    expect(rows.map((r) => r.step)).toEqual([100, 150, 200]);
    expect(rows[0]).toEqual({ step: 100, 'cot.headline': 0.4, 'direct.headline': 0.01 });
    expect(rows[1]).toMatchObject({ 'cot.reward': 0.6, 'cot.cotRate': 0.5, 'cot.stepsRightRate': 0.25, 'direct.reward': 0.1, 'direct.headline': 0.02 });
    expect(rows[2]['direct.reward']).toBeUndefined();
    expect(latestRl(history.cot)?.step).toBe(200);
    expect(latestRl([sft(0, 0)])).toBeNull();
    expect(rlSeriesLabel('headline', { headline: 'OOD test multi-hop', step: 'bridge' })).toBe('OOD test multi-hop accuracy');
    expect(rlSeriesLabel('stepsRightRate', { headline: 'OOD test multi-hop', step: 'bridge' })).toBe('Samples with the right bridge');
    expect(rlSeriesLabel('stepsRightRate', { headline: 'Test strings', step: null })).toBe('Samples with every step right');
    expect(stepsRightShort({ headline: 'x', step: 'bridge' })).toBe('right bridge');
  });
});
