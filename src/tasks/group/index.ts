/**
 * Group word problems (Li et al. 2024, arXiv 2402.12875; Merrill & Sabharwal 2024): a word of k elements of a
 * finite group, the answer their product. The CoT arm writes the running product after each element, one
 * multiplication a step; the direct arm writes the product alone. For Z_p the product is a sum mod p (abelian,
 * computable in parallel: in TC⁰); for S₅ the word problem is NC¹-complete, which a fixed-depth transformer is
 * not expected to solve without steps, while with k steps it is.
 */
import type { Config } from '../../experiment/schema';
import { judgeSpan } from '../judge';
import type { Dataset, EvalItem, QueryTruth, TaskSpec } from '../types';
import { contextLengthOf, type GroupData, generateGroup, groupSplits, itemOf, keyOf, specialTokens, vocabSizeOf } from './generate';
import { groupPreview } from './preview';

const groupData = (d: Dataset) => d.detail as GroupData;

function truth(d: Dataset, prompt: number[]): QueryTruth {
  const data = groupData(d);
  const g = data.group;
  const word = prompt.slice(0, -1);
  if (word.length === 0 || prompt[prompt.length - 1] !== specialTokens(g.order).equals || word.some((t) => t < 0 || t >= g.order)) {
    return { cotTarget: null, directTarget: null, steps: [], answer: null, kind: `not a word of ${g.name}` };
  }
  const it = itemOf(g, word);
  const trained = data.lengths.includes(word.length);
  const kind = !trained
    ? `length ${word.length} (trained: ${data.lengths.length > 1 ? `${data.lengths[0]}–${data.lengths.at(-1)}` : data.lengths[0]})`
    : data.trainKeys.has(keyOf(word))
      ? 'training word'
      : 'unseen word';
  return { cotTarget: it.target, directTarget: it.directTarget, steps: it.steps, answer: it.answer, kind };
}

/** Changes the first element (to another drawn one): every running product after it changes, and the answer. */
function counterfactual(d: Dataset, it: EvalItem, rng: () => number): EvalItem {
  const g = groupData(d).group;
  const word = it.prompt.slice(0, -1);
  word[0] = (word[0] + 1 + Math.floor(rng() * (g.order - 1))) % g.order;
  return itemOf(g, word);
}

function parsePrompt(d: Pick<Dataset, 'vocab' | 'contextLength'>, text: string): number[] | string {
  const order = d.vocab.size - 3;
  const ids = new Map(d.vocab.names.slice(0, order).map((name, i) => [name, i]));
  const parts = text
    .slice(0, 400)
    .split(/[\s,=]+/)
    .filter((s) => s !== '');
  const example = d.vocab.names.slice(0, Math.min(order, 3)).join(' ');
  if (parts.length === 0) return `Type group elements separated by spaces, e.g. "${example}".`;
  const unknown = parts.find((p) => !ids.has(p));
  if (unknown !== undefined) return `"${unknown.slice(0, 12)}" is not an element of this group; the elements are named like ${example}.`;
  const most = Math.floor((d.contextLength - 2) / 2);
  if (parts.length > most) return `At most ${most} elements: the model holds no longer words.`;
  return [...parts.map((p) => ids.get(p)!), order];
}

export const GROUP_TASK: TaskSpec = {
  id: 'group',
  label: 'Group word problems',
  description:
    'The product of k group elements (Z_p or the permutations S_n). CoT writes the running product after each element; without steps, S₅ is a problem no fixed-depth transformer is expected to solve (unless TC⁰ = NC¹).',
  explanation: [
    'Each example is a word of k elements of a finite group; the answer is their product. For Z_p the elements are the numbers 0 … p−1 and the product is their sum mod p. For S_n the elements are the permutations of 1 … n, each written in one-line notation (21453 sends 1→2, 2→1, 3→4, 4→5, 5→3) and one token; the product applies them left to right (first g1, then g2, …).',
    'The CoT arm writes the running product after each element, so each token is one multiplication of the previous one by the next element. The direct arm writes only the product. Z_p is abelian: its sum can be computed in parallel, a constant-depth circuit (TC⁰). The word problem of S₅ is NC¹-complete, so a transformer of fixed depth is not expected to solve it for long words without steps (unless TC⁰ = NC¹), while with k steps it can (Li et al. 2024; Merrill & Sabharwal 2024). Guessing gets 1 in |G| right.',
  ],
  lookFor: [
    'Sweep the word length k (sweep=wordLength:3,5,8): at k = 3 half of all words are trained and the direct arm learns them by heart without carrying the product to new ones; from k = 5 it stays near chance even on its training words, for abelian Z₅ as for S₃, while the CoT arm gets 0.995–1.000 on new words (on five of six runs; one stalled near 0.6).',
    'Larger groups need more training: the preset learns S₃ and Z₅ in 400 steps, S₄ needs about 900 steps at learning rate 3e-3, and S₅ was not learned in 1,500.',
  ],
  source: {
    text: 'After Li et al., “Chain of thought empowers transformers to solve inherently serial problems” (arXiv 2402.12875)',
    href: 'https://arxiv.org/abs/2402.12875',
  },
  params: ['group', 'wordLength', 'wordMinLength', 'wordTrain', 'wordTestLength'],
  splits: groupSplits,
  intermediates: (c) =>
    Array.from({ length: c.wordLength - 1 }, (_, k) => ({ name: `p${k + 1}`, label: k === 0 ? 'element 1' : `product of elements 1–${k + 1}` })),
  vocabSize: vocabSizeOf,
  contextLength: contextLengthOf,
  tooLarge: () => null,
  generate: (c: Config) => generateGroup(c),
  positions: (c, cot) => [
    ...Array.from({ length: c.wordLength }, (_, k) => `g${k + 1}`),
    '=',
    ...(cot ? Array.from({ length: c.wordLength - 1 }, (_, k) => `p${k + 1}`) : []),
    'y',
  ],
  // CoT: p(k+1) is said at '=' (k = 0) and then at each earlier product; direct: the running product would be
  // held at the element it ends with, the answer is said at '='
  emitPosition: (c, cot, k) => (cot ? c.wordLength + k : k < c.wordLength - 1 ? k : c.wordLength),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => t >= 0 && t < v.size - 3),
  counterfactual,
  preview: groupPreview,
  examples: (d, n) => d.splits.filter((s) => s.role !== 'train').flatMap((s) => s.items.slice(0, n).map((it) => ({ split: s.id, prompt: it.prompt }))),
  truth,
  parsePrompt,
};
