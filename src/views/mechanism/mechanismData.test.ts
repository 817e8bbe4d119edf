import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../experiment/domain';
import type { LensSummary, MechanismRecord } from '../../experiment/mechanism';
import { foundRows, headlineRows, measuredSplitsOf, trackedStepsOf } from './mechanismData';

const lens = (split: 'idTwoHop' | 'oodTwoHop', atR2: number[]): LensSummary => ({
  step: 0,
  split,
  splitLabel: split === 'idTwoHop' ? 'ID' : 'OOD',
  headline: split === 'oodTwoHop',
  positions: ['h', 'r1', 'r2', 'b', 't'],
  tracked: [
    { name: 'b', label: 'bridge', position: 2 },
    { name: 'answer', label: 'answer', position: 3 },
  ],
  top1: [atR2.map((x) => [0, 0, x, 0, 0]), atR2.map(() => [0, 0, 0, 0, 0])],
  queries: 10,
});
const rec = (arm: 'cot' | 'direct', step: number, l: LensSummary[]): MechanismRecord => ({ arm, step, lens: l, trace: [], ms: { lens: 0, trace: 0 } });

describe('foundRows', () => {
  it('the first row over 50% at r2 per arm × split, layers + 1 where none', () => {
    const rows = foundRows(
      {
        cot: [rec('cot', 100, [lens('idTwoHop', [0, 0.2, 0.6, 0.9]), lens('oodTwoHop', [0, 0, 0.1, 0.4])]), rec('cot', 0, [lens('oodTwoHop', [0, 0, 0, 0])])],
        direct: [rec('direct', 100, [lens('oodTwoHop', [0, 0, 0, 0.01])])],
      },
      3,
      'b',
    );
    expect(rows).toEqual([
      { step: 0, 'cot.oodTwoHop': 4 },
      { step: 100, 'cot.idTwoHop': 2, 'cot.oodTwoHop': 4, 'direct.oodTwoHop': 4 },
    ]);
  });

  it('an empty sample gives no point', () => {
    expect(foundRows({ cot: [rec('cot', 5, [{ ...lens('oodTwoHop', [0, 1]), queries: 0 }])] }, 1, 'b')).toEqual([]);
  });
});

describe('headlineRows', () => {
  it('CoT exact, answer-only and bridge accuracy on the OOD test, with direct exact; NaN left out', () => {
    const row = (step: number, exact: number, answer: number, bridge?: number): MetricRow =>
      ({
        step,
        loss: null,
        acc: { oodTwoHop: exact },
        answerAcc: { oodTwoHop: answer },
        ...(bridge !== undefined ? { stepAcc: bridge } : {}),
      }) as unknown as MetricRow;
    expect(headlineRows({ cot: [row(0, 0, 0, 0), row(100, 0.4, 0.45, 0.97)], direct: [row(100, 0.01, NaN)] }, 'oodTwoHop')).toEqual([
      { step: 0, exact: 0, answer: 0, firstStep: 0 },
      { step: 100, exact: 0.4, answer: 0.45, firstStep: 0.97, direct: 0.01 },
    ]);
  });
});

describe('what the records measured', () => {
  it('the splits in order with their labels and headline; the tracked intermediate results of the latest lens', () => {
    const records = { cot: [rec('cot', 100, [lens('idTwoHop', [0]), lens('oodTwoHop', [0])])], direct: [rec('direct', 0, [lens('oodTwoHop', [0])])] };
    expect(measuredSplitsOf(records)).toEqual([
      { id: 'idTwoHop', label: 'ID', headline: false },
      { id: 'oodTwoHop', label: 'OOD', headline: true },
    ]);
    expect(trackedStepsOf(records)).toEqual([{ name: 'b', label: 'bridge', position: 2 }]);
    expect(trackedStepsOf({})).toEqual([]);
  });
});
