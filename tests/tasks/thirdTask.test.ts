/**
 * A third task in one file and one registry line: a tiny test-only task (the sum of three digits mod 3, the CoT
 * arm writing the running sums) registered at run time, then trained, evaluated, judged and looked inside by the
 * same engine as the knowledge graph and parity. Nothing outside the task's own spec is written for it.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/data/dataset';
import { checkConfig } from '../../src/experiment/validate';
import type { Config } from '../../src/experiment/schema';
import { MechanismProbe } from '../../src/mechanism/probe';
import { judgeSpan } from '../../src/tasks/judge';
import { TASKS } from '../../src/tasks/registry';
import type { Dataset, EvalItem, TaskSpec } from '../../src/tasks/types';
import { Experiment } from '../../src/train/experimentLoop';

const NAMES = ['0', '1', '2', '=', 's0', 's1', 's2', '</a>', '<pad>'];
const EOS = 7;
const item = (digits: number[]): EvalItem => {
  const sums: number[] = [];
  digits.reduce((acc, d) => {
    const s = (acc + d) % 3;
    sums.push(4 + s);
    return s;
  }, 0);
  return { prompt: [...digits, 3], target: [...sums, EOS], directTarget: [sums[2], EOS], answer: [sums[2]], steps: sums.slice(0, 2) };
};
const all = Array.from({ length: 27 }, (_, i) => item([Math.floor(i / 9), Math.floor(i / 3) % 3, i % 3]));

const MOD3: TaskSpec = {
  id: 'mod3',
  label: 'Sum mod 3',
  description: 'Three digits; the answer is their sum mod 3.',
  explanation: ['A test-only task.'],
  lookFor: [],
  source: { text: 'none', href: 'https://example.org' },
  params: [],
  splits: () => [
    { id: 'seen', label: 'Seen', role: 'train' },
    { id: 'unseen', label: 'Unseen', role: 'headline' },
  ],
  intermediates: () => [
    { name: 's1', label: 'first sum' },
    { name: 's2', label: 'second sum' },
  ],
  vocabSize: () => NAMES.length,
  contextLength: () => 8,
  tooLarge: () => null,
  generate: (): Dataset => {
    const seen = all.filter((_, i) => i % 3 !== 0);
    const unseen = all.filter((_, i) => i % 3 === 0);
    const seq = (it: EvalItem, cot: boolean) => ({ tokens: [...it.prompt, ...(cot ? it.target : it.directTarget)], promptLength: 4 });
    return {
      task: 'mod3',
      vocab: { size: NAMES.length, eos: EOS, pad: 8, names: NAMES },
      contextLength: 8,
      train: { cot: seen.map((it) => seq(it, true)), direct: seen.map((it) => seq(it, false)) },
      splits: [
        { id: 'seen', label: 'Seen', role: 'train', items: seen },
        { id: 'unseen', label: 'Unseen', role: 'headline', items: unseen },
      ],
      rlItems: seen,
      stats: { seen: seen.length },
      hashBody: { mod3: seen.map((it) => it.prompt) },
      detail: null,
    };
  },
  positions: (_c, cot) => ['d1', 'd2', 'd3', '=', ...(cot ? ['s1', 's2'] : []), 'y'],
  emitPosition: (_c, cot, k) => (cot ? 3 + k : k < 2 ? k + 1 : 3),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => t >= 4 && t <= 6),
  counterfactual: (_d, it) => item([(it.prompt[0] + 1) % 3, it.prompt[1], it.prompt[2]]),
  preview: () => ({ groups: [], sizes: [], notes: [] }) as unknown as ReturnType<TaskSpec['preview']>,
  examples: (d, n) => d.splits[1].items.slice(0, n).map((it) => ({ split: 'unseen', prompt: it.prompt })),
  truth: (_d, prompt) => ({
    ...item(prompt.slice(0, 3)),
    cotTarget: item(prompt.slice(0, 3)).target,
    directTarget: item(prompt.slice(0, 3)).directTarget,
    kind: 'any',
  }),
  parsePrompt: () => 'not typed',
};

describe('a third task is one spec and one registry line', () => {
  const registry = TASKS as Record<string, TaskSpec>;
  beforeAll(async () => {
    registry.mod3 = MOD3; // the registry line
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(() => {
    delete registry.mod3;
  });

  it('trains both arms, evaluates its splits by id, judges RL samples and reads its intermediates with the lens and tracing', async () => {
    const base = checkConfig({ layers: 1, dModel: 32, heads: 2, batch: 16, steps: 40, evalEvery: 20, evalEarly: 'off', rlSteps: 4, rlSamples: 4 }).config;
    const config = { ...base, task: 'mod3' } as unknown as Config;
    const data = generateDataset(config);
    const rows: { arm: string; step: number; acc: Record<string, number>; reward?: number }[] = [];
    const e = new Experiment(config, (ev) => {
      if (ev.type === 'eval') rows.push({ arm: ev.arm, step: ev.row.step, acc: ev.row.acc, reward: ev.row.reward });
    });
    await e.run();
    const probe = new MechanismProbe(config, data, { lens: true, trace: true });
    const record = await probe.measure('cot', e.trainers[0].gpt, e.step);
    e.dispose();

    expect(rows.map((r) => `${r.arm}@${r.step}`)).toEqual(['cot@0', 'direct@0', 'cot@20', 'direct@20', 'cot@40', 'direct@40', 'cot@44', 'direct@44']);
    for (const r of rows) expect(Object.keys(r.acc)).toEqual(['seen', 'unseen']);
    expect(rows.at(-1)?.reward).toBeGreaterThanOrEqual(0);
    expect(record.lens).toHaveLength(1);
    expect(record.lens[0].split).toBe('unseen');
    expect(record.lens[0].positions).toEqual(['d1', 'd2', 'd3', '=', 's1', 's2', 'y']);
    expect(record.lens[0].tracked.map((t) => t.name)).toEqual(['s1', 's2', 'answer']);
    expect(record.lens[0].top1).toHaveLength(3);
    expect(record.trace.map((t) => t.target).sort()).toEqual(['answer', 's1', 's2']);
  });
});
