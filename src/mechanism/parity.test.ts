/**
 * The lens and tracing of another task than the knowledge graph: on a tiny parity model (untrained weights: this
 * checks shapes and names), the positions, the tracked results and where they are said come from the task; the
 * trace follows the first, middle and last running parity and the answer; the probe measures the headline split
 * (and leaves out the longer test strings, whose positions would not line up).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { ArmTrainer } from '../train/arm';
import { aggregatedLens, mechanismLayout, teacherForced } from './lens';
import { MechanismProbe, measuredSplits } from './probe';
import { causalTrace, counterfactuals, tracedIndices } from './trace';

const parity: Config = {
  ...DEFAULT_CONFIG,
  ...taskDefaults('parity'),
  task: 'parity',
  bits: 6,
  trainSize: 24,
  testBits: 8,
  evalSize: 20,
  layers: 2,
  heads: 2,
  dModel: 16,
  batch: 8,
  backend: 'cpu',
};
const data = generateDataset(parity);
let cot: ArmTrainer;
let direct: ArmTrainer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  cot = new ArmTrainer(parity, data, 'cot');
  direct = new ArmTrainer(parity, data, 'direct');
});
afterAll(() => {
  cot.dispose();
  direct.dispose();
});

describe('parity: the lens and tracing read the task', () => {
  const task = taskOf(parity);
  const names = [...task.intermediates(parity).map((s) => s.name), 'answer'];

  it('the layout: the task positions, its running parities p1 … p5 then the answer, each where the arm must say it', () => {
    const c = mechanismLayout(parity, true);
    expect(c.positions).toEqual(task.positions(parity, true));
    expect(c.tracked.map((t) => t.name)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'answer']);
    expect(c.tracked.map((t) => t.position)).toEqual([6, 7, 8, 9, 10, 11]); // '=' then each parity written
    const d = mechanismLayout(parity, false);
    expect(d.positions).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', '=', 'y']);
    expect(d.tracked.map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 6]); // a running parity at its last bit, the answer at '='
    const item = splitItems(data, 'test')[0];
    expect(teacherForced(item, true)).toHaveLength(c.positions.length);
    expect(teacherForced(item, false)).toHaveLength(d.positions.length);
  });

  it("the lens of both arms: [tracked][rows][positions] shares in [0, 1], the task's tracked results and positions", async () => {
    const items = splitItems(data, 'test');
    for (const t of [cot, direct]) {
      const l = await aggregatedLens(t.gpt, items, {
        config: parity,
        cot: t.arm === 'cot',
        split: 'test',
        splitLabel: 'Test strings',
        headline: true,
        step: 0,
      });
      const layout = mechanismLayout(parity, t.arm === 'cot');
      expect(l.tracked).toEqual(layout.tracked);
      expect(l.positions).toEqual(layout.positions);
      expect(l.top1).toHaveLength(names.length);
      for (const grid of l.top1) {
        expect(grid).toHaveLength(parity.layers + 1);
        for (const row of grid) {
          expect(row).toHaveLength(layout.positions.length);
          for (const x of row) expect(x >= 0 && x <= 1).toBe(true);
        }
      }
      expect(l).toMatchObject({ split: 'test', splitLabel: 'Test strings', headline: true, queries: items.length, chance: 0.5 });
    }
  });

  it('tracing: the first, middle and last running parity and the answer; the counterfactual flips every one of them', async () => {
    expect(tracedIndices(mechanismLayout(parity, true).tracked)).toEqual([0, 2, 4, 5]);
    expect(tracedIndices(mechanismLayout({ ...parity, bits: 16 }, true).tracked)).toEqual([0, 7, 14, 15]);
    const items = splitItems(data, 'test').slice(0, 8);
    const cf = counterfactuals(parity, data, items);
    cf.forEach((c, i) => {
      expect(c).not.toBeNull();
      c!.steps.forEach((s, k) => expect(s).not.toBe(items[i].steps[k]));
      expect(c!.answer).not.toEqual(items[i].answer);
    });
    const before = tf.memory().numTensors;
    const traces = await causalTrace(cot.gpt, data, items, { config: parity, cot: true, split: 'test', step: 0, minEffect: -1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(traces.map((t) => t.target)).toEqual(['p1', 'p3', 'p5', 'answer']);
    expect(traces.map((t) => t.position)).toEqual([6, 8, 10, 11]);
    for (const t of traces) {
      expect(t.queries).toBe(items.length);
      expect(t.restored).toHaveLength(parity.layers + 1);
      expect(t.restored[0]).toHaveLength(mechanismLayout(parity, true).positions.length);
    }
  });

  it('the probe measures the headline split, not the longer strings, and sends one lens per split and arm', async () => {
    expect(measuredSplits(parity, data).map((s) => [s.id, s.label, s.headline])).toEqual([['test', 'Test strings', true]]);
    const probe = new MechanismProbe(parity, data, { lens: true, trace: true, traceQueries: 4 });
    const r = await probe.measure('direct', direct.gpt, 0);
    expect(r.lens.map((l) => l.split)).toEqual(['test']);
    expect(r.trace.map((t) => `${t.split}.${t.target}`)).toEqual(['test.p1', 'test.p3', 'test.p5', 'test.answer']);
  });
});
