/**
 * A task from a file through the whole engine: a file whose records differ in length (three and four digits mod
 * 3, the cot their running sums) is loaded, trained in both arms, evaluated on its test splits by id, and looked
 * inside with the lens and tracing, which read the headline split's layout and name the cot tokens by position.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/data/dataset';
import { queryToConfig } from '../../src/experiment/link';
import { MechanismProbe } from '../../src/mechanism/probe';
import { loadTaskSource, taskOf } from '../../src/tasks/registry';
import { Experiment } from '../../src/train/experimentLoop';

const record = (d: number[], split: string) => {
  const s = d.map((_, k) => d.slice(0, k + 1).reduce((a, b) => a + b, 0) % 3);
  return JSON.stringify({ prompt: [...d.map(String), '='], cot: s.slice(0, -1).map((x) => `s${x}`), answer: [`s${s.at(-1)}`], split });
};
const digits = (n: number, i: number) => Array.from({ length: n }, (_, k) => Math.floor(i / 3 ** (n - 1 - k)) % 3);
// the headline split ("three") first: its layout is what the lens reads; "four" has one more digit and cot token
const FILE = [
  ...Array.from({ length: 27 }, (_, i) => record(digits(3, i), i % 3 ? 'train' : 'three')),
  ...Array.from({ length: 81 }, (_, i) => record(digits(4, i), i % 3 ? 'train' : 'four')),
].join('\n');

describe('a task file in the engine', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('records of two lengths train, each test split is evaluated by id, the lens names the headline layout', async () => {
    const loaded = loadTaskSource(FILE);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const { config, corrections } = queryToConfig(
      `task=file&taskFile=${loaded.hash}&layers=1&heads=2&dModel=32&batch=16&steps=40&evalEvery=20&evalEarly=off&evalSize=50`,
    );
    expect(corrections).toEqual([]);
    const task = taskOf(config);
    expect(task.splits(config).map((s) => [s.id, s.role])).toEqual([
      ['train', 'train'],
      ['three', 'headline'],
      ['four', 'test'],
    ]);
    expect(task.intermediates(config).map((s) => s.name)).toEqual(['c1', 'c2']);
    const data = generateDataset(config);
    expect(data.contextLength).toBe(4 + 1 + 3 + 1 + 1);
    expect(new Set(data.train.cot.map((s) => s.tokens.length))).toEqual(new Set([8, 10]));
    // the training records' evaluation and RL: those of the most common layout (four digits)
    expect(new Set([...data.splits[0].items, ...data.rlItems].map((it) => it.prompt.length))).toEqual(new Set([5]));
    const rows: Record<string, number>[] = [];
    const e = new Experiment(config, (ev) => {
      if (ev.type === 'eval') rows.push(ev.row.acc);
    });
    await e.run();
    const record = await new MechanismProbe(config, data, { lens: true, trace: true }).measure('cot', e.trainers[0].gpt, e.step);
    e.dispose();
    for (const acc of rows) expect(Object.keys(acc)).toEqual(['train', 'three', 'four']);
    expect(record.lens).toHaveLength(1);
    expect(record.lens[0].split).toBe('three');
    expect(record.lens[0].positions).toEqual(['x1', 'x2', 'x3', 'x4', 'c1', 'c2', 'y']);
    expect(record.lens[0].tracked.map((t) => t.name)).toEqual(['c1', 'c2', 'answer']);
  });
});
