/**
 * Multiplication's data: a × b with a of m digits and b of n digits (leading zeros allowed, so every digit is
 * uniform), every number written least-significant digit first, as in Deng et al.'s implicit-CoT data.
 *
 * The CoT arm writes, in Deng et al.'s order, the partial products p_j = a × b_j (m + 1 digits each) and after
 * each partial product from the second on the running sum s_j = a × (b mod 10^j) (m + j digits), up to the last
 * partial product; the answer is the full product (m + n digits, zero-padded) that adds the last one in:
 *   p1 p2 s2 p3 s3 … pn answer.
 * No separators: the lens reads every token before the answer as an intermediate result and a counterfactual
 * must change each of them (src/tasks/types.ts), so each CoT token is a digit of one result; the fixed lengths
 * say where each result ends.
 *
 * Tokens: 0–9, '*', '=', </a>, <pad>. CoT for 12 × 34 (m = n = 2): `2 1 * 4 3 = 8 4 0 6 3 0 8 0 4 0 </a>`;
 * direct: `2 1 * 4 3 = 8 0 4 0 </a>`.
 */
import seedrandom from 'seedrandom';
import type { Config } from '../../experiment/schema';
import type { Dataset, EvalItem, EvalSplit, Sequence, SplitSpec } from '../types';

export const TIMES = 10;
export const EQUALS = 11;
export const EOS = 12;
export const PAD = 13;
export const NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '=', '</a>', '<pad>'];

export type MultiplyConfig = Pick<Config, 'seed' | 'digitsA' | 'digitsB' | 'trainPairs' | 'noise' | 'noiseKind' | 'cotShare' | 'evalSize'>;
type Sizes = Pick<Config, 'digitsA' | 'digitsB'>;

/** The `len` digits of x, least significant first. */
export function digitsOf(x: number, len: number): number[] {
  return Array.from({ length: len }, (_, k) => Math.floor(x / 10 ** k) % 10);
}
/** The number whose digits (least significant first) these are. */
export const numberOfDigits = (digits: readonly number[]): number => digits.reduce((sum, d, k) => sum + d * 10 ** k, 0);

/** One intermediate result of the CoT: a partial product a × b_j or a running sum a × (b mod 10^j), by its digits. */
export interface ResultSlot {
  kind: 'p' | 's';
  /** 1-based: b_j is b's j-th digit from the least significant. */
  j: number;
  digits: number;
}
/** The intermediate results of an m × n product, in the order the CoT writes them. */
export function resultSlots(c: Sizes): ResultSlot[] {
  const m = c.digitsA;
  const slots: ResultSlot[] = [];
  for (let j = 1; j <= c.digitsB; j++) {
    slots.push({ kind: 'p', j, digits: m + 1 });
    if (j >= 2 && j < c.digitsB) slots.push({ kind: 's', j, digits: m + j });
  }
  return slots;
}
export const stepCount = (c: Sizes): number => resultSlots(c).reduce((n, s) => n + s.digits, 0);
export const answerLength = (c: Sizes): number => c.digitsA + c.digitsB;
export const promptLength = (c: Sizes): number => c.digitsA + c.digitsB + 2;
/** The model's context (the one statement of it): the CoT arm's whole sequence, prompt, intermediate digits, answer and </a>. */
export const contextLengthOf = (c: Sizes): number => promptLength(c) + stepCount(c) + answerLength(c) + 1;

export function itemOf(c: Sizes, a: number, b: number): EvalItem {
  const bDigits = digitsOf(b, c.digitsB);
  const steps = resultSlots(c).flatMap((s) => (s.kind === 'p' ? digitsOf(a * bDigits[s.j - 1], s.digits) : digitsOf(a * (b % 10 ** s.j), s.digits)));
  const answer = digitsOf(a * b, answerLength(c));
  return {
    prompt: [...digitsOf(a, c.digitsA), TIMES, ...bDigits, EQUALS],
    target: [...steps, ...answer, EOS],
    directTarget: [...answer, EOS],
    answer,
    steps,
  };
}

/** A pair as one number (a before b's n digits): the key of deduplication. */
export const pairKey = (c: Sizes, a: number, b: number): number => a * 10 ** c.digitsB + b;

export interface MultiplyData {
  digitsA: number;
  digitsB: number;
  /** Training pairs (clean) and their keys. */
  train: [number, number][];
  trainKeys: Set<number>;
  /** Training pairs whose CoT or answer was corrupted. */
  noisy: number;
  /** All pairs of this size: 10^(m + n). */
  allPairs: number;
}

