/**
 * Queries to inspect, for the worker and the page alike (pure, tfjs-free): the few test queries the task offers,
 * written as token names; typed queries, read by the task; and what the dataset says about a query (the task's
 * truth: its intermediate steps and answer, and where it comes from). The task decides all of it (src/tasks).
 * `ExampleOption` and `VocabInfo` travel in the training worker's `examples` message (src/worker/protocol.ts).
 */
import type { Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { tokenName, type Dataset, type QueryTruth, type TaskSpec } from '../tasks/types';

/** A query offered in the example picker: a few of each test split the task offers (src/tasks TaskSpec.examples). */
export interface ExampleOption {
  /** The split's id (a key of the reports' `acc`) and its label, e.g. 'oodTwoHop', 'OOD test multi-hop'. */
  split: string;
  label: string;
  prompt: number[];
  /** The prompt's tokens by name, e.g. "e3 r1 r4", "0 1 1 =". */
  text: string;
}

/** What the page needs of the dataset's vocabulary to read and write queries (task-neutral). */
export interface VocabInfo {
  /** The task id (src/tasks/registry.ts): its `parsePrompt` reads typed queries. */
  task: string;
  /** Name of each token id (index = id); `eos` ends an answer, `pad` fills: neither is part of a query. */
  names: string[];
  eos: number;
  pad: number;
  /** Positions the model holds (the longest query it can read). */
  contextLength: number;
}

/** The task of a dataset or a vocabulary (by its id; an unknown id reads as the default task). */
export const taskById = (task: string): TaskSpec => taskOf({ task } as Pick<Config, 'task'>);

/** A prompt's tokens by name, e.g. "e3 r1 r4". */
export function promptText(v: { names: readonly string[] }, prompt: readonly number[]): string {
  return prompt.map((t) => tokenName(v, t)).join(' ');
}

/** What the page needs of a dataset's vocabulary (sent with the examples). */
export function vocabInfoOf(d: Dataset): VocabInfo {
  return { task: d.task, names: [...d.vocab.names], eos: d.vocab.eos, pad: d.vocab.pad, contextLength: d.contextLength };
}

/** The task's queries to offer: the first `n` of each test split it picks, with the split's label and the prompt's text. */
export function pickExamples(d: Dataset, n = 6): ExampleOption[] {
  const labels = new Map(d.splits.map((s) => [s.id, s.label]));
  return taskById(d.task)
    .examples(d, n)
    .map(({ split, prompt }) => ({ split, label: labels.get(split) ?? split, prompt, text: promptText(d.vocab, prompt) }));
}

/** Whether a prompt can be read by a model of this vocabulary: known tokens, no </a> or padding, within its context. */
export function fitsVocab(prompt: readonly number[], v: VocabInfo): boolean {
  return (
    prompt.length > 0 &&
    prompt.length < v.contextLength &&
    prompt.every((t) => Number.isInteger(t) && t >= 0 && t < v.names.length && t !== v.eos && t !== v.pad)
  );
}

/** Reads a typed query the task's way (e.g. "e3 r1 r4", "0110 1001"): the prompt tokens, or a plain-text reason it cannot. */
export function parsePrompt(text: string, v: VocabInfo): { prompt: number[] } | { error: string } {
  const vocab = { size: v.names.length, eos: v.eos, pad: v.pad, names: v.names };
  const r = taskById(v.task).parsePrompt({ vocab, contextLength: v.contextLength }, text);
  if (typeof r === 'string') return { error: r };
  return fitsVocab(r, v) ? { prompt: r } : { error: 'This query is longer than the model can read.' };
}

/** What the dataset says about a query: its true steps and answer, and where it comes from (the task's truth). */
export function truthFor(d: Dataset, prompt: number[]): QueryTruth {
  return taskById(d.task).truth(d, prompt);
}
