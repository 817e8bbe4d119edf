import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { queryToConfig } from '../../experiment/link';
import { taskDefaults } from '../../experiment/schema';
import { tokenName } from '../types';
import { contextLengthOf, digitsOf, NAMES, generateMultiply, itemOf, numberOfDigits, pairKey, resultSlots, stepCount } from './generate';
import { MULTIPLY_TASK } from '.';

const config = (link: string) => {
  const r = queryToConfig(link);
  expect(r.corrections).toEqual([]);
  return r.config;
};
const text = (tokens: number[]) => tokens.map((t) => tokenName({ names: NAMES }, t)).join(' ');

describe('multiplication data', () => {
  it('12 × 34: reversed digits, the two partial products, then the product; the direct arm the product alone', () => {
    const q = itemOf({ digitsA: 2, digitsB: 2 }, 12, 34);
    expect(text(q.prompt)).toBe('2 1 * 4 3 =');
    expect(text(q.target)).toBe('8 4 0 6 3 0 8 0 4 0 </a>'); // 48, 36, 408
    expect(text(q.directTarget)).toBe('8 0 4 0 </a>');
  });

  it('every CoT result is the partial product or running sum it names, and the answer the whole product', () => {
    const rng = seedrandom.alea('multiply-results');
    for (const [m, n] of [
      [1, 2],
      [2, 2],
      [3, 3],
      [2, 4],
      [4, 3],
      [5, 5],
    ]) {
      const c = { digitsA: m, digitsB: n };
      const intermediates = MULTIPLY_TASK.intermediates({ ...taskDefaults('multiply'), ...c });
      expect(intermediates).toHaveLength(stepCount(c));
      for (let i = 0; i < 50; i++) {
        const a = Math.floor(rng() * 10 ** m);
        const b = Math.floor(rng() * 10 ** n);
        const item = itemOf(c, a, b);
        let at = 0;
        for (const s of resultSlots(c)) {
          const value = numberOfDigits(item.steps.slice(at, at + s.digits));
          const bj = Math.floor(b / 10 ** (s.j - 1)) % 10;
          expect(value).toBe(s.kind === 'p' ? a * bj : a * (b % 10 ** s.j));
          expect(intermediates[at].name).toBe(`${s.kind}${s.j}.0`);
          at += s.digits;
        }
        expect(at).toBe(item.steps.length);
        expect(numberOfDigits(item.answer)).toBe(a * b);
        expect(item.answer).toHaveLength(m + n);
        // the last running sum plus the last partial product, shifted, is the product: nothing is left to the answer but one addition
        expect(numberOfDigits(item.answer)).toBe(a * (b % 10 ** (n - 1)) + a * Math.floor(b / 10 ** (n - 1)) * 10 ** (n - 1));
      }
    }
  });

  it('3 × 3 with CoT fits in 32 positions; 2 × 2 in 17', () => {
    expect(stepCount({ digitsA: 3, digitsB: 3 })).toBe(4 + 4 + 5 + 4);
    expect(contextLengthOf({ digitsA: 3, digitsB: 3 })).toBe(32);
    expect(contextLengthOf({ digitsA: 2, digitsB: 2 })).toBe(17);
  });

  it('test pairs are fresh: neither trained nor trained swapped, and no pair twice', () => {
    for (const link of ['task=multiply&digitsA=2&digitsB=2&trainPairs=4000', 'task=multiply&digitsA=2&digitsB=3&trainPairs=3000']) {
      const c = config(link);
      const d = generateMultiply(c);
      const trained = new Set(d.rlItems.map((it) => it.prompt.join(',')));
      const test = d.splits.find((s) => s.id === 'test')!.items;
      expect(test.length).toBe(c.evalSize);
      expect(new Set(test.map((x) => x.prompt.join(','))).size).toBe(test.length);
      for (const x of test) {
        expect(trained.has(x.prompt.join(','))).toBe(false);
        if (c.digitsA === c.digitsB) {
          const swapped = [...x.prompt.slice(c.digitsA + 1, -1), x.prompt[c.digitsA], ...x.prompt.slice(0, c.digitsA), x.prompt.at(-1)];
          expect(trained.has(swapped.join(','))).toBe(false);
        }
      }
    }
  });

  it('the same seed gives the same data, another seed other data; at most half of all pairs are trained', () => {
    const c = config('task=multiply&digitsA=2&digitsB=2&trainPairs=9000');
    const d = generateMultiply(c);
    expect(d.train.cot).toHaveLength(5000);
    expect(new Set(d.rlItems.map((it) => it.prompt.join(','))).size).toBe(5000);
    expect(generateMultiply(c).hashBody).toEqual(d.hashBody);
    expect(generateMultiply({ ...c, seed: 1 }).hashBody).not.toEqual(d.hashBody);
  });

  it('noise replaces one answer digit (t) or one intermediate digit (b) by another digit', () => {
    for (const noiseKind of ['t', 'b'] as const) {
      const c = { ...config('task=multiply&digitsA=3&digitsB=3&trainPairs=400&noise=0.5'), noiseKind };
      const d = generateMultiply(c);
      const changed = d.train.cot.map((s, i) => s.tokens.filter((t, k) => t !== d.rlItems[i].prompt.concat(d.rlItems[i].target)[k]).length);
      const noisy = changed.filter((x) => x > 0).length;
      expect(noisy).toBe(d.stats.noisy);
      expect(noisy).toBeGreaterThan(150);
      expect(Math.max(...changed)).toBe(1);
      d.train.cot.forEach((s, i) => {
        const truth = d.rlItems[i].prompt.concat(d.rlItems[i].target);
        const at = s.tokens.findIndex((t, k) => t !== truth[k]);
        if (at >= 0) expect(at >= truth.length - 1 - 6).toBe(noiseKind === 't');
      });
    }
  });
});

