import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { generateDataset } from './distribution';
import { SPLITS } from '../experiment/domain';
import { buildDump } from './dump';
import { tokenName } from '../experiment/vocab';

describe('buildDump', () => {
  const d = generateDataset({ ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, evalSize: 50, noise: 0.3 });
  const dump = buildDump(d);
  const name = (t: number) => dump.vocab[t];

  it('vocab names every token id', () => {
    expect(dump.vocab).toHaveLength(d.vocab.size);
    expect(dump.vocab[0]).toBe('e0');
    expect(dump.vocab[30]).toBe('r0');
    expect(dump.vocab[d.vocab.eos]).toBe('</a>');
    expect(dump.vocab[d.vocab.pad]).toBe('<pad>');
  });

  it('atomic facts are token ids: h an entity, r a relation token, t an entity', () => {
    expect(dump.atomic).toHaveLength(d.atomic.length);
    dump.atomic.forEach((f, i) => {
      expect(name(f.h)).toBe(`e${d.atomic[i].h}`);
      expect(name(f.r)).toBe(`r${d.atomic[i].r}`);
      expect(name(f.t)).toBe(`e${d.atomic[i].t}`);
      expect(f.ood).toBe(d.atomic[i].ood);
    });
  });

  it('train rows are full sequences ending in </a>; CoT rows are direct rows plus the bridge', () => {
    const n = d.atomic.length + d.train.length;
    expect(dump.train.cot).toHaveLength(n);
    expect(dump.train.direct).toHaveLength(n);
    dump.train.cot.forEach((row, i) => {
      const direct = dump.train.direct[i];
      expect(row[row.length - 1]).toBe(d.vocab.eos);
      expect(row).not.toContain(d.vocab.pad);
      if (i < d.atomic.length) expect(row).toEqual(direct);
      else {
        const p = d.train[i - d.atomic.length]; // noise applied, as trained
        expect(row).toEqual([p.h, 30 + p.rels[0], 30 + p.rels[1], p.bridges[0], p.t, d.vocab.eos]);
        expect(direct).toEqual([p.h, 30 + p.rels[0], 30 + p.rels[1], p.t, d.vocab.eos]);
      }
    });
  });

  it('splits hold prompt and CoT target, up to and including </a>', () => {
    for (const s of SPLITS) {
      expect(dump.splits[s]).toHaveLength(d.splits[s].length);
      dump.splits[s].forEach((it, i) => {
        expect(it).toEqual({ prompt: d.splits[s][i].prompt, target: d.splits[s][i].target });
        expect(it.target[it.target.length - 1]).toBe(d.vocab.eos);
        const atomic = s === 'idAtomic' || s === 'oodAtomic';
        expect(it.prompt).toHaveLength(atomic ? 2 : 3);
        expect(it.target).toHaveLength(atomic ? 2 : 3);
      });
    }
  });

  it('survives JSON and does not share arrays with the dataset', () => {
    expect(JSON.parse(JSON.stringify(dump))).toEqual(dump);
    dump.splits.idAtomic[0].prompt.push(99);
    expect(d.splits.idAtomic[0].prompt).toHaveLength(2);
    expect(tokenName(d.vocab, d.splits.idAtomic[0].prompt[1])).toMatch(/^r\d+$/);
  });
});
