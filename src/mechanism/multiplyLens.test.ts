/**
 * The lens and tracing on multiplication (as parity.test.ts on parity), a task whose answer is a span of digits:
 * on a tiny 2 × 2 model (untrained weights: this checks shapes and names) the lens tracks every digit of the
 * partial products where the CoT arm says it, and the answer's first (least significant) digit where the answer
 * starts; the direct arm holds a partial result at the digit of b it needs; tracing follows the first, middle and
 * last intermediate digit and the answer.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { ArmTrainer } from '../train/arm';
import { aggregatedLens, mechanismLayout, teacherForced } from './lens';
import { MechanismProbe, measuredSplits } from './probe';
import { causalTrace, counterfactuals } from './trace';

const multiply: Config = {
  ...DEFAULT_CONFIG,
  ...taskDefaults('multiply'),
  task: 'multiply',
  digitsA: 2,
  digitsB: 2,
  trainPairs: 40,
  evalSize: 50,
  layers: 2,
  heads: 2,
  dModel: 16,
  batch: 8,
  backend: 'cpu',
};
const data = generateDataset(multiply);
let cot: ArmTrainer;
let direct: ArmTrainer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  cot = new ArmTrainer(multiply, data, 'cot');
  direct = new ArmTrainer(multiply, data, 'direct');
});
afterAll(() => {
  cot.dispose();
  direct.dispose();
});

describe('multiplication: the lens and tracing read the task', () => {
  it('the layout: a × b1 and a × b2 digit by digit, then the answer, each where the arm must say it', () => {
    const c = mechanismLayout(multiply, true);
    expect(c.positions).toEqual(['a1', 'a2', '*', 'b1', 'b2', '=', 'p1.0', 'p1.1', 'p1.2', 'p2.0', 'p2.1', 'p2.2', 'y1', 'y2', 'y3', 'y4']);
    expect(c.tracked.map((t) => t.name)).toEqual(['p1.0', 'p1.1', 'p1.2', 'p2.0', 'p2.1', 'p2.2', 'answer']);
    expect(c.tracked.map((t) => t.position)).toEqual([5, 6, 7, 8, 9, 10, 11]); // '=' then each digit written
    const d = mechanismLayout(multiply, false);
    expect(d.positions).toEqual(['a1', 'a2', '*', 'b1', 'b2', '=', 'y1', 'y2', 'y3', 'y4']);
    expect(d.tracked.map((t) => t.position)).toEqual([3, 3, 3, 4, 4, 4, 5]); // a × b_j at b_j, the answer at '='
    const item = splitItems(data, 'test')[0];
    expect(teacherForced(item, true)).toHaveLength(c.positions.length);
    expect(teacherForced(item, false)).toHaveLength(d.positions.length);
    // 3 × 3: the running sum s2 between the second and the third partial product
    const names = mechanismLayout({ ...multiply, digitsA: 3, digitsB: 3 }, true).tracked.map((t) => t.name);
    expect(names.slice(8, 13)).toEqual(['s2.0', 's2.1', 's2.2', 's2.3', 's2.4']);
    expect(names).toHaveLength(17 + 1);
  });

  it("the lens of both arms: shares in [0, 1] over the task's tracked digits and positions", async () => {
    const items = splitItems(data, 'test').slice(0, 12);
    for (const t of [cot, direct]) {
      const l = await aggregatedLens(t.gpt, items, {
        config: multiply,
        cot: t.arm === 'cot',
        split: 'test',
        splitLabel: 'Test pairs',
        headline: true,
        step: 0,
      });
      const layout = mechanismLayout(multiply, t.arm === 'cot');
      expect(l.tracked).toEqual(layout.tracked);
      expect(l.top1).toHaveLength(7);
      for (const grid of l.top1) {
        expect(grid).toHaveLength(multiply.layers + 1);
        for (const row of grid) {
          expect(row).toHaveLength(layout.positions.length);
          for (const x of row) expect(x >= 0 && x <= 1).toBe(true);
        }
      }
      expect(l).toMatchObject({ split: 'test', headline: true, queries: items.length });
    }
  });

  it('tracing: p1.0, p1.2, p2.2 and the answer, against pairs whose every digit differs', async () => {
    const items = splitItems(data, 'test').slice(0, 4);
    const cf = counterfactuals(multiply, data, items);
    cf.forEach((c, i) => {
      expect(c).not.toBeNull();
      c!.steps.forEach((s, k) => expect(s).not.toBe(items[i].steps[k]));
      c!.answer.forEach((s, k) => expect(s).not.toBe(items[i].answer[k]));
    });
    const before = tf.memory().numTensors;
    const traces = await causalTrace(cot.gpt, data, items, { config: multiply, cot: true, split: 'test', step: 0, minEffect: -1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(traces.map((t) => t.target)).toEqual(['p1.0', 'p1.2', 'p2.2', 'answer']);
    expect(traces.map((t) => t.position)).toEqual([5, 7, 10, 11]);
  });

  it('the probe measures the test pairs and sends one lens per arm', async () => {
    expect(measuredSplits(multiply, data).map((s) => [s.id, s.headline])).toEqual([['test', true]]);
    const probe = new MechanismProbe(multiply, data, { lens: true, trace: false });
    const r = await probe.measure('cot', cot.gpt, 0);
    expect(r.lens.map((l) => l.split)).toEqual(['test']);
  });
});
