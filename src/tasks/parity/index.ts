/**
 * Parity: n random bits, the answer whether the number of ones is even (E) or odd (O). The CoT arm writes the
 * running parity after each bit, so that every step is one local XOR (the running parity so far and the next
 * bit); the direct arm writes only the answer, a function of all n bits at once. Without intermediate steps the
 * samples or steps needed grow exponentially with n (Wies, Levine & Shashua 2022; Kim & Suzuki 2024, arXiv
 * 2410.08633; Abbe et al. 2024, arXiv 2406.06467); with them, parity is learned fast.
 *
 * Tokens: 0, 1 (bits), = (end of the prompt), E, O (parities), </a>, <pad>.
 * CoT: `1 0 1 1 = O O E O </a>`; direct: `1 0 1 1 = O </a>`.
 */
import seedrandom from 'seedrandom';
import type { Config } from '../../experiment/schema';
import { judgeSpan } from '../judge';
import type { Dataset, EvalItem, EvalSplit, PreviewChip, QueryTruth, Sequence, SplitSpec, TaskPreview, TaskSpec } from '../types';
import { previewChips } from '../previewChips';

const ZERO = 0;
const ONE = 1;
const EQUALS = 2;
const EVEN = 3;
const ODD = 4;
const EOS = 5;
const PAD = 6;
const NAMES = ['0', '1', '=', 'E', 'O', '</a>', '<pad>'];

type ParityConfig = Pick<Config, 'seed' | 'bits' | 'trainSize' | 'testBits' | 'noise' | 'noiseKind' | 'cotShare' | 'evalSize'>;

/** The running parities of a bit string: E/O tokens after each bit. */
export function runningParities(bits: readonly number[]): number[] {
  let p = 0;
  return bits.map((b) => {
    p ^= b;
    return p ? ODD : EVEN;
  });
}

function itemOf(bits: readonly number[]): EvalItem {
  const parities = runningParities(bits);
  const answer = parities[parities.length - 1];
  return {
    prompt: [...bits.map((b) => (b ? ONE : ZERO)), EQUALS],
    target: [...parities, EOS],
    directTarget: [answer, EOS],
    answer: [answer],
    steps: parities.slice(0, -1),
  };
}

/** `n` random bits as a number array, and a key for deduplication. */
function drawBits(rng: () => number, n: number): number[] {
  return Array.from({ length: n }, () => (rng() < 0.5 ? 0 : 1));
}
const keyOf = (bits: readonly number[]) => bits.join('');

interface ParityData {
  bits: number;
  /** Training strings (clean) and the keys of every training string. */
  train: number[][];
  trainKeys: Set<string>;
  /** Which training strings' CoT sequences were corrupted (and how). */
  noisy: number;
}

const lengthOf = (c: Pick<Config, 'bits' | 'testBits'>) => Math.max(c.bits, c.testBits);
/** The model's context (the one statement of it): the longer strings' bits, `=`, one running parity per bit and `</a>`. */
const contextLengthOf = (c: Pick<Config, 'bits' | 'testBits'>) => 2 * lengthOf(c) + 2;

function splitSpecs(c: Pick<Config, 'bits' | 'testBits'>): SplitSpec[] {
  return [
    { id: 'train', label: 'Training strings', role: 'train', chance: 0.5 },
    { id: 'test', label: 'Test strings', role: 'headline', chance: 0.5 },
    ...(c.testBits > 0 && c.testBits !== c.bits ? [{ id: 'length', label: `Test, ${c.testBits} bits`, role: 'test' as const, chance: 0.5 }] : []),
  ];
}

