/** The designer's preview of a multiplication dataset: sizes, how the pairs divide, a few pairs in both formats. */
import type { Config } from '../../experiment/schema';
import type { Dataset, PreviewChip, TaskPreview } from '../types';
import { EOS, EQUALS, itemOf, type MultiplyData, NAMES, PAD, resultSlots, TIMES } from './generate';
import { previewChips } from '../previewChips';

export const multiplyOf = (d: Dataset): MultiplyData => d.detail as MultiplyData;

const count = (x: number) => x.toLocaleString('en-US');

/** The name of each CoT digit (its tooltip): which result it belongs to and which power of ten it is. */
function stepTitles(c: Pick<Config, 'digitsA' | 'digitsB'>): string[] {
  return resultSlots(c).flatMap((s) =>
    Array.from({ length: s.digits }, (_, d) => (s.kind === 'p' ? `a × b${s.j}, digit ${d}` : `a × (b mod 10^${s.j}), digit ${d}`)),
  );
}

export function previewMultiply(d: Dataset, c: Config): TaskPreview {
  const data = multiplyOf(d);
  const titles = stepTitles(c);
  const toneOf = (t: number): PreviewChip['tone'] => (t === TIMES || t === EQUALS ? 'operator' : t === EOS || t === PAD ? 'special' : 'value');
  const { chip, chipsOf, rowOf } = previewChips({
    names: NAMES,
    eos: EOS,
    tone: toneOf,
    title: (part, k) => (part === 'step' ? titles[k] : `product, digit ${k}`),
  });
  const shown = Math.min(3, data.train.length);
  const truthOf = (i: number) => itemOf(c, data.train[i][0], data.train[i][1]);
  const rows = data.train.slice(0, shown).map((_, i) => rowOf('train', d.train.cot[i], d.train.direct[i], truthOf(i)));
  const headline = d.splits.find((s) => s.role === 'headline');
  const test = headline?.items[0];
  if (test) {
    const seq = (target: number[]) => ({ tokens: [...test.prompt, ...target], promptLength: test.prompt.length });
    rows.push(rowOf('test', seq(test.target), seq(test.directTarget), test, true));
  }
  const noisyAt = data.train.findIndex((_, i) => i >= shown && chipsOf(d.train.cot[i], truthOf(i)).some((x) => x.corrupted));
  if (noisyAt >= 0) {
    rows.push({
      source: 'noisy',
      direct: null,
      note: `${count(data.noisy)} training pairs carry noise (the struck-through digit); test pairs stay clean.`,
      cot: chipsOf(d.train.cot[noisyAt], truthOf(noisyAt)),
    });
  }

  const testCount = headline?.items.length ?? 0;
  const warnings: string[] = [];
  if (testCount === 0) warnings.push('There are no unseen test pairs: raise the digits or lower the training pairs.');
  const notes: string[] = [];
  if (data.train.length < c.trainPairs)
    notes.push(
      `Only ${count(data.train.length)} training pairs: at most half of the 10^${c.digitsA + c.digitsB} pairs are trained, so that test pairs are unseen.`,
    );
  notes.push(
    `Numbers are written least significant digit first. A test pair is neither trained nor${c.digitsA === c.digitsB ? ' (swapped) trained as b × a' : ''} repeated; each evaluation uses up to ${count(c.evalSize)} pairs per split.`,
  );
  return {
    sizes: [
      { label: 'Training pairs', value: data.train.length, detail: `of the ${count(data.allPairs)} pairs of ${c.digitsA} × ${c.digitsB} digits` },
      ...d.splits.map((s) => ({ label: `${s.label}, evaluated`, value: s.items.length, ...(s.role === 'headline' ? { highlight: true } : {}) })),
      { label: 'Vocabulary', value: d.vocab.size, unit: 'tokens' },
      { label: 'Context', value: d.contextLength, unit: 'tokens' },
    ],
    bar: {
      caption: `All ${count(data.allPairs)} pairs:`,
      total: data.allPairs,
      parts: [
        { label: 'train', value: data.train.length, tone: 'train' },
        { label: 'test (unseen)', value: testCount, tone: 'headline' },
        { label: 'not drawn', value: Math.max(0, data.allPairs - data.train.length - testCount), tone: 'unused' },
      ],
    },
    warnings,
    notes,
    groups: [
      {
        layout: 'arms',
        caption: 'The same products in the direct and the CoT format',
        direct: { title: 'Direct', note: 'the product right after =' },
        cot: { title: 'Chain of thought', note: 'each partial product a × b_j and the running sums, then the product' },
        rows,
      },
    ],
    legend: {
      chips: [
        chip(2, 'prompt'),
        chip(TIMES, 'prompt'),
        { ...chip(4, 'step'), text: 'partial result' },
        { ...chip(8, 'answer'), text: 'product' },
        chip(EOS, 'eos'),
      ],
      text: 'outlined: the prompt; filled: what the model is trained to write (the loss is only on these). Every number is written least significant digit first. Dashed: a test pair never trained.',
    },
  };
}
