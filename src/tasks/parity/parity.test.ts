import { describe, expect, it } from 'vitest';
import { datasetHash } from '../../data/hash';
import { queryToConfig } from '../../experiment/link';
import { PARITY_TASK, runningParities } from '.';

const configOf = (link: string) => {
  const { config, corrections } = queryToConfig(link);
  expect(corrections).toEqual([]);
  return config;
};
const names = (tokens: number[]) => tokens.map((t) => ['0', '1', '=', 'E', 'O', '</a>', '<pad>'][t]).join(' ');

describe('parity', () => {
  it('task=parity alone opens its measured preset', () => {
    const c = configOf('task=parity');
    expect(c).toMatchObject({ task: 'parity', bits: 12, trainSize: 2000, layers: 2, dModel: 64, steps: 400 });
  });

  it('writes the running parity after each bit (CoT), the answer alone (direct)', () => {
    expect(names(runningParities([1, 0, 1, 1]))).toBe('O O E O');
    const d = PARITY_TASK.generate(configOf('task=parity&bits=4&trainSize=8&evalSize=50'));
    const cot = d.train.cot[0];
    const direct = d.train.direct[0];
    const bits = cot.tokens.slice(0, 4);
    const parity = runningParities(bits);
    expect(cot.tokens).toEqual([...bits, 2, ...parity, 5]);
    expect(direct.tokens).toEqual([...bits, 2, parity[3], 5]);
    expect(cot.promptLength).toBe(5);
    expect(d.contextLength).toBe(10);
  });

  it('is seeded, with distinct training strings and test strings never trained', () => {
    const c = configOf('task=parity&bits=10&trainSize=300&evalSize=100&testBits=14');
    const a = PARITY_TASK.generate(c);
    expect(datasetHash(a)).toBe(datasetHash(PARITY_TASK.generate(c)));
    expect(datasetHash(a)).not.toBe(datasetHash(PARITY_TASK.generate({ ...c, seed: 1 })));
    const train = new Set(a.train.direct.map((s) => s.tokens.slice(0, 10).join('')));
    expect(train.size).toBe(300);
    const test = a.splits.find((s) => s.id === 'test')!;
    expect(test.role).toBe('headline');
    expect(test.items).toHaveLength(100);
    for (const it of test.items) expect(train.has(it.prompt.slice(0, 10).join(''))).toBe(false);
    const longer = a.splits.find((s) => s.id === 'length')!;
    expect(longer.items[0].prompt).toHaveLength(15);
    expect(a.contextLength).toBe(2 * 14 + 2);
    for (const it of [...test.items, ...longer.items]) {
      const bits = it.prompt.slice(0, -1);
      expect(it.target).toEqual([...runningParities(bits), 5]);
      expect(it.steps).toEqual(it.target.slice(0, -2));
      expect(it.answer).toEqual([bits.reduce((x, b) => x ^ b, 0) ? 4 : 3]);
    }
  });

  it('noise corrupts the same strings for both arms; cotShare leaves the rest answer-only', () => {
    const d = PARITY_TASK.generate(configOf('task=parity&bits=8&trainSize=100&noise=0.5&noiseKind=t&cotShare=0.5'));
    expect(d.stats.noisy).toBeGreaterThan(20);
    let answerOnly = 0;
    d.train.cot.forEach((s, i) => {
      const truth = runningParities(s.tokens.slice(0, 8));
      const answer = s.tokens[s.tokens.length - 2];
      expect(d.train.direct[i].tokens[9]).toBe(answer);
      if (s.tokens.length === 11) answerOnly++;
      else expect(s.tokens.slice(9, 16)).toEqual(truth.slice(0, 7));
    });
    expect(answerOnly).toBeGreaterThan(25);
    expect(answerOnly).toBeLessThan(75);
  });

  it('judges an answer by its span; names, positions and counterfactuals come from the task', () => {
    const c = configOf('task=parity&bits=4&trainSize=8');
    const d = PARITY_TASK.generate(c);
    const it = d.splits[1].items[0];
    expect(PARITY_TASK.judge([...it.target], it, d.vocab)).toMatchObject({ reward: 1, cot: true, stepsRight: true });
    expect(PARITY_TASK.judge([...it.directTarget, 6, 6, 6], it, d.vocab)).toMatchObject({ reward: 1, cot: false, wellFormed: true });
    expect(PARITY_TASK.judge([0, 5, 6, 6, 6], it, d.vocab)).toMatchObject({ reward: 0, wellFormed: false });
    expect(PARITY_TASK.positions(c, true)).toEqual(['x1', 'x2', 'x3', 'x4', '=', 'p1', 'p2', 'p3', 'y']);
    expect(PARITY_TASK.positions(c, false)).toEqual(['x1', 'x2', 'x3', 'x4', '=', 'y']);
    expect([0, 1, 2, 3].map((k) => PARITY_TASK.emitPosition(c, true, k))).toEqual([4, 5, 6, 7]);
    expect([0, 1, 2, 3].map((k) => PARITY_TASK.emitPosition(c, false, k))).toEqual([0, 1, 2, 4]);
    const cf = PARITY_TASK.counterfactual(d, it, () => 0)!;
    cf.target.slice(0, -1).forEach((t, k) => expect(t).not.toBe(it.target[k]));
    expect(PARITY_TASK.parsePrompt(d, '0110')).toEqual([0, 1, 1, 0, 2]);
    expect(PARITY_TASK.parsePrompt(d, '01102')).toMatch(/bits/);
    expect(PARITY_TASK.parsePrompt(d, '011001')).toMatch(/At most 4 bits/);
  });

  it('a link naming a knowledge-graph key under parity is corrected; a training set over half the strings is cut to half', () => {
    const { config, corrections } = queryToConfig('task=parity&entities=300&bits=6&trainSize=1000');
    expect(corrections.map((c) => c.key)).toEqual(['entities']);
    expect(corrections[0].text).toBe('entities belongs to the kg task, not to parity; ignored.');
    expect(config.trainSize).toBe(1000);
    const d = PARITY_TASK.generate(config);
    expect(d.stats.train).toBe(32);
    expect(PARITY_TASK.preview(d, config).notes.join(' ')).toMatch(/Only 32 training strings/);
  });
});