export function generateParity(c: ParityConfig): Dataset {
  const n = c.bits;
  const rng = seedrandom.alea(`parity-data-${c.seed}`);
  const total = 2 ** n;
  const nTrain = Math.min(c.trainSize, Math.floor(total / 2));
  // distinct training strings: drawn at random, or (when they are a large share of all strings) a shuffled enumeration
  const train: number[][] = [];
  const trainKeys = new Set<string>();
  if (n <= 20 && nTrain > total / 8) {
    const order = Array.from({ length: total }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const x of order.slice(0, nTrain)) {
      const bits = Array.from({ length: n }, (_, k) => (x >> (n - 1 - k)) & 1);
      train.push(bits);
      trainKeys.add(keyOf(bits));
    }
  } else {
    while (train.length < nTrain) {
      const bits = drawBits(rng, n);
      const k = keyOf(bits);
      if (trainKeys.has(k)) continue;
      trainKeys.add(k);
      train.push(bits);
    }
  }

  // noise: fixed at generation, on the answer (t), one step (b) or both; both arms see the same corrupted strings
  const flip = (t: number) => (t === EVEN ? ODD : EVEN);
  const nrng = seedrandom.alea(`parity-noise-${c.seed}`);
  let noisy = 0;
  const cotShare = seedrandom.alea(`parity-share-${c.seed}`);
  const cot: Sequence[] = [];
  const direct: Sequence[] = [];
  for (const bits of train) {
    const it = itemOf(bits);
    let steps = it.steps.slice();
    let answer = it.answer[0];
    if (c.noise > 0 && nrng() < c.noise) {
      noisy++;
      if (c.noiseKind !== 'b') answer = flip(answer);
      if (c.noiseKind !== 't' && steps.length > 0) {
        const k = Math.floor(nrng() * steps.length);
        steps = steps.map((s, i) => (i === k ? flip(s) : s));
      }
    }
    const withSteps = c.cotShare >= 1 || cotShare() < c.cotShare;
    cot.push({ tokens: [...it.prompt, ...(withSteps ? steps : []), answer, EOS], promptLength: it.prompt.length });
    direct.push({ tokens: [...it.prompt, answer, EOS], promptLength: it.prompt.length });
  }

  // evaluation: a sample of the training strings, fresh strings of n bits never trained, strings of another length
  const erng = seedrandom.alea(`parity-eval-${c.seed}`);
  const trainSample = train.length <= c.evalSize ? train : Array.from({ length: c.evalSize }, (_, i) => train[Math.floor((i * train.length) / c.evalSize)]);
  const fresh = (len: number, avoid: Set<string>): number[][] => {
    const out: number[][] = [];
    const seen = new Set<string>();
    const available = 2 ** len - (len === n ? avoid.size : 0);
    const want = Math.min(c.evalSize, available);
    for (let tries = 0; out.length < want && tries < want * 50 + 1000; tries++) {
      const bits = drawBits(erng, len);
      const k = keyOf(bits);
      if (avoid.has(k) || seen.has(k)) continue;
      seen.add(k);
      out.push(bits);
    }
    return out;
  };
  const specs = splitSpecs(c);
  const items: Record<string, number[][]> = {
    train: trainSample,
    test: fresh(n, trainKeys),
    length: c.testBits > 0 && c.testBits !== n ? fresh(c.testBits, c.testBits === n ? trainKeys : new Set()) : [],
  };
  const splits: EvalSplit[] = specs.map((s) => ({ ...s, items: items[s.id].map(itemOf) }));

  const detail: ParityData = { bits: n, train, trainKeys, noisy };
  return {
    task: 'parity',
    vocab: { size: NAMES.length, eos: EOS, pad: PAD, names: NAMES },
    contextLength: contextLengthOf(c),
    train: { cot, direct },
    splits,
    rlItems: train.map(itemOf),
    stats: { bits: n, train: train.length, test: items.test.length, length: items.length.length, noisy, allStrings: total },
    hashBody: { task: 'parity', bits: n, cot: cot.map((s) => s.tokens.join('')), splits: splits.map((s) => [s.id, s.items.map((it) => it.prompt.join(''))]) },
    detail,
  };
}

const parityOf = (d: Dataset) => d.detail as ParityData;

