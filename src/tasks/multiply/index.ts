/**
 * Multi-digit multiplication (after Deng et al.'s implicit-CoT data and Bai et al. 2025): a × b, digits least
 * significant first; the CoT arm writes the partial products and running sums (generate.ts), the direct arm only
 * the product. The answer is the whole product (m + n digits), judged by exact match of the span.
 */
import type { Config } from '../../experiment/schema';
import { judgeSpan } from '../judge';
import type { Dataset, EvalItem, QueryTruth, TaskSpec } from '../types';
import {
  answerLength,
  contextLengthOf,
  EQUALS,
  generateMultiply,
  itemOf,
  promptLength,
  resultSlots,
  seenPair,
  splitSpecs,
  NAMES,
  TIMES,
  numberOfDigits,
} from './generate';
import { multiplyOf, previewMultiply } from './preview';

type Sizes = Pick<Config, 'digitsA' | 'digitsB'>;

/** The named intermediate results: every digit of every partial product and running sum, in the order written. */
function intermediatesOf(c: Sizes) {
  return resultSlots(c).flatMap((s) =>
    Array.from({ length: s.digits }, (_, d) =>
      s.kind === 'p' ? { name: `p${s.j}.${d}`, label: `a × b${s.j}, digit ${d}` } : { name: `s${s.j}.${d}`, label: `a × (b mod 10^${s.j}), digit ${d}` },
    ),
  );
}

function positionsOf(c: Sizes, cot: boolean): string[] {
  return [
    ...Array.from({ length: c.digitsA }, (_, k) => `a${k + 1}`),
    '*',
    ...Array.from({ length: c.digitsB }, (_, k) => `b${k + 1}`),
    '=',
    ...(cot ? intermediatesOf(c).map((s) => s.name) : []),
    ...Array.from({ length: answerLength(c) }, (_, k) => `y${k + 1}`),
  ];
}

/** For the direct arm: the position of the digit b_j each intermediate result is the first to depend on. */
function directEmit(c: Sizes, k: number): number {
  let at = 0;
  for (const s of resultSlots(c)) {
    if (k < at + s.digits) return c.digitsA + s.j;
    at += s.digits;
  }
  return promptLength(c) - 1;
}

/** The two factors of a prompt of this data's shape, or null. */
function factorsOf(c: Sizes, prompt: readonly number[]): [number, number] | null {
  const m = c.digitsA;
  const n = c.digitsB;
  if (prompt.length !== m + n + 2 || prompt[m] !== TIMES || prompt[m + n + 1] !== EQUALS) return null;
  const a = prompt.slice(0, m);
  const b = prompt.slice(m + 1, m + n + 1);
  if (![...a, ...b].every((t) => t >= 0 && t <= 9)) return null;
  return [numberOfDigits(a), numberOfDigits(b)];
}

function truth(d: Dataset, prompt: number[]): QueryTruth {
  const data = multiplyOf(d);
  const factors = factorsOf(data, prompt);
  if (!factors) return { cotTarget: null, directTarget: null, steps: [], answer: null, kind: `not a product of ${data.digitsA} × ${data.digitsB} digits` };
  const [a, b] = factors;
  const it = itemOf(data, a, b);
  const trained = data.trainKeys.has(a * 10 ** data.digitsB + b);
  const kind = trained ? 'training pair' : seenPair(data, a, b) ? 'unseen pair (trained as b × a)' : 'unseen pair';
  return { cotTarget: it.target, directTarget: it.directTarget, steps: it.steps, answer: it.answer, kind };
}

/** The sizes m × n whose model has this context (a model is sized by its context only). */
const sizesOfContext = (context: number): Sizes[] =>
  [1, 2, 3, 4, 5].flatMap((digitsA) => [2, 3, 4, 5].map((digitsB) => ({ digitsA, digitsB }))).filter((s) => contextLengthOf(s) === context);

/**
 * A counterfactual pair of the same sizes whose every intermediate digit and answer digit differ from the query's,
 * found by drawing pairs at random; null when none turns up.
 */