/** Whether a pair counts as trained: itself, or (for equal sizes) its swap b × a. */
export function seenPair(data: Pick<MultiplyData, 'digitsA' | 'digitsB' | 'trainKeys'>, a: number, b: number): boolean {
  if (data.trainKeys.has(pairKey(data, a, b))) return true;
  return data.digitsA === data.digitsB && data.trainKeys.has(pairKey(data, b, a));
}

export const splitSpecs = (): SplitSpec[] => [
  { id: 'train', label: 'Training pairs', role: 'train' },
  { id: 'test', label: 'Test pairs', role: 'headline' },
];

export function generateMultiply(c: MultiplyConfig): Dataset {
  const m = c.digitsA;
  const n = c.digitsB;
  const maxA = 10 ** m;
  const maxB = 10 ** n;
  const allPairs = maxA * maxB;
  const rng = seedrandom.alea(`multiply-data-${c.seed}`);
  // at most half of all pairs are trained, so that unseen pairs remain to test on
  const nTrain = Math.min(c.trainPairs, Math.floor(allPairs / 2));
  const train: [number, number][] = [];
  const trainKeys = new Set<number>();
  while (train.length < nTrain) {
    const a = Math.floor(rng() * maxA);
    const b = Math.floor(rng() * maxB);
    const k = pairKey(c, a, b);
    if (trainKeys.has(k)) continue;
    trainKeys.add(k);
    train.push([a, b]);
  }

  // noise, fixed at generation: one answer digit (t), one intermediate digit (b) or both replaced by another digit
  const other = (d: number, r: () => number) => (d + 1 + Math.floor(r() * 9)) % 10;
  const nrng = seedrandom.alea(`multiply-noise-${c.seed}`);
  const shareRng = seedrandom.alea(`multiply-share-${c.seed}`);
  let noisy = 0;
  const cot: Sequence[] = [];
  const direct: Sequence[] = [];
  for (const [a, b] of train) {
    const it = itemOf(c, a, b);
    const steps = it.steps.slice();
    const answer = it.answer.slice();
    if (c.noise > 0 && nrng() < c.noise) {
      noisy++;
      if (c.noiseKind !== 'b') {
        const k = Math.floor(nrng() * answer.length);
        answer[k] = other(answer[k], nrng);
      }
      if (c.noiseKind !== 't') {
        const k = Math.floor(nrng() * steps.length);
        steps[k] = other(steps[k], nrng);
      }
    }
    const withSteps = c.cotShare >= 1 || shareRng() < c.cotShare;
    cot.push({ tokens: [...it.prompt, ...(withSteps ? steps : []), ...answer, EOS], promptLength: it.prompt.length });
    direct.push({ tokens: [...it.prompt, ...answer, EOS], promptLength: it.prompt.length });
  }

  // evaluation: a sample of the training pairs, and fresh pairs neither trained nor (for m = n) trained swapped
  const trainSample = train.length <= c.evalSize ? train : Array.from({ length: c.evalSize }, (_, i) => train[Math.floor((i * train.length) / c.evalSize)]);
  const erng = seedrandom.alea(`multiply-eval-${c.seed}`);
  const detail: MultiplyData = { digitsA: m, digitsB: n, train, trainKeys, noisy, allPairs };
  const test: [number, number][] = [];
  const drawn = new Set<number>();
  for (let tries = 0; test.length < c.evalSize && tries < c.evalSize * 50 + 1000; tries++) {
    const a = Math.floor(erng() * maxA);
    const b = Math.floor(erng() * maxB);
    const k = pairKey(c, a, b);
    if (drawn.has(k) || seenPair(detail, a, b)) continue;
    drawn.add(k);
    test.push([a, b]);
  }
  const pairs: Record<string, [number, number][]> = { train: trainSample, test };
  const splits: EvalSplit[] = splitSpecs().map((s) => ({ ...s, items: pairs[s.id].map(([a, b]) => itemOf(c, a, b)) }));

  return {
    task: 'multiply',
    vocab: { size: NAMES.length, eos: EOS, pad: PAD, names: NAMES },
    contextLength: contextLengthOf(c),
    train: { cot, direct },
    splits,
    rlItems: train.map(([a, b]) => itemOf(c, a, b)),
    stats: { digitsA: m, digitsB: n, train: train.length, test: test.length, noisy, allPairs },
    hashBody: {
      task: 'multiply',
      digitsA: m,
      digitsB: n,
      cot: cot.map((s) => s.tokens.join(',')),
      splits: splits.map((s) => [s.id, s.items.map((it) => it.prompt.join(''))]),
    },
    detail,
  };
}
