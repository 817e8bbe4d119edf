import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { mechanismLayout } from '../mechanism/lens';
import { ArmTrainer } from '../train/arm';
import { inspectArm } from './inspect';

const tiny: Config = {
  ...DEFAULT_CONFIG,
  entities: 30,
  relations: 6,
  degree: 3,
  oodShare: 0.3,
  layers: 2,
  heads: 2,
  dModel: 32,
  batch: 32,
  evalSize: 50,
  backend: 'cpu',
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('inspectArm', () => {
  const data = generateDataset(tiny);
  const item = splitItems(data, 'oodTwoHop')[0];

  it('reads prompt + bridge + answer (CoT) and returns causal attention rows that sum to 1', async () => {
    const t = new ArmTrainer(tiny, data, 'cot');
    const before = tf.memory().numTensors;
    const { attention, lens } = await inspectArm(t, data, item.prompt);
    expect(tf.memory().numTensors).toBe(before);
    const T = item.prompt.length + item.target.length - 1;
    expect(attention.tokens).toEqual([...item.prompt, ...item.target.slice(0, -1)]);
    expect(attention.teacherForced).toBe(true);
    expect(attention.weights).toHaveLength(2 * 2 * T * T);
    for (let r = 0; r < 2 * 2 * T; r++) {
      const row = attention.weights.subarray(r * T, (r + 1) * T);
      const q = r % T;
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      for (let k = q + 1; k < T; k++) expect(row[k]).toBeLessThan(1e-6);
    }
    expect(attention.generated.length).toBeGreaterThan(0);
    expect(lens.rows).toBe(3);
    expect(lens.tracked.map((x) => [x.role, x.name, x.position])).toEqual([
      ['step', 'b', 2],
      ['answer', 'answer', 3],
    ]);
    expect(lens.tracked[0].label).toBe(`bridge e${item.steps[0]}`);
    expect(lens.ranks).toHaveLength(2 * 3 * T);
    expect(lens.top).toHaveLength(3 * T);
    for (const r of lens.ranks) expect(r).toBeGreaterThanOrEqual(0), expect(r).toBeLessThan(data.vocab.size);
    t.dispose();
  });

  it('reads prompt + answer for the direct arm, and a rank of 0 matches the lens top token', async () => {
    const t = new ArmTrainer(tiny, data, 'direct');
    const { attention, lens } = await inspectArm(t, data, item.prompt);
    expect(attention.tokens).toEqual([...item.prompt, ...item.answer]);
    const T = attention.tokens.length;
    const ansName = `e${item.answer[0]}`;
    for (let c = 0; c < lens.rows * T; c++) {
      const rank = lens.ranks[1 * lens.rows * T + c];
      expect(rank === 0).toBe(lens.top[c] === ansName);
    }
    t.dispose();
  });
  it('traces the one query causally (bridge and answer, rows × positions), leaking nothing; none for a query off the graph', async () => {
    const t = new ArmTrainer(tiny, data, 'cot');
    await inspectArm(t, data, item.prompt);
    const before = tf.memory().numTensors;
    const { lens } = await inspectArm(t, data, item.prompt);
    expect(tf.memory().numTensors).toBe(before);
    expect(lens.trace?.map((x) => [x.target, x.position])).toEqual([
      ['b', 2],
      ['answer', 3],
    ]);
    for (const x of lens.trace!) {
      expect(x.queries).toBe(1);
      expect(x.split).toBe('oodTwoHop');
      expect(x.positions).toEqual(['h', 'r1', 'r2', 'b', 't']);
      expect(x.restored).toHaveLength(3);
    }
    const r0 = data.vocab.names.indexOf('r0');
    const offGraph = [0, r0, r0]; // e0 r0 r0: a hop may be missing
    const truthless = await inspectArm(t, data, offGraph);
    if (truthless.lens.tracked.length === 0) expect(truthless.lens.trace).toBeUndefined();
    t.dispose();
  });

  it('another task: a parity string tracks its running parities by name, where the task says they are said, and traces them', async () => {
    const parity: Config = {
      ...DEFAULT_CONFIG,
      ...taskDefaults('parity'),
      task: 'parity',
      bits: 5,
      trainSize: 12,
      testBits: 5,
      evalSize: 10,
      layers: 1,
      heads: 2,
      dModel: 16,
      backend: 'cpu',
    };
    const d = generateDataset(parity);
    const q = splitItems(d, 'test')[0];
    for (const arm of ['cot', 'direct'] as const) {
      const t = new ArmTrainer(parity, d, arm);
      const { lens } = await inspectArm(t, d, q.prompt);
      const layout = mechanismLayout(parity, arm === 'cot');
      expect(lens.tracked.map((x) => [x.name, x.position])).toEqual(layout.tracked.map((x) => [x.name, x.position]));
      expect(lens.tracked.map((x) => x.token)).toEqual([...q.steps, q.answer[0]]);
      expect(lens.labels).toEqual(
        layout.positions.map((_, i) => d.vocab.names[(arm === 'cot' ? [...q.prompt, ...q.target] : [...q.prompt, ...q.directTarget])[i]]),
      );
      expect(lens.trace?.map((x) => x.target)).toEqual(['p1', 'p2', 'p4', 'answer']);
      expect(lens.trace?.[0].split).toBe('test');
      t.dispose();
    }
  });
});
