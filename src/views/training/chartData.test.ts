import { describe, expect, it } from 'vitest';
import { accuracyRows, csvTable, latest, lossAxis, lossRows, smooth, stepTicks, thin } from './chartData';
import type { MetricRow } from '../../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../../experiment/schema';
import { taskOf } from '../../tasks/registry';

const scores = (x: number) => ({ idAtomic: x, oodAtomic: x / 2, trainTwoHop: x, idTwoHop: x, oodTwoHop: x / 4 });
const row = (step: number, x: number): MetricRow => ({ step, loss: step ? 1 / step : null, acc: scores(x), answerAcc: scores(x) });
const KG = taskOf(DEFAULT_CONFIG)
  .splits(DEFAULT_CONFIG)
  .map((s) => s.id);

describe('chart data', () => {
  const history = { cot: [row(0, 0), row(10, 0.8)], direct: [row(0, 0), row(10, 0.4)] };

  it('merges both arms by step, one column per arm × split', () => {
    const rows = accuracyRows(history, KG);
    expect(rows.map((r) => r.step)).toEqual([0, 10]);
    expect(rows[1]['cot.oodTwoHop']).toBeCloseTo(0.2);
    expect(rows[1]['direct.idAtomic']).toBeCloseTo(0.4);
    expect(
      lossRows({
        cot: [{ step: 3, loss: 2 }],
        direct: [
          { step: 3, loss: 1 },
          { step: 1, loss: 5 },
        ],
      }),
    ).toEqual([
      { step: 1, 'direct.loss': 5 },
      { step: 3, 'cot.loss': 2, 'direct.loss': 1 },
    ]);
  });

  it('smooths with a bias-corrected EMA and leaves alpha = 0 alone', () => {
    const rows = [
      { step: 1, 'cot.loss': 4 },
      { step: 2, 'cot.loss': 2 },
    ];
    expect(smooth(rows, 0)).toBe(rows);
    const s = smooth(rows, 0.5);
    expect(s[0]['cot.loss']).toBeCloseTo(4); // no pull towards 0
    expect(s[1]['cot.loss']).toBeCloseTo((0.5 * 0.5 * 4 + 0.5 * 2) / 0.75);
  });

  it('thins evenly and keeps both ends', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const t = thin(xs, 11);
    expect(t).toHaveLength(11);
    expect(t[0]).toBe(0);
    expect(t[10]).toBe(1000);
    expect(thin(xs.slice(0, 5), 11)).toHaveLength(5);
  });

  it('builds the CSV table: one row per step, columns per arm × split', () => {
    const { fields, data } = csvTable(history, KG);
    expect(fields[0]).toBe('step');
    expect(fields).toContain('cot_oodTwoHop_acc');
    expect(fields).toContain('direct_idAtomic_answer_acc');
    expect(fields).toHaveLength(1 + 2 * 11);
    expect(data).toHaveLength(2);
    expect(data[0][1]).toBe(''); // no loss at step 0
    expect(data[1][fields.indexOf('cot_oodTwoHop_acc')]).toBeCloseTo(0.2);
    expect(latest(history.direct, 'oodTwoHop')).toBeCloseTo(0.1);
    expect(latest([], 'oodTwoHop')).toBeNull();
  });

  it("takes the columns from the task's splits (parity: train, test)", () => {
    const parity = taskDefaults('parity');
    const ids = taskOf(parity)
      .splits(parity)
      .map((s) => s.id);
    const r = (step: number, test: number): MetricRow => ({ step, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test } });
    const h = { cot: [r(5, 0.9)], direct: [r(5, 0.5)] };
    expect(accuracyRows(h, ids)).toEqual([{ step: 5, 'cot.train': 1, 'cot.test': 0.9, 'direct.train': 1, 'direct.test': 0.5 }]);
    expect(csvTable(h, ids).fields).toEqual([
      'step',
      'cot_loss',
      'cot_train_acc',
      'cot_test_acc',
      'cot_train_answer_acc',
      'cot_test_answer_acc',
      'direct_loss',
      'direct_train_acc',
      'direct_test_acc',
      'direct_train_answer_acc',
      'direct_test_answer_acc',
    ]);
  });
});

describe('lossAxis', () => {
  it('log: 1-2-5 style ticks that enclose the data, at most max of them', () => {
    const a = lossAxis([3.7, 2.2, 1.6], true)!;
    expect(a.domain[0]).toBeLessThanOrEqual(1.6);
    expect(a.domain[1]).toBeGreaterThanOrEqual(3.7);
    expect(a.ticks[0]).toBe(a.domain[0]);
    expect(a.ticks.at(-1)).toBe(a.domain[1]);
    expect(a.ticks.length).toBeLessThanOrEqual(7);
    expect(a.ticks).toEqual([1.5, 2, 2.5, 3, 4]);
    const wide = lossAxis([4, 0.002], true)!;
    expect(wide.ticks.length).toBeLessThanOrEqual(7);
    expect(wide.domain[0]).toBeLessThanOrEqual(0.002);
    expect(wide.domain[1]).toBeGreaterThanOrEqual(4);
  });

  it('linear: from 0 in round steps; nothing for no positive finite values', () => {
    expect(lossAxis([3.7, 0.5], false)).toEqual({ domain: [0, 4], ticks: [0, 1, 2, 3, 4] });
    expect(lossAxis([0.013], false)?.ticks.at(-1)).toBeCloseTo(0.015);
    expect(lossAxis([NaN, 0, -1], true)).toBeNull();
    expect(lossAxis([], false)).toBeNull();
  });
});

describe('stepTicks', () => {
  it('about five round ticks from 0 that stay inside [0, total]', () => {
    expect(stepTicks(300)).toEqual([0, 100, 200, 300]);
    expect(stepTicks(2000)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(stepTicks(10_000)).toEqual([0, 2500, 5000, 7500, 10_000]);
    expect(stepTicks(7)).toEqual([0, 2, 4, 6]);
    expect(stepTicks(0)).toEqual([0]);
  });
});