const count = (x: number) => x.toLocaleString('en-US');

/** The designer's preview: a few training strings and one test string in both formats, the sizes, the noise. */
function preview(d: Dataset, c: Config): TaskPreview {
  const data = parityOf(d);
  const toneOf = (t: number): PreviewChip['tone'] => (t === EQUALS ? 'operator' : t === EOS || t === PAD ? 'special' : 'value');
  const { chip, chipsOf, rowOf } = previewChips({ names: NAMES, eos: EOS, tone: toneOf, title: (part) => (part === 'step' ? 'running parity' : undefined) });
  const shown = Math.min(3, data.train.length);
  const rows = data.train.slice(0, shown).map((bits, i) => rowOf('train', d.train.cot[i], d.train.direct[i], itemOf(bits)));
  const test = d.splits.find((s) => s.role === 'headline')?.items[0];
  if (test) {
    const seq = (target: number[]) => ({ tokens: [...test.prompt, ...target], promptLength: test.prompt.length });
    rows.push(rowOf('test', seq(test.target), seq(test.directTarget), test, true));
  }
  const noisyAt = data.train.findIndex((bits, i) => i >= shown && chipsOf(d.train.cot[i], itemOf(bits)).some((x) => x.corrupted));
  if (noisyAt >= 0) {
    rows.push({
      source: 'noisy',
      direct: null,
      note: `${count(data.noisy)} training strings carry noise (the struck-through token); test strings stay clean.`,
      cot: chipsOf(d.train.cot[noisyAt], itemOf(data.train[noisyAt])),
    });
  }

  const all = 2 ** c.bits;
  const headline = d.splits.find((s) => s.role === 'headline');
  const warnings: string[] = [];
  if (headline && headline.items.length === 0)
    warnings.push('There are no unseen test strings: every string of this length is trained. Raise the bits or lower the training strings.');
  const notes: string[] = [];
  if (data.train.length < c.trainSize)
    notes.push(`Only ${count(data.train.length)} training strings: at most half of the 2^${c.bits} strings are trained, so that the test strings are unseen.`);
  notes.push(
    `Each evaluation uses up to ${count(c.evalSize)} strings per split${data.noisy > 0 ? `; ${count(data.noisy)} training strings carry noise` : ''}.`,
  );
  const testCount = headline?.items.length ?? 0;
  return {
    sizes: [
      { label: 'Training strings', value: data.train.length, detail: `of the 2^${c.bits} = ${count(all)} strings of ${c.bits} bits` },
      ...d.splits.map((s) => ({ label: `${s.label}, evaluated`, value: s.items.length, ...(s.role === 'headline' ? { highlight: true } : {}) })),
      { label: 'Vocabulary', value: d.vocab.size, unit: 'tokens' },
      { label: 'Context', value: d.contextLength, unit: 'tokens' },
    ],
    bar: {
      caption: `All ${count(all)} strings of ${c.bits} bits:`,
      total: all,
      parts: [
        { label: 'train', value: data.train.length, tone: 'train' },
        { label: 'test (unseen)', value: testCount, tone: 'headline' },
        { label: 'not drawn', value: Math.max(0, all - data.train.length - testCount), tone: 'unused' },
      ],
    },
    warnings,
    notes,
    groups: [
      {
        layout: 'arms',
        caption: 'The same bit strings in the direct and the CoT format',
        direct: { title: 'Direct', note: 'the parity right after =' },
        cot: { title: 'Chain of thought', note: 'the running parity after each bit, then the answer' },
        rows,
      },
    ],
    legend: {
      chips: [
        chip(ONE, 'prompt'),
        chip(EQUALS, 'prompt'),
        { ...chip(ODD, 'step'), text: 'running parity' },
        { ...chip(EVEN, 'answer'), text: 'answer' },
        chip(EOS, 'eos'),
      ],
      text: 'outlined: the prompt; filled: what the model is trained to write (the loss is only on these). E: an even number of ones so far, O: odd. Dashed: a test string never trained.',
    },
  };
}
function truth(d: Dataset, prompt: number[]): QueryTruth {
  const bits = prompt.filter((t) => t === ZERO || t === ONE);
  if (bits.length === 0 || prompt.length !== bits.length + 1 || prompt[prompt.length - 1] !== EQUALS) {
    return { cotTarget: null, directTarget: null, steps: [], answer: null, kind: 'not a bit string' };
  }
  const it = itemOf(bits);
  const data = parityOf(d);
  const kind =
    bits.length !== data.bits ? `${bits.length} bits (trained: ${data.bits})` : data.trainKeys.has(keyOf(bits)) ? 'training string' : 'unseen string';
  return { cotTarget: it.target, directTarget: it.directTarget, steps: it.steps, answer: it.answer, kind };
}

