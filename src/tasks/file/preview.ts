/** The designer's preview of a task file's data: the split sizes, a few training records and each test split's first, in both arms' formats. */
import type { Config } from '../../experiment/schema';
import type { Dataset, EvalItem, PreviewRow, Sequence, TaskPreview } from '../types';
import { itemOf, mainLayoutOf, type FileData } from './generate';
import { previewChips } from '../previewChips';

const count = (x: number) => x.toLocaleString('en-US');

export function previewFile(d: Dataset, c: Config): TaskPreview {
  const data = d.detail as FileData;
  const { file } = data;
  const names = d.vocab.names;
  const { chipsOf } = previewChips({
    names,
    eos: d.vocab.eos,
    tone: (_t, part) => (part === 'eos' ? 'special' : part === 'prompt' ? 'operator' : 'value'),
    title: (part) => (part === 'step' ? 'cot token' : undefined),
  });
  const seq = (it: EvalItem, target: number[]): Sequence => ({ tokens: [...it.prompt, ...target], promptLength: it.prompt.length });
  const rows: PreviewRow[] = file.train.slice(0, 3).map((r, i) => {
    const truth = itemOf(r, d.vocab.eos);
    return { source: 'train', direct: chipsOf(d.train.direct[i], truth), cot: chipsOf(d.train.cot[i], truth) };
  });
  for (const s of d.splits.filter((x) => x.role !== 'train')) {
    const it = s.items[0];
    if (it)
      rows.push({ source: s.label, highlight: s.role === 'headline', direct: chipsOf(seq(it, it.directTarget), it), cot: chipsOf(seq(it, it.target), it) });
  }

  const warnings: string[] = [];
  const notes: string[] = [`File ${file.hash} (sha-256 prefix): ${count(file.train.length)} training records, ${file.tests.length} test split(s).`];
  const headline = d.splits.find((s) => s.role === 'headline');
  if (headline) notes.push(`The headline split is "${headline.label}", the file's first test split: the page, the status line and the gap read it.`);
  const main = mainLayoutOf(file);
  if (main.length < file.train.length) {
    const [r] = main;
    notes.push(
      `The training records come in several lengths; the "Training records" evaluation and RL use the ${count(main.length)} of the most common one with a cot (${r.prompt.length} prompt, ${r.cot.length} cot and ${r.answer.length} answer tokens). All ${count(file.train.length)} are trained on.`,
    );
  }
  const trained = new Set(file.train.map((r) => r.prompt.join(' ')));
  for (const t of file.tests) {
    const seen = t.records.filter((r) => trained.has(r.prompt.join(' '))).length;
    if (seen > 0) warnings.push(`${count(seen)} of the ${count(t.records.length)} "${t.id}" prompts are also training prompts.`);
  }
  notes.push(
    `Each evaluation uses up to ${count(c.evalSize)} records per split${data.noisy > 0 ? `; ${count(data.noisy)} training records carry noise` : ''}.`,
  );
  return {
    sizes: [
      { label: 'Training records', value: file.train.length },
      ...file.tests.map((t, i) => ({ label: `Test: ${t.id}`, value: t.records.length, ...(i === 0 ? { highlight: true, detail: 'headline' } : {}) })),
      { label: 'Vocabulary', value: d.vocab.size, unit: 'tokens', detail: "the file's tokens, </a> and <pad>" },
      { label: 'Context', value: d.contextLength, unit: 'tokens' },
    ],
    bar: {
      caption: `The file's ${count(file.train.length + file.tests.reduce((n, t) => n + t.records.length, 0))} records:`,
      total: file.train.length + file.tests.reduce((n, t) => n + t.records.length, 0),
      parts: [
        { label: 'train', value: file.train.length, tone: 'train' },
        ...file.tests.map((t, i) => ({ label: t.id, value: t.records.length, tone: i === 0 ? ('headline' as const) : ('test' as const) })),
      ],
    },
    warnings,
    notes,
    groups: [
      {
        layout: 'arms',
        caption: "The file's records in the direct and the CoT format",
        direct: { title: 'Direct', note: 'prompt, then the answer' },
        cot: { title: 'Chain of thought', note: 'prompt, the cot tokens, then the answer' },
        rows,
      },
    ],
    legend: {
      chips: [
        { text: 'prompt', part: 'prompt', tone: 'operator' },
        { text: 'cot', part: 'step', tone: 'value' },
        { text: 'answer', part: 'answer', tone: 'value' },
        { text: '</a>', part: 'eos', tone: 'special' },
      ],
      text: "outlined: the prompt; filled: what the model is trained to write (the loss is only on these). Dashed: a record of the headline test split. Every token is the file's, shown as plain text.",
    },
  };
}
