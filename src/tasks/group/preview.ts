/** The group task's preview for the designer: a few training words and one test word in both formats, the sizes. */
import type { Config } from '../../experiment/schema';
import type { Dataset, PreviewChip, TaskPreview } from '../types';
import { type GroupData, itemOf, specialTokens } from './generate';
import { previewChips } from '../previewChips';

const count = (x: number) => x.toLocaleString('en-US');
/** The bar of all words is drawn only where the trained words are a visible share of them. */
const MAX_BAR_TOTAL = 1e7;

export function groupPreview(d: Dataset, c: Config): TaskPreview {
  const data = d.detail as GroupData;
  const g = data.group;
  const { equals, eos } = specialTokens(g.order);
  const toneOf = (t: number): PreviewChip['tone'] => (t === equals ? 'operator' : t >= eos ? 'special' : 'value');
  const { chip, chipsOf, rowOf } = previewChips({
    names: d.vocab.names,
    eos,
    tone: toneOf,
    title: (part) => (part === 'step' ? 'running product' : undefined),
  });
  const shown = Math.min(3, data.train.length);
  const rows = data.train.slice(0, shown).map((w, i) => rowOf('train', d.train.cot[i], d.train.direct[i], itemOf(g, w)));
  const headline = d.splits.find((s) => s.role === 'headline');
  const test = headline?.items[0];
  if (test) {
    const seq = (target: number[]) => ({ tokens: [...test.prompt, ...target], promptLength: test.prompt.length });
    rows.push(rowOf('test', seq(test.target), seq(test.directTarget), test, true));
  }
  const noisyAt = data.train.findIndex((w, i) => i >= shown && chipsOf(d.train.cot[i], itemOf(g, w)).some((x) => x.corrupted));
  if (noisyAt >= 0) {
    rows.push({
      source: 'noisy',
      direct: null,
      note: `${count(data.noisy)} training words carry noise (the struck-through token); test words stay clean.`,
      cot: chipsOf(d.train.cot[noisyAt], itemOf(g, data.train[noisyAt])),
    });
  }

  const k = c.wordLength;
  const all = g.order ** k;
  const trainedAtK = data.train.filter((w) => w.length === k).length;
  const testCount = headline?.items.length ?? 0;
  const warnings: string[] = [];
  if (testCount === 0) warnings.push('There are no unseen test words: every word of this length is trained. Raise the length or lower the training words.');
  const notes: string[] = [];
  if (data.train.length < c.wordTrain)
    notes.push(`Only ${count(data.train.length)} training words: at most half of the words of each length are trained, so that the test words are unseen.`);
  if (data.lengths.length > 1) notes.push(`Training words have lengths ${data.lengths[0]}–${k}, about as many of each.`);
  else if (c.wordMinLength >= k)
    notes.push(`The shortest trained word (${c.wordMinLength}) is not shorter than k = ${k}: every training word has length ${k}.`);
  notes.push(
    `${g.name} has ${count(g.order)} elements${g.name.startsWith('S') ? ', each a permutation in one-line notation (21453: 1→2, 2→1, 3→4, …), composed left to right' : ', added mod ' + g.order}. Guessing gets 1 in ${count(g.order)} right.`,
  );
  notes.push(`Each evaluation uses up to ${count(c.evalSize)} words per split${data.noisy > 0 ? `; ${count(data.noisy)} training words carry noise` : ''}.`);
  return {
    sizes: [
      { label: 'Training words', value: data.train.length, detail: `${g.order}^${k} = ${all < 1e15 ? count(all) : all.toExponential(1)} words of length ${k}` },
      ...d.splits.map((s) => ({ label: `${s.label}, evaluated`, value: s.items.length, ...(s.role === 'headline' ? { highlight: true } : {}) })),
      { label: 'Vocabulary', value: d.vocab.size, unit: 'tokens' },
      { label: 'Context', value: d.contextLength, unit: 'tokens' },
    ],
    ...(all <= MAX_BAR_TOTAL
      ? {
          bar: {
            caption: `All ${count(all)} words of length ${k}:`,
            total: all,
            parts: [
              { label: 'train', value: trainedAtK, tone: 'train' as const },
              { label: 'test (unseen)', value: testCount, tone: 'headline' as const },
              { label: 'not drawn', value: Math.max(0, all - trainedAtK - testCount), tone: 'unused' as const },
            ],
          },
        }
      : {}),
    warnings,
    notes,
    groups: [
      {
        layout: 'arms',
        caption: 'The same words in the direct and the CoT format',
        direct: { title: 'Direct', note: 'the product right after =' },
        cot: { title: 'Chain of thought', note: 'the running product after each element, then the answer' },
        rows,
      },
    ],
    legend: {
      chips: [
        chip(0, 'prompt'),
        chip(equals, 'prompt'),
        { ...chip(0, 'step'), text: 'running product' },
        { ...chip(0, 'answer'), text: 'answer' },
        chip(eos, 'eos'),
      ],
      text: 'outlined: the prompt; filled: what the model is trained to write (the loss is only on these). Dashed: a test word never trained.',
    },
  };
}