function counterfactual(d: Dataset, item: EvalItem, rng: () => number): EvalItem | null {
  const c = multiplyOf(d);
  for (let tries = 0; tries < 5000; tries++) {
    const cf = itemOf(c, Math.floor(rng() * 10 ** c.digitsA), Math.floor(rng() * 10 ** c.digitsB));
    if (cf.target.slice(0, -1).every((t, k) => t !== item.target[k])) return cf;
  }
  return null;
}

export const MULTIPLY_TASK: TaskSpec = {
  id: 'multiply',
  label: 'Multiplication, m × n digits',
  description:
    'a × b, digits least significant first. CoT writes each partial product a × b_j and the running sums; the direct arm writes the product at once.',
  explanation: [
    'Each example multiplies an m-digit number a by an n-digit number b (leading zeros allowed). Every number is written least significant digit first, as in Deng et al.’s data, so that carries run in the order the digits are written. The answer is the whole product, m + n digits, and counts only when every digit is right.',
    'The CoT arm first writes the partial products a × b1, a × b2, … (b1 is b’s units digit), each m + 1 digits, and after each partial product from the second on the running sum so far, a × (b mod 10^j); the product then adds the last partial product in. Each digit it writes depends on a few digits before it. The direct arm must produce every digit of the product from the prompt alone; fine-tuned models of 2 to 12 layers stay below 1% on 4 × 4 digits that way while with the steps they reach about 100% (Deng et al.; Bai et al. 2025).',
  ],
  lookFor: [
    'At 3 × 3 digits the direct arm stays at 0–1 % on fresh pairs and does not fit its own training pairs either, while the CoT arm reaches 0.95 or more by step 1,000.',
    'In the lens of the CoT arm the least significant digit of each partial product (no carry) is read out after the first layer, the digits that need a carry only after the second.',
  ],
  source: {
    text: 'After Deng et al., “From explicit CoT to implicit CoT” (arXiv 2405.14838), and Bai et al., “Why can’t transformers learn multiplication?” (arXiv 2510.00184)',
    href: 'https://arxiv.org/abs/2405.14838',
  },
  params: ['digitsA', 'digitsB', 'trainPairs'],
  splits: splitSpecs,
  intermediates: intermediatesOf,
  vocabSize: () => NAMES.length,
  contextLength: contextLengthOf,
  tooLarge: () => null,
  generate: generateMultiply,
  positions: positionsOf,
  // CoT: each digit is said at the position before it; direct: a result would have to be held at the digit of b
  // it first needs, the product is said at '='
  emitPosition: (c, cot, k) => (cot ? promptLength(c) - 1 + k : directEmit(c, k)),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => t >= 0 && t <= 9),
  counterfactual,
  preview: previewMultiply,
  examples: (d, n) => d.splits.filter((s) => s.role !== 'train').flatMap((s) => s.items.slice(0, n).map((it) => ({ split: s.id, prompt: it.prompt }))),
  truth,
  parsePrompt: (d, text) => {
    const sizes = sizesOfContext(d.contextLength);
    const want = sizes.length === 1 ? `${sizes[0].digitsA} × ${sizes[0].digitsB} digits` : 'the trained sizes';
    const parts = text
      .slice(0, 200)
      .replace(/[\s,=]+/g, '')
      .split(/[*×x]/);
    if (parts.length !== 2 || !parts.every((p) => /^[0-9]+$/.test(p)))
      return `Type two numbers least significant digit first, e.g. "2 1 * 4 3" for 12 × 34 (${want}).`;
    const fit = sizes.find((s) => parts[0].length <= s.digitsA && parts[1].length <= s.digitsB);
    if (!fit) return `This model multiplies ${want}: type at most that many digits of each.`;
    // shorter numbers: the missing high digits are zeros (written last)
    const digits = (p: string, len: number) => [...p.padEnd(len, '0')].map(Number);
    return [...digits(parts[0], fit.digitsA), TIMES, ...digits(parts[1], fit.digitsB), EQUALS];
  },
};
