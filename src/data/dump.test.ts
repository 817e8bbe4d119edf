import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';
import { kgOf } from '../tasks/kg';
import { SPLITS } from '../tasks/kg/generate';
import { tokenName } from '../tasks/types';
import { generateDataset } from './dataset';
import { buildDump, splitCounts } from './dump';

describe('buildDump: the knowledge graph', () => {
  const d = generateDataset({ ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, evalSize: 50, noise: 0.3 });
  const kg = kgOf(d);
  const dump = buildDump(d);

  it('vocab names every token id; eos, pad and the context are the dataset’s', () => {
    expect(dump.task).toBe('kg');
    expect(dump.vocab).toHaveLength(d.vocab.size);
    expect(dump.vocab[0]).toBe('e0');
    expect(dump.vocab[30]).toBe('r0');
    expect(dump.vocab[dump.eos]).toBe('</a>');
    expect(dump.vocab[dump.pad]).toBe('<pad>');
    expect([dump.eos, dump.pad]).toEqual([d.vocab.eos, d.vocab.pad]);
    expect(dump.contextLength).toBe(8);
  });

  it('train rows are full sequences ending in </a>; CoT rows are direct rows plus the bridge; the prompt lengths mark the continuation', () => {
    const n = kg.atomic.length + kg.train.length;
    expect(dump.train.cot).toHaveLength(n);
    expect(dump.train.direct).toHaveLength(n);
    dump.train.cot.forEach((row, i) => {
      const direct = dump.train.direct[i];
      expect(row[row.length - 1]).toBe(d.vocab.eos);
      expect(row).not.toContain(d.vocab.pad);
      if (i < kg.atomic.length) {
        expect(row).toEqual(direct);
        expect(dump.train.promptLength.cot[i]).toBe(2);
      } else {
        const p = kg.train[i - kg.atomic.length]; // noise applied, as trained
        expect(row).toEqual([p.h, 30 + p.rels[0], 30 + p.rels[1], p.bridges[0], p.t, d.vocab.eos]);
        expect(direct).toEqual([p.h, 30 + p.rels[0], 30 + p.rels[1], p.t, d.vocab.eos]);
        expect(dump.train.promptLength.cot[i]).toBe(3);
      }
      expect(dump.train.promptLength.direct[i]).toBe(dump.train.promptLength.cot[i]);
    });
  });

  it('splits, in order with their labels and roles, hold prompt, both targets and the answer', () => {
    expect(dump.splits.map((s) => s.id)).toEqual([...SPLITS]);
    expect(dump.splits.map((s) => s.role)).toEqual(['prerequisite', 'prerequisite', 'train', 'test', 'headline']);
    expect(dump.splits.map((s) => s.label)).toEqual(d.splits.map((s) => s.label));
    for (const [k, s] of dump.splits.entries()) {
      const ours = d.splits[k].items;
      expect(s.items).toHaveLength(ours.length);
      s.items.forEach((it, i) => {
        expect(it).toEqual({ prompt: ours[i].prompt, target: ours[i].target, directTarget: ours[i].directTarget, answer: ours[i].answer });
        expect(it.target[it.target.length - 1]).toBe(d.vocab.eos);
        expect(it.directTarget).toEqual([...it.answer, d.vocab.eos]);
        const atomic = s.id === 'idAtomic' || s.id === 'oodAtomic';
        expect(it.prompt).toHaveLength(atomic ? 2 : 3);
        expect(it.target).toHaveLength(atomic ? 2 : 3);
      });
    }
  });

  it('counts: the sizes of the whole sets, as before', () => {
    expect(splitCounts(d)).toEqual({
      idAtomic: d.stats.idAtomic,
      oodAtomic: d.stats.oodAtomic,
      trainTwoHop: d.stats.trainTwoHop,
      idTwoHop: d.stats.idTwoHop,
      oodTwoHop: d.stats.oodTwoHop,
    });
  });

  it('survives JSON and does not share arrays with the dataset', () => {
    expect(JSON.parse(JSON.stringify(dump))).toEqual(dump);
    dump.splits[0].items[0].prompt.push(99);
    dump.train.cot[0].push(99);
    expect(d.splits[0].items[0].prompt).toHaveLength(2);
    expect(d.train.cot[0].tokens).toHaveLength(4);
    expect(tokenName(d.vocab, d.splits[0].items[0].prompt[1])).toMatch(/^r\d+$/);
  });
});

describe('buildDump: parity', () => {
  const d = generateDataset({ ...taskDefaults('parity'), bits: 6, trainSize: 20, testBits: 8, evalSize: 10 });
  const dump = buildDump(d);

  it('the task’s own vocabulary, context and splits; the prompt (bits and =) is not trained on', () => {
    expect(dump.task).toBe('parity');
    expect(dump.vocab).toEqual([...d.vocab.names]);
    expect(dump.contextLength).toBe(d.contextLength);
    expect(dump.splits.map((s) => [s.id, s.role])).toEqual([
      ['train', 'train'],
      ['test', 'headline'],
      ['length', 'test'],
    ]);
    expect(dump.train.cot).toHaveLength(20);
    expect(dump.train.promptLength.cot.every((p) => p === 7)).toBe(true);
    expect(dump.train.cot.every((row) => row.length === 6 + 1 + 6 + 1)).toBe(true); // bits, =, six parities, </a>
    expect(dump.train.direct.every((row) => row.length === 6 + 1 + 2)).toBe(true);
    const length = dump.splits[2].items;
    expect(length[0].prompt).toHaveLength(9);
    expect(length[0].target).toHaveLength(9);
    expect(Math.max(...length.map((it) => it.prompt.length + it.target.length - 1))).toBeLessThanOrEqual(dump.contextLength);
  });

  it('counts: the whole training set (the task’s stats name it), the queries evaluated of the others', () => {
    expect(splitCounts(d)).toEqual({ train: 20, test: 10, length: 10 });
  });
});
