/**
 * The group task's data: random words over a finite group, the answer their product. The CoT arm writes the
 * running product after each element (the last one is the answer); the direct arm the answer alone.
 *
 * Tokens: the group's elements (0 … order − 1), then `=`, `</a>`, `<pad>`.
 * CoT: `g1 g2 g3 = p1 p2 p3 </a>` (p3 = g1·g2·g3, the answer); direct: `g1 g2 g3 = p3 </a>`.
 */
import seedrandom from 'seedrandom';
import type { Config } from '../../experiment/schema';
import type { Dataset, EvalItem, EvalSplit, Sequence, SplitSpec } from '../types';
import { type FiniteGroup, type GroupName, groupOf, orderOf, runningProducts } from './finiteGroups';

export type GroupConfig = Pick<
  Config,
  'seed' | 'group' | 'wordLength' | 'wordMinLength' | 'wordTrain' | 'wordTestLength' | 'noise' | 'noiseKind' | 'cotShare' | 'evalSize'
>;

/** The special tokens after the elements. */
export const specialTokens = (order: number) => ({ equals: order, eos: order + 1, pad: order + 2 });
export const vocabSizeOf = (c: Pick<Config, 'group'>) => orderOf(c.group as GroupName) + 3;

const longestOf = (c: Pick<Config, 'wordLength' | 'wordTestLength'>) => Math.max(c.wordLength, c.wordTestLength);
/** The model's context (the one statement of it): the longer words' elements, `=`, one running product each and `</a>`. */
export const contextLengthOf = (c: Pick<Config, 'wordLength' | 'wordTestLength'>) => 2 * longestOf(c) + 2;
/** The trained lengths: wordMinLength (at least 2) … wordLength, or wordLength alone when wordMinLength is 0 or not below it. */
export const trainedLengths = (c: Pick<Config, 'wordLength' | 'wordMinLength'>): number[] => {
  const from = c.wordMinLength > 0 && c.wordMinLength < c.wordLength ? Math.max(2, c.wordMinLength) : c.wordLength;
  return Array.from({ length: c.wordLength - from + 1 }, (_, i) => from + i);
};
const hasOtherLength = (c: Pick<Config, 'wordLength' | 'wordTestLength'>) => c.wordTestLength >= 2 && c.wordTestLength !== c.wordLength;

export function groupSplits(c: Pick<Config, 'group' | 'wordLength' | 'wordTestLength'>): SplitSpec[] {
  const chance = 1 / orderOf(c.group as GroupName);
  return [
    { id: 'train', label: 'Training words', role: 'train', chance },
    { id: 'test', label: 'Test words', role: 'headline', chance },
    ...(hasOtherLength(c) ? [{ id: 'length', label: `Test, length ${c.wordTestLength}`, role: 'test' as const, chance }] : []),
  ];
}

export function itemOf(g: FiniteGroup, word: readonly number[]): EvalItem {
  const { equals, eos } = specialTokens(g.order);
  const products = runningProducts(g, word);
  const answer = products[products.length - 1];
  return { prompt: [...word, equals], target: [...products, eos], directTarget: [answer, eos], answer: [answer], steps: products.slice(0, -1) };
}

export const keyOf = (word: readonly number[]) => word.join(',');

export interface GroupData {
  group: FiniteGroup;
  lengths: number[];
  /** Training words (clean), in the sampler's order, and the keys of all of them. */
  train: number[][];
  trainKeys: Set<string>;
  noisy: number;
}

/** `want` distinct words of length `len` not in `avoid`: a shuffled enumeration when they are a large share of all, else drawn. */
function distinctWords(rng: () => number, order: number, len: number, want: number, avoid: Set<string>): number[][] {
  const total = order ** len;
  const out: number[][] = [];
  const seen = new Set<string>();
  const take = (w: number[]) => {
    const k = keyOf(w);
    if (avoid.has(k) || seen.has(k)) return;
    seen.add(k);
    out.push(w);
  };
  if (total <= 1 << 20 && want > total / 8) {
    const codes = Array.from({ length: total }, (_, i) => i);
    for (let i = codes.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [codes[i], codes[j]] = [codes[j], codes[i]];
    }
    for (let i = 0; i < total && out.length < want; i++) {
      let x = codes[i];
      const w: number[] = [];
      for (let k = 0; k < len; k++, x = Math.floor(x / order)) w.push(x % order);
      take(w);
    }
    return out;
  }
  for (let tries = 0; out.length < want && tries < want * 50 + 1000; tries++) take(Array.from({ length: len }, () => Math.floor(rng() * order)));
  return out;
}

