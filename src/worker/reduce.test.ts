import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import type { MetricRow } from '../train/experiment';
import { initialTrainingData, reduce, thinLosses, MAX_LOSS_POINTS } from './reduce';

const row = (step: number): MetricRow => ({
  step,
  loss: 1,
  acc: { idAtomic: 0, oodAtomic: 0, trainTwoHop: 0, idTwoHop: 0, oodTwoHop: 0 },
  answerAcc: { idAtomic: 0, oodAtomic: 0, trainTwoHop: 0, idTwoHop: 0, oodTwoHop: 0 },
});

describe('reduce', () => {
  it('tracks status from state events', () => {
    let s = initialTrainingData(100);
    s = reduce(s, { type: 'state', running: true, step: 0, done: false }, 0);
    expect(s.status).toBe('running');
    s = reduce(s, { type: 'state', running: false, step: 5, done: false }, 10);
    expect(s.status).toBe('paused');
    s = reduce(s, { type: 'state', running: false, step: 100, done: true }, 20);
    expect(s.status).toBe('done');
    expect(reduce(initialTrainingData(), { type: 'error', message: 'boom' }, 0)).toMatchObject({ status: 'error', error: 'boom' });
  });

  it('measures the wall-clock pace and the time left', () => {
    let s = reduce({ ...initialTrainingData(), totalSteps: 1000 }, { type: 'state', running: true, step: 0, done: false }, 0);
    s = reduce(s, { type: 'progress', step: 100, running: true }, 2000);
    expect(s.stepsPerSec).toBeCloseTo(50);
    expect(s.etaSec).toBeCloseTo(18);
    expect(s.step).toBe(100);
  });

  it('keeps per-arm history and losses apart', () => {
    let s = initialTrainingData();
    s = reduce(s, { type: 'eval', arm: 'cot', row: row(10), stepsPerSec: 5 }, 0);
    s = reduce(s, { type: 'loss', arm: 'direct', steps: [1, 2, 3], losses: [3, 2, NaN] }, 0);
    expect(s.history.cot.map((r) => r.step)).toEqual([10]);
    expect(s.history.direct).toEqual([]);
    expect(s.losses.direct).toEqual([{ step: 1, loss: 3 }, { step: 2, loss: 2 }]);
    expect(s.armStepsPerSec.cot).toBe(5);
    expect(s.diverged).toEqual({ direct: 3 });
    expect(s.step).toBe(10);
  });

  it('takes the run config from the examples message', () => {
    const s = reduce(initialTrainingData(), { type: 'examples', vocab: { entities: 5, relations: 2, hops: 2 }, examples: [], config: { ...DEFAULT_CONFIG, steps: 300 }, hash: 'h' }, 0);
    expect(s.totalSteps).toBe(300);
    expect(s.runConfig?.steps).toBe(300);
  });
});

describe('thinLosses', () => {
  it('bounds the number of points and keeps the mean and the last step', () => {
    const pts = Array.from({ length: MAX_LOSS_POINTS * 3 + 1 }, (_, i) => ({ step: i + 1, loss: 2 }));
    const thin = thinLosses(pts);
    expect(thin.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(thin[thin.length - 1].step).toBe(pts.length);
    expect(thin.every((p) => p.loss === 2)).toBe(true);
    expect(thinLosses(pts.slice(0, 10))).toHaveLength(10);
  });
});
