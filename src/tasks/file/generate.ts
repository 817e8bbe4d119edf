/**
 * The dataset of a task file: the file's training records are both arms' training sequences (CoT: prompt + cot +
 * answer + </a>; direct: prompt + answer + </a>), each test split an evaluation split, a sample of the training
 * records the `train` split. The seed draws the noise and the CoT share, as in the other tasks; the records are
 * the file's.
 */
import seedrandom from 'seedrandom';
import type { Config } from '../../experiment/schema';
import type { Dataset, EvalItem, EvalSplit, Sequence, SplitSpec } from '../types';
import { EOS_NAME, PAD_NAME, type FileRecord, type TaskFile } from './readTaskFile';

export type FileConfig = Pick<Config, 'seed' | 'noise' | 'noiseKind' | 'cotShare' | 'evalSize'>;

/** What the file task keeps of its data (Dataset.detail): the file, the truth of each prompt, counterfactual candidates. */
export interface FileData {
  file: TaskFile;
  /** By prompt (token ids joined by spaces): the record's item and where it comes from. */
  truth: Map<string, { item: EvalItem; kind: string }>;
  /** Items by layout (prompt, cot and answer lengths), for counterfactuals of the same shape. */
  byLayout: Map<string, EvalItem[]>;
  /** Training records whose CoT sequence carries noise. */
  noisy: number;
}

export const eosOf = (f: TaskFile) => f.tokens.length;
export const padOf = (f: TaskFile) => f.tokens.length + 1;
export const namesOf = (f: TaskFile) => [...f.tokens, EOS_NAME, PAD_NAME];
export const promptKey = (prompt: readonly number[]) => prompt.join(' ');
export const layoutOf = (it: Pick<EvalItem, 'prompt' | 'steps' | 'answer'>) => `${it.prompt.length}/${it.steps.length}/${it.answer.length}`;

export function itemOf(r: FileRecord, eos: number): EvalItem {
  return { prompt: r.prompt, target: [...r.cot, ...r.answer, eos], directTarget: [...r.answer, eos], answer: r.answer, steps: r.cot };
}

/** Guessing a split's most common answer: the accuracy a model gets without reading the prompt (SplitSpec.chance). */
function majorityShare(records: readonly FileRecord[]): number {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.answer.join(' '), (counts.get(r.answer.join(' ')) ?? 0) + 1);
  return records.length ? Math.max(...counts.values()) / records.length : 0;
}

export function splitSpecsOf(f: TaskFile): SplitSpec[] {
  return [
    { id: 'train', label: 'Training records', role: 'train', chance: majorityShare(mainLayoutOf(f)) },
    ...f.tests.map((t, i) => ({ id: t.id, label: t.id, role: i === 0 ? ('headline' as const) : ('test' as const), chance: majorityShare(t.records) })),
  ];
}

const recordLayout = (r: FileRecord) => `${r.prompt.length}/${r.cot.length}/${r.answer.length}`;
/**
 * The training records of their most common layout among those with a cot: the ones the `train` split evaluates
 * and RL samples from (the engine evaluates and samples a batch of queries of one layout together).
 */
export function mainLayoutOf(f: TaskFile): FileRecord[] {
  const byLayout = new Map<string, FileRecord[]>();
  for (const r of f.train) {
    if (r.cot.length === 0) continue;
    const same = byLayout.get(recordLayout(r));
    if (same) same.push(r);
    else byLayout.set(recordLayout(r), [r]);
  }
  return [...byLayout.values()].reduce((a, b) => (b.length > a.length ? b : a), []);
}

/** At most `n` records, evenly spaced through the list (the same sample for every seed). */
const sampleOf = <T>(xs: readonly T[], n: number): T[] =>
  xs.length <= n ? xs.slice() : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]);

export function generateFile(f: TaskFile, c: FileConfig): Dataset {
  const eos = eosOf(f);
  const names = namesOf(f);
  // the tokens a file writes after its prompts: what noise replaces a written token with
  const written = [...new Set(f.train.flatMap((r) => [...r.cot, ...r.answer]))];
  const other = (t: number, rng: () => number) => {
    const choices = written.filter((x) => x !== t);
    return choices.length ? choices[Math.floor(rng() * choices.length)] : t;
  };
  const nrng = seedrandom.alea(`file-noise-${c.seed}`);
  const share = seedrandom.alea(`file-share-${c.seed}`);
  let noisy = 0;
  const cot: Sequence[] = [];
  const direct: Sequence[] = [];
  for (const r of f.train) {
    let steps = r.cot;
    let answer = r.answer;
    if (c.noise > 0 && nrng() < c.noise) {
      noisy++;
      if (c.noiseKind !== 'b') answer = [...answer.slice(0, -1), other(answer[answer.length - 1], nrng)];
      if (c.noiseKind !== 't' && steps.length > 0) {
        const k = Math.floor(nrng() * steps.length);
        steps = steps.map((s, i) => (i === k ? other(s, nrng) : s));
      }
    }
    const withSteps = c.cotShare >= 1 || share() < c.cotShare;
    cot.push({ tokens: [...r.prompt, ...(withSteps ? steps : []), ...answer, eos], promptLength: r.prompt.length });
    direct.push({ tokens: [...r.prompt, ...answer, eos], promptLength: r.prompt.length });
  }
  const main = mainLayoutOf(f);
  const records: Record<string, FileRecord[]> = { train: sampleOf(main, c.evalSize) };
  for (const t of f.tests) records[t.id] = sampleOf(t.records, c.evalSize);
  const splits: EvalSplit[] = splitSpecsOf(f).map((s) => ({ ...s, items: records[s.id].map((r) => itemOf(r, eos)) }));

  const truth = new Map<string, { item: EvalItem; kind: string }>();
  const byLayout = new Map<string, EvalItem[]>();
  for (const [kind, rs] of [['training record', f.train] as const, ...f.tests.map((t) => [`test split ${t.id}`, t.records] as const)]) {
    for (const r of rs) {
      const item = itemOf(r, eos);
      const key = promptKey(r.prompt);
      if (truth.has(key)) continue;
      truth.set(key, { item, kind });
      const same = byLayout.get(layoutOf(item));
      if (same) same.push(item);
      else byLayout.set(layoutOf(item), [item]);
    }
  }
  const detail: FileData = { file: f, truth, byLayout, noisy };
  return {
    task: 'file',
    vocab: { size: names.length, eos, pad: padOf(f), names },
    contextLength: f.longest,
    train: { cot, direct },
    splits,
    rlItems: main.map((r) => itemOf(r, eos)),
    stats: { train: f.train.length, ...Object.fromEntries(f.tests.map((t) => [t.id, t.records.length])), tokens: f.tokens.length, noisy },
    hashBody: {
      task: 'file',
      file: f.hash,
      cot: cot.map((s) => s.tokens.join(' ')),
      splits: splits.map((s) => [s.id, s.items.map((it) => promptKey(it.prompt))]),
    },
    detail,
  };
}