export const PARITY_TASK: TaskSpec = {
  id: 'parity',
  label: 'Parity of n bits',
  description: 'Is the number of ones even or odd? CoT writes the running parity after each bit, one XOR a step; the direct arm must see all n bits at once.',
  explanation: [
    'Each example is a random string of n bits; the answer is E when the number of ones is even and O when it is odd.',
    'The CoT arm writes the running parity after each bit, so each token depends on the previous one and one bit: a local step that is learned fast. The direct arm must compute a function of all n bits in one go; without steps, the data or steps it needs grow exponentially with n (Wies et al. 2022; Kim & Suzuki 2024; Abbe et al. 2024), and on fresh strings it stays near chance (0.5).',
  ],
  lookFor: ['With few bits (8 or fewer) and a small training set the direct arm memorises its training strings, and still does not carry parity to new ones.'],
  source: {
    text: 'After Kim & Suzuki, “Transformers provably solve parity efficiently with chain of thought” (arXiv 2410.08633)',
    href: 'https://arxiv.org/abs/2410.08633',
  },
  params: ['bits', 'trainSize', 'testBits'],
  splits: splitSpecs,
  intermediates: (c) => Array.from({ length: c.bits - 1 }, (_, k) => ({ name: `p${k + 1}`, label: k === 0 ? 'parity of bit 1' : `parity of bits 1–${k + 1}` })),
  vocabSize: () => NAMES.length,
  contextLength: contextLengthOf,
  tooLarge: () => null,
  generate: generateParity,
  positions: (c, cot) => [
    ...Array.from({ length: c.bits }, (_, k) => `x${k + 1}`),
    '=',
    ...(cot ? Array.from({ length: c.bits - 1 }, (_, k) => `p${k + 1}`) : []),
    'y',
  ],
  // CoT: p(k+1) is said at '=' (k = 0) and then at each earlier parity; direct: the running parity would be held
  // at the bit it includes, the answer is said at '='
  emitPosition: (c, cot, k) => (cot ? c.bits + k : k < c.bits - 1 ? k : c.bits),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => t === EVEN || t === ODD),
  // the first bit flipped: every running parity and the answer flip
  counterfactual: (_d, it) => itemOf(it.prompt.slice(0, -1).map((t, i) => (i === 0 ? 1 - t : t))),
  preview,
  examples: (d, n) => d.splits.filter((s) => s.role !== 'train').flatMap((s) => s.items.slice(0, n).map((it) => ({ split: s.id, prompt: it.prompt }))),
  truth,
  parsePrompt: (d, text) => {
    const digits = text.slice(0, 200).replace(/[\s,=]+/g, '');
    if (!/^[01]+$/.test(digits)) return 'Type a string of bits, e.g. "0110 1001".';
    const most = Math.floor((d.contextLength - 2) / 2);
    if (digits.length > most) return `At most ${most} bits: the model holds no longer strings.`;
    const prompt: number[] = [...digits].map((ch) => (ch === '1' ? ONE : ZERO));
    return [...prompt, EQUALS];
  },
};
