import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { queryToConfig } from '../../experiment/link';
import type { PreviewArms } from '../types';
import { GROUP_TASK } from '.';
import { GROUP_NAMES, groupOf, orderOf, runningProducts } from './finiteGroups';

const configOf = (link: string) => {
  const { config, corrections } = queryToConfig(link);
  expect(corrections).toEqual([]);
  return config;
};

describe('the finite groups', () => {
  it('are groups of the stated order: identity 0, inverses, associative; Z_p abelian, S_3 … S_5 not', () => {
    for (const name of GROUP_NAMES) {
      const g = groupOf(name);
      expect(g.order).toBe(orderOf(name));
      expect(new Set(g.names).size).toBe(g.order);
      const mul = (a: number, b: number) => g.product[a * g.order + b];
      const rng = seedrandom.alea(name);
      const pick = () => Math.floor(rng() * g.order);
      for (let a = 0; a < g.order; a++) {
        expect(mul(0, a)).toBe(a);
        expect(mul(a, 0)).toBe(a);
        // each row is a permutation of the elements (so every element has an inverse)
        expect(new Set(Array.from({ length: g.order }, (_, b) => mul(a, b))).size).toBe(g.order);
      }
      for (let i = 0; i < 200; i++) {
        const [a, b, c] = [pick(), pick(), pick()];
        expect(mul(mul(a, b), c)).toBe(mul(a, mul(b, c)));
      }
      const commutes = Array.from(
        { length: g.order * g.order },
        (_, i) => mul(Math.floor(i / g.order), i % g.order) === mul(i % g.order, Math.floor(i / g.order)),
      );
      expect(commutes.every(Boolean)).toBe(g.abelian);
      expect(g.abelian).toBe(name.startsWith('Z'));
    }
  });

  it('names elements readably and composes permutations left to right', () => {
    expect(groupOf('Z5').names).toEqual(['0', '1', '2', '3', '4']);
    const s3 = groupOf('S3');
    expect(s3.names).toEqual(['123', '132', '213', '231', '312', '321']);
    const id = (s: string) => s3.names.indexOf(s);
    // 213 swaps 1 and 2, then 132 swaps 2 and 3: 1 → 2 → 3, 2 → 1 → 1, 3 → 3 → 2, i.e. 312
    expect(s3.names[s3.product[id('213') * 6 + id('132')]]).toBe('312');
    expect(s3.names[s3.product[id('132') * 6 + id('213')]]).toBe('231');
    expect(runningProducts(s3, [id('213'), id('132'), id('231')]).map((x) => s3.names[x])).toEqual(['213', '312', '123']);
    const z7 = groupOf('Z7');
    expect(runningProducts(z7, [3, 5, 6, 0])).toEqual([3, 1, 0, 0]);
  });
});

