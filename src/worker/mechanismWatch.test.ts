/**
 * The worker's mechanism watch: the cadence keeps measuring within its share of the training time, and the watch
 * on a real (tiny) experiment sends records of the evaluated step. (How the page folds `mechanism` messages into
 * per-arm records is tested with the page's reducer, src/store/reduce.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MechanismRecord } from '../experiment/mechanism';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { Experiment } from '../train/experimentLoop';
import { BUDGET, LENS_BUDGET, due, newCadence, record, watchMechanism } from './mechanismWatch';

const rec = (step: number, ms = { lens: 10, trace: 100 }): MechanismRecord => ({ arm: 'cot', step, lens: [], trace: [], ms });

describe('cadence', () => {
  it('the first lens at once; tracing only once a lens cost is known and the budget allows it; the final lens always', () => {
    const c = newCadence();
    expect(due(c, 0)).toEqual({ lens: true, trace: false });
    record(c, rec(0, { lens: 50, trace: 0 }), { lens: true, trace: false });
    expect(due(c, 0)).toEqual({ lens: false, trace: false }); // no training yet: nothing more
    expect(due(c, 0, true)).toEqual({ lens: true, trace: false }); // … but the last step's lens
    expect(due(c, 2500)).toEqual({ lens: true, trace: false }); // lens: 100 ≤ 4% of 2,500; trace: 600 > 10%
    expect(due(c, 6000)).toEqual({ lens: true, trace: true }); // 600 allowed ≥ 50 + 50 + 500
  });

  it('over a long run, spending stays within the budget of the training time', () => {
    const c = newCadence();
    let trainMs = 0;
    let traces = 0;
    for (let evalNo = 0; evalNo < 200; evalNo++) {
      const asked = due(c, trainMs);
      if (asked.lens || asked.trace) {
        record(c, rec(evalNo, { lens: asked.lens ? 80 : 0, trace: asked.trace ? 1500 : 0 }), asked);
        if (asked.trace) traces++;
      }
      trainMs += 20_000; // 100 steps at 5 steps/s between evaluations
      if (evalNo > 0) expect(c.spent.lens + c.spent.trace).toBeLessThanOrEqual(BUDGET * trainMs);
      if (evalNo > 0) expect(c.spent.lens).toBeLessThanOrEqual(LENS_BUDGET * trainMs);
    }
    expect(traces).toBeGreaterThan(50); // and it does trace, regularly
  });
});

describe('watchMechanism', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('sends the lens of the evaluated step on both test splits, and leaks nothing', async () => {
    const config = {
      ...DEFAULT_CONFIG,
      entities: 30,
      relations: 6,
      degree: 3,
      layers: 1,
      heads: 2,
      dModel: 16,
      batch: 16,
      evalSize: 40,
      steps: 2,
      evalEvery: 1,
      evalEarly: 'off' as const,
      arms: 'cot' as const,
    };
    const got: MechanismRecord[] = [];
    let exp!: Experiment;
    exp = new Experiment(config, (e) => {
      if (e.type === 'eval') watchMechanism(exp, e, (r) => got.push(r));
    });
    const before = tf.memory().numTensors;
    await exp.evaluateAll();
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
    expect(got).toHaveLength(1);
    expect(got[0].step).toBe(0);
    expect(got[0].lens.map((l) => l.split)).toEqual(['idTwoHop', 'oodTwoHop']);
    expect(got[0].lens[0].queries).toBeGreaterThan(0);
    expect(got[0].trace).toEqual([]);
    exp.dispose();
  });
});
