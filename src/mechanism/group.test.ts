/**
 * The lens and tracing on the group task (untrained weights: this checks shapes and names): the positions, the
 * tracked running products and where they are said come from the task; the counterfactual (another first
 * element) changes every running product; the probe measures the headline split, not the longer words.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { ArmTrainer } from '../train/arm';
import { aggregatedLens, mechanismLayout } from './lens';
import { MechanismProbe, measuredSplits } from './probe';
import { causalTrace, counterfactuals } from './trace';

const words: Config = {
  ...DEFAULT_CONFIG,
  ...taskDefaults('group'),
  group: 'S4',
  wordLength: 5,
  wordTrain: 40,
  wordTestLength: 7,
  evalSize: 16,
  layers: 2,
  heads: 2,
  dModel: 16,
  batch: 8,
  backend: 'cpu',
};
const data = generateDataset(words);
let cot: ArmTrainer;
let direct: ArmTrainer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  cot = new ArmTrainer(words, data, 'cot');
  direct = new ArmTrainer(words, data, 'direct');
});
afterAll(() => {
  cot.dispose();
  direct.dispose();
});

describe('group words: the lens and tracing read the task', () => {
  it('the layout: running products p1 … p4 then the answer, each where the arm must say it', () => {
    const c = mechanismLayout(words, true);
    expect(c.tracked.map((t) => t.name)).toEqual(['p1', 'p2', 'p3', 'p4', 'answer']);
    expect(c.tracked.map((t) => t.position)).toEqual([5, 6, 7, 8, 9]);
    const d = mechanismLayout(words, false);
    expect(d.positions).toEqual(['g1', 'g2', 'g3', 'g4', 'g5', '=', 'y']);
    expect(d.tracked.map((t) => t.position)).toEqual([0, 1, 2, 3, 5]);
  });

  it('the lens of both arms on the test words, chance one in 24', async () => {
    const items = splitItems(data, 'test');
    for (const t of [cot, direct]) {
      const l = await aggregatedLens(t.gpt, items, { config: words, cot: t.arm === 'cot', split: 'test', splitLabel: 'Test words', headline: true, step: 0 });
      expect(l.top1).toHaveLength(5);
      for (const grid of l.top1) for (const row of grid) for (const x of row) expect(x >= 0 && x <= 1).toBe(true);
      expect(l).toMatchObject({ split: 'test', queries: items.length, chance: 1 / 24 });
    }
  });

  it('tracing: the counterfactual changes every running product; tensors do not leak', async () => {
    const items = splitItems(data, 'test').slice(0, 6);
    counterfactuals(words, data, items).forEach((c, i) => {
      expect(c).not.toBeNull();
      c!.steps.forEach((s, k) => expect(s).not.toBe(items[i].steps[k]));
      expect(c!.answer).not.toEqual(items[i].answer);
    });
    const before = tf.memory().numTensors;
    const traces = await causalTrace(cot.gpt, data, items, { config: words, cot: true, split: 'test', step: 0, minEffect: -1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(traces.map((t) => t.target)).toEqual(['p1', 'p2', 'p4', 'answer']);
    expect(measuredSplits(words, data).map((s) => s.id)).toEqual(['test']);
    const r = await new MechanismProbe(words, data, { lens: true, trace: false }).measure('direct', direct.gpt, 0);
    expect(r.lens.map((l) => l.split)).toEqual(['test']);
  });
});