describe('multiplication: judge, inspector, counterfactuals', () => {
  const c = config('task=multiply&digitsA=2&digitsB=2&trainPairs=200&evalSize=50');
  const d = MULTIPLY_TASK.generate(c);
  const q = itemOf(c, 12, 34);

  it('the judge: the whole product right counts, one wrong digit does not; a wrong step is seen', () => {
    expect(MULTIPLY_TASK.judge(q.target, q, d.vocab)).toMatchObject({ reward: 1, stepsRight: true });
    const wrongDigit = q.directTarget.slice();
    wrongDigit[2] = (wrongDigit[2] + 1) % 10;
    expect(MULTIPLY_TASK.judge(wrongDigit, q, d.vocab).reward).toBe(0);
    const wrongStep = q.target.slice();
    wrongStep[0] = (wrongStep[0] + 1) % 10;
    expect(MULTIPLY_TASK.judge(wrongStep, q, d.vocab)).toMatchObject({ reward: 1, stepsRight: false });
  });

  it('typed prompts: least significant digit first, short numbers padded with zeros, the wrong sizes refused', () => {
    expect(MULTIPLY_TASK.parsePrompt(d, '2 1 * 4 3 =')).toEqual(q.prompt);
    expect(MULTIPLY_TASK.parsePrompt(d, '21*43')).toEqual(q.prompt);
    expect(MULTIPLY_TASK.parsePrompt(d, '7 * 5')).toEqual(itemOf(c, 7, 5).prompt);
    expect(MULTIPLY_TASK.parsePrompt(d, '123 * 4')).toContain('2 × 2 digits');
    expect(MULTIPLY_TASK.parsePrompt(d, 'e1 r2')).toContain('least significant digit first');
    expect(MULTIPLY_TASK.truth(d, q.prompt).answer).toEqual(q.answer);
    expect(MULTIPLY_TASK.truth(d, [1, 2, 3]).kind).toContain('not a product');
  });

  it('the truth says whether a pair was trained, or trained swapped', () => {
    const [a, b] = [numberOfDigits(d.rlItems[0].prompt.slice(0, 2)), numberOfDigits(d.rlItems[0].prompt.slice(3, 5))];
    expect(MULTIPLY_TASK.truth(d, itemOf(c, a, b).prompt).kind).toBe('training pair');
    const swapKnown = new Set(d.rlItems.map((x) => x.prompt.join(','))).has(itemOf(c, b, a).prompt.join(','));
    if (!swapKnown) expect(MULTIPLY_TASK.truth(d, itemOf(c, b, a).prompt).kind).toBe('unseen pair (trained as b × a)');
    expect(pairKey(c, a, b)).toBe(a * 100 + b);
    expect(digitsOf(a * b, 4)).toEqual(itemOf(c, a, b).answer);
  });

  it('a counterfactual is found for 3 × 3 test pairs, and changes every intermediate digit and the answer', () => {
    const c3 = config('task=multiply&digitsA=3&digitsB=3&trainPairs=200&evalSize=50');
    const d3 = MULTIPLY_TASK.generate(c3);
    const rng = seedrandom.alea('cf');
    const items = d3.splits.find((s) => s.id === 'test')!.items.slice(0, 10);
    for (const x of items) {
      const cf = MULTIPLY_TASK.counterfactual(d3, x, rng);
      expect(cf).not.toBeNull();
      cf!.target.slice(0, -1).forEach((t, k) => expect(t).not.toBe(x.target[k]));
    }
  });
});
