import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../experiment/domain';
import type { FromWorker } from '../worker/protocol';
import { initialMetrics, reduceMetrics } from './metricsSlice';

const row = (step: number, loss: number | null = 1): MetricRow => ({ step, loss, acc: {}, answerAcc: {} });
const feed = (...ms: FromWorker[]) => ms.reduce(reduceMetrics, initialMetrics());

describe('the metrics slice', () => {
  it("keeps each arm's rows and finite losses apart; the first non-finite loss step is where it diverged", () => {
    const s = feed(
      { type: 'loss', arm: 'cot', steps: [1, 2, 3], losses: [2, Number.NaN, 1] },
      { type: 'loss', arm: 'direct', steps: [1], losses: [3] },
      { type: 'eval', arm: 'cot', row: row(3), stepsPerSec: 40 },
    );
    expect(s.losses.cot).toEqual([
      { step: 1, loss: 2 },
      { step: 3, loss: 1 },
    ]);
    expect(s.losses.direct).toEqual([{ step: 1, loss: 3 }]);
    expect(s.diverged).toEqual({ cot: 2 });
    expect(s.history.cot.map((r) => r.step)).toEqual([3]);
    expect(s.history.direct).toEqual([]);
    expect(s.armStepsPerSec).toEqual({ cot: 40 });
  });

  it("a run's end sets the arm's training speed; a rewind drops what came after the checkpoint, divergence included", () => {
    let s = feed(
      { type: 'loss', arm: 'cot', steps: [5, 10, 15], losses: [3, 2, Number.POSITIVE_INFINITY] },
      { type: 'eval', arm: 'cot', row: row(10), stepsPerSec: 40 },
      { type: 'trained', arm: 'cot', step: 15, stepsPerSec: 42 },
    );
    expect(s.armStepsPerSec.cot).toBe(42);
    s = reduceMetrics(s, { type: 'rewound', arm: 'cot', step: 10 });
    expect(s.losses.cot.map((p) => p.step)).toEqual([5, 10]);
    expect(s.diverged.cot).toBeUndefined();
  });

  it("a resumed arm's rows replace its history, its loss chart drawn from their mean losses; a failed resume changes nothing", () => {
    const s = feed({ type: 'resumed', arm: 'direct', step: 20, history: [row(0, null), row(10, 2), row(20, 1)] });
    expect(s.history.direct.map((r) => r.step)).toEqual([0, 10, 20]);
    expect(s.losses.direct).toEqual([
      { step: 10, loss: 2 },
      { step: 20, loss: 1 },
    ]);
    const before = initialMetrics();
    expect(reduceMetrics(before, { type: 'resumed', arm: 'direct', step: 0, history: [], problem: 'missing' })).toBe(before);
  });
});