describe('group word problems', () => {
  it('task=group alone opens its measured preset', () => {
    expect(configOf('task=group')).toMatchObject({ task: 'group', group: 'S3', wordLength: 8, wordTestLength: 12, layers: 2, dModel: 64, steps: 400 });
  });

  it('writes the running product after each element (CoT), the product alone (direct)', () => {
    const c = configOf('task=group&group=S4&wordLength=5&wordTrain=50&wordTestLength=0&evalSize=50');
    const d = GROUP_TASK.generate(c);
    const g = groupOf('S4');
    expect(d.vocab.size).toBe(27);
    expect(d.vocab.names.slice(24)).toEqual(['=', '</a>', '<pad>']);
    const word = d.train.cot[0].tokens.slice(0, 5);
    const products = runningProducts(g, word);
    expect(d.train.cot[0].tokens).toEqual([...word, 24, ...products, 25]);
    expect(d.train.direct[0].tokens).toEqual([...word, 24, products[4], 25]);
    expect(GROUP_TASK.splits(c).map((s) => [s.id, s.role, s.chance])).toEqual([
      ['train', 'train', 1 / 24],
      ['test', 'headline', 1 / 24],
    ]);
    expect(GROUP_TASK.intermediates(c).map((s) => s.name)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('is seeded, with distinct training words of the trained lengths and test words never trained', () => {
    const c = configOf('task=group&group=S3&wordLength=6&wordMinLength=3&wordTrain=600&wordTestLength=9&evalSize=100');
    const a = GROUP_TASK.generate(c);
    const hashed = (c2: typeof c) => JSON.stringify(GROUP_TASK.generate(c2).hashBody);
    expect(JSON.stringify(a.hashBody)).toBe(hashed(c));
    expect(JSON.stringify(a.hashBody)).not.toBe(hashed({ ...c, seed: 1 }));
    const words = a.train.direct.map((s) => s.tokens.slice(0, s.promptLength - 1));
    expect(new Set(words.map((w) => w.join(','))).size).toBe(558);
    const byLength = [3, 4, 5, 6].map((n) => words.filter((w) => w.length === n).length);
    // 6^3 = 216 words of length 3: at most half of them (108), the rest as even as asked
    expect(byLength).toEqual([108, 150, 150, 150]);
    const trained = new Set(words.map((w) => w.join(',')));
    const test = a.splits.find((s) => s.id === 'test')!;
    expect(test.items).toHaveLength(100);
    for (const it of test.items) {
      expect(it.prompt).toHaveLength(7);
      expect(trained.has(it.prompt.slice(0, -1).join(','))).toBe(false);
    }
    expect(a.splits.find((s) => s.id === 'length')!.items[0].prompt).toHaveLength(10);
    expect(a.contextLength).toBe(2 * 9 + 2);
  });

  it('cuts the training words to half of the words there are, and the preview says so', () => {
    const c = configOf('task=group&group=Z2&wordLength=4&wordTrain=100&evalSize=50');
    const d = GROUP_TASK.generate(c);
    expect(d.train.cot).toHaveLength(8);
    expect(d.splits.find((s) => s.id === 'test')!.items).toHaveLength(8);
    const p = GROUP_TASK.preview(d, c);
    expect(p.notes[0]).toMatch(/^Only 8 training words/);
    expect(p.bar?.total).toBe(16);
    const table = p.groups[0] as PreviewArms;
    expect(table.rows.map((r) => r.source)).toEqual(['train', 'train', 'train', 'test']);
    expect(table.rows[0].cot.map((x) => x.part)).toEqual(['prompt', 'prompt', 'prompt', 'prompt', 'prompt', 'step', 'step', 'step', 'answer', 'eos']);
  });

  it('noise replaces an answer or a running product by another element, for the same words in both arms', () => {
    const d = GROUP_TASK.generate(configOf('task=group&group=Z5&wordLength=4&wordTrain=400&noise=0.5&noiseKind=both&evalSize=50'));
    const g = groupOf('Z5');
    let answers = 0;
    let steps = 0;
    d.train.cot.forEach((s, i) => {
      const products = runningProducts(g, s.tokens.slice(0, 4));
      const written = s.tokens.slice(5, -1);
      if (written[3] !== products[3]) answers++;
      if (written.slice(0, 3).some((x, k) => x !== products[k])) steps++;
      expect(d.train.direct[i].tokens.slice(5, -1)).toEqual([written[3]]);
    });
    expect(answers).toBe(d.stats.noisy);
    expect(steps).toBe(d.stats.noisy);
    expect(d.stats.noisy).toBeGreaterThan(150);
  });

  it('the inspector: parses element names, refuses what is not one, and says where a word comes from', () => {
    const c = configOf('task=group&group=S5&wordLength=4&wordTrain=300&wordTestLength=0&evalSize=50');
    const d = GROUP_TASK.generate(c);
    const s5 = groupOf('S5');
    const prompt = GROUP_TASK.parsePrompt(d, '21453 12345, 54321 =');
    expect(prompt).toEqual([s5.names.indexOf('21453'), 0, s5.names.indexOf('54321'), 120]);
    expect(GROUP_TASK.parsePrompt(d, '21453 11345')).toMatch(/^"11345" is not an element/);
    expect(GROUP_TASK.parsePrompt(d, '<b>x</b>')).toMatch(/is not an element/);
    expect(GROUP_TASK.parsePrompt(d, '12345 '.repeat(5))).toMatch(/^At most 4 elements/);
    expect(GROUP_TASK.truth(d, prompt as number[]).kind).toBe('length 3 (trained: 4)');
    expect(GROUP_TASK.truth(d, [...d.train.cot[0].tokens.slice(0, 5)]).kind).toBe('training word');
    expect(GROUP_TASK.truth(d, d.splits[1].items[0].prompt).kind).toBe('unseen word');
    expect(GROUP_TASK.truth(d, [0, 1]).answer).toBeNull();
  });

  it('a shortest trained word not below k trains length k alone, and the preview says so; a group under another task is refused', () => {
    const c = configOf('task=group&wordLength=4&wordMinLength=6&wordTrain=200&wordTestLength=0&evalSize=50');
    const d = GROUP_TASK.generate(c);
    expect(new Set(d.train.cot.map((s) => s.promptLength))).toEqual(new Set([5]));
    expect(GROUP_TASK.preview(d, c).notes).toContain('The shortest trained word (6) is not shorter than k = 4: every training word has length 4.');
    const one = GROUP_TASK.generate(configOf('task=group&wordLength=4&wordMinLength=1&wordTrain=200&wordTestLength=0&evalSize=50'));
    expect(new Set(one.train.cot.map((s) => s.promptLength))).toEqual(new Set([3, 4, 5]));
    expect(queryToConfig('task=parity&group=S5').corrections.map((x) => x.key)).toEqual(['group']);
  });
});
