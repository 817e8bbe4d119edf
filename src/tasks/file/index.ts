/**
 * Your own task from a file: a JSON Lines file (src/tasks/file/readTaskFile.ts) of prompts, chains of thought
 * and answers, tokens as strings. The CoT arm trains on prompt + cot + answer, the direct arm on prompt + answer;
 * every test split of the file is evaluated, the first one is the headline. A config names its file by the
 * sha-256 prefix `taskFile` (what a link holds); the file itself is read into this thread first
 * (loadedFiles.ts: the page's file input, a worker message, the CLI's --task-file). Until then the task has no
 * data, and `tooLarge` says which file to load.
 */
import type { Config } from '../../experiment/schema';
import { judgeSpan } from '../judge';
import type { Dataset, EvalItem, TaskSpec } from '../types';
import { generateFile, layoutOf, promptKey, splitSpecsOf, type FileData } from './generate';
import { loadedTaskFile } from './loadedFiles';
import { previewFile } from './preview';
import type { TaskFile } from './readTaskFile';

type Named = Pick<Config, 'taskFile'>;
const fileOf = (c: Named): TaskFile | null => (c.taskFile ? loadedTaskFile(c.taskFile) : null);
const dataOf = (d: Pick<Dataset, 'detail'>) => d.detail as FileData;

/** The layout the lens and tracing read: the headline split's first record (prompt, cot and answer lengths). */
function layout(c: Named): { prompt: number; cot: number; answer: number } {
  const first = fileOf(c)?.tests[0]?.records[0];
  return first ? { prompt: first.prompt.length, cot: first.cot.length, answer: first.answer.length } : { prompt: 1, cot: 0, answer: 1 };
}
const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${k + 1}`);

function notLoaded(c: Named): string {
  return c.taskFile
    ? `This link's task is a file with sha-256 ${c.taskFile}…, which is not loaded: load it (a link holds the file's hash, not the file).`
    : 'This task is a file of your own: load a JSON Lines file first.';
}

export const FILE_TASK: TaskSpec = {
  id: 'file',
  label: 'Your own task (a file)',
  description:
    'A JSON Lines file of your own: prompt, chain of thought, answer and split per line. CoT trains on prompt + cot + answer, direct on prompt + answer.',
  explanation: [
    'Each line of the file is one example: {"prompt": [...], "cot": [...], "answer": [...], "split": "train"}, tokens as strings. The vocabulary is built from the file.',
    'The CoT arm is trained to write the cot tokens and then the answer, the direct arm the answer alone. Records of any split other than "train" are test records; the first test split in the file is the headline.',
  ],
  lookFor: [
    "On examples/modsum_task.py's file (8 digits mod 3) the CoT arm reaches 1.000 on the test strings by step 250 while the direct arm writes the most common sum for every string.",
  ],
  source: { text: 'One example a line, as JSON Lines', href: 'https://jsonlines.org/' },
  params: ['taskFile'],
  splits: (c) => {
    const f = fileOf(c);
    return f ? splitSpecsOf(f) : [{ id: 'test', label: 'Test (no file loaded)', role: 'headline' }];
  },
  intermediates: (c) => numbered('c', layout(c).cot).map((name, k) => ({ name, label: `cot token ${k + 1}` })),
  vocabSize: (c) => (fileOf(c)?.tokens.length ?? 0) + 2,
  contextLength: (c) => fileOf(c)?.longest ?? 2,
  tooLarge: (c) => (fileOf(c) ? null : notLoaded(c)),
  generate: (c) => {
    const f = fileOf(c);
    if (!f) throw new RangeError(notLoaded(c));
    return generateFile(f, c);
  },
  positions: (c, cot) => {
    const l = layout(c);
    return [...numbered('x', l.prompt), ...(cot ? numbered('c', l.cot) : []), ...(l.answer === 1 ? ['y'] : numbered('y', l.answer))];
  },
  // CoT: cot token k (and, at k = cot length, the answer) is said at the token before it; direct: everything at the prompt's end
  emitPosition: (c, cot, k) => layout(c).prompt - 1 + (cot ? k : 0),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => Number.isInteger(t) && t >= 0 && t < v.size && t !== v.eos && t !== v.pad),
  // another record of the same layout whose cot and answer differ at every token
  counterfactual: (d, it, rng) => {
    const same = dataOf(d).byLayout.get(layoutOf(it)) ?? [];
    const differs = (o: EvalItem) => o.target.every((t, k) => k === o.target.length - 1 || t !== it.target[k]);
    for (let tries = 0; tries < 200 && same.length > 1; tries++) {
      const o = same[Math.floor(rng() * same.length)];
      if (differs(o)) return o;
    }
    return same.find(differs) ?? null;
  },
  preview: previewFile,
  examples: (d, n) => d.splits.filter((s) => s.role !== 'train').flatMap((s) => s.items.slice(0, n).map((it) => ({ split: s.id, prompt: it.prompt }))),
  truth: (d, prompt) => {
    const t = dataOf(d).truth.get(promptKey(prompt));
    if (!t) return { cotTarget: null, directTarget: null, steps: [], answer: null, kind: 'not a prompt of the file' };
    return { cotTarget: t.item.target, directTarget: t.item.directTarget, steps: t.item.steps, answer: t.item.answer, kind: t.kind };
  },
  parsePrompt: (d, text) => {
    const words = text.slice(0, 2000).trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return "Type a prompt: the file's tokens, separated by spaces.";
    if (words.length >= d.contextLength) return `At most ${d.contextLength - 1} tokens: the model holds no longer prompts.`;
    const ids = new Map(d.vocab.names.slice(0, d.vocab.eos).map((name, id) => [name, id]));
    const prompt: number[] = [];
    for (const w of words) {
      const id = ids.get(w);
      if (id === undefined) return `"${w.slice(0, 24)}" is not a token of the file.`;
      prompt.push(id);
    }
    return prompt;
  },
};