export function generateGroup(c: GroupConfig): Dataset {
  const g = groupOf(c.group as GroupName);
  const { eos, pad } = specialTokens(g.order);
  const rng = seedrandom.alea(`group-data-${c.seed}`);
  const lengths = trainedLengths(c);
  // each trained length an even share, at most half of that length's words (so that unseen test words remain)
  const train: number[][] = [];
  const trainKeys = new Set<string>();
  lengths.forEach((len, i) => {
    const share = Math.floor(c.wordTrain / lengths.length) + (i < c.wordTrain % lengths.length ? 1 : 0);
    const want = Math.min(share, Math.floor(g.order ** len / 2));
    for (const w of distinctWords(rng, g.order, len, want, trainKeys)) {
      train.push(w);
      trainKeys.add(keyOf(w));
    }
  });
  for (let i = train.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [train[i], train[j]] = [train[j], train[i]];
  }

  // noise: fixed at generation, on the answer (t), one running product (b) or both; both arms see the same words
  const other = (r: () => number, x: number) => (x + 1 + Math.floor(r() * (g.order - 1))) % g.order;
  const nrng = seedrandom.alea(`group-noise-${c.seed}`);
  const cotShare = seedrandom.alea(`group-share-${c.seed}`);
  let noisy = 0;
  const cot: Sequence[] = [];
  const direct: Sequence[] = [];
  for (const w of train) {
    const it = itemOf(g, w);
    let steps = it.steps;
    let answer = it.answer[0];
    if (c.noise > 0 && nrng() < c.noise) {
      noisy++;
      if (c.noiseKind !== 'b') answer = other(nrng, answer);
      if (c.noiseKind !== 't' && steps.length > 0) {
        const k = Math.floor(nrng() * steps.length);
        steps = steps.map((s, i) => (i === k ? other(nrng, s) : s));
      }
    }
    const withSteps = c.cotShare >= 1 || cotShare() < c.cotShare;
    cot.push({ tokens: [...it.prompt, ...(withSteps ? steps : []), answer, eos], promptLength: it.prompt.length });
    direct.push({ tokens: [...it.prompt, answer, eos], promptLength: it.prompt.length });
  }

  // evaluation: a sample of the training words, fresh words of length k, words of the other length
  const erng = seedrandom.alea(`group-eval-${c.seed}`);
  // evaluation and RL batch queries of one length: the training split and RL's prompts are the words of length k
  const trainedK = train.filter((w) => w.length === c.wordLength);
  const trainSample =
    trainedK.length <= c.evalSize ? trainedK : Array.from({ length: c.evalSize }, (_, i) => trainedK[Math.floor((i * trainedK.length) / c.evalSize)]);
  const words: Record<string, number[][]> = {
    train: trainSample,
    test: distinctWords(erng, g.order, c.wordLength, c.evalSize, trainKeys),
    length: hasOtherLength(c) ? distinctWords(erng, g.order, c.wordTestLength, c.evalSize, trainKeys) : [],
  };
  const splits: EvalSplit[] = groupSplits(c).map((s) => ({ ...s, items: words[s.id].map((w) => itemOf(g, w)) }));
  const names = [...g.names, '=', '</a>', '<pad>'];
  const detail: GroupData = { group: g, lengths, train, trainKeys, noisy };
  return {
    task: 'group',
    vocab: { size: names.length, eos, pad, names },
    contextLength: contextLengthOf(c),
    train: { cot, direct },
    splits,
    rlItems: trainedK.map((w) => itemOf(g, w)),
    stats: { order: g.order, wordLength: c.wordLength, train: train.length, test: words.test.length, length: words.length.length, noisy },
    hashBody: {
      task: 'group',
      group: g.name,
      cot: cot.map((s) => s.tokens.join(',')),
      splits: splits.map((s) => [s.id, s.items.map((it) => it.prompt.join(','))]),
    },
    detail,
  };
}
