/**
 * A generated dataset as plain JSON, token ids throughout, task-neutral: what `--dump-data` writes
 * (`npm run experiment -- '<link>' --steps 0 --dump-data data.json`) and what python/train.py trains and
 * evaluates on (the export's data.json). It holds everything needed to train and evaluate any task without
 * knowing the task:
 *
 * - vocab: the token names, index = token id; `eos` ends every continuation, `pad` fills short rows;
 * - contextLength: the positions the model holds (its position embeddings);
 * - train: the full training sequences of each arm (prompt + continuation, no padding), in the order the arm's
 *   sampler draws from (noise applied), and each sequence's prompt length: the loss is taken on the rest;
 * - splits: the evaluation splits in display order (`role` 'headline' marks the one the page reads): per query
 *   the prompt, the CoT arm's target (intermediate steps, answer, </a>), the direct arm's target (answer, </a>)
 *   and the answer span that answer-only accuracy is judged on.
 */
import type { SplitRole } from '../tasks/types';
import { type Dataset, trainingSequences } from './dataset';

export interface DumpItem {
  prompt: number[];
  /** The CoT arm's continuation up to and including </a>. */
  target: number[];
  /** The direct arm's continuation up to and including </a>. */
  directTarget: number[];
  /** The answer span (one or more tokens). */
  answer: number[];
}

export interface DumpSplit {
  id: string;
  label: string;
  role: SplitRole;
  items: DumpItem[];
}

export interface DataDump {
  /** The task's id (src/tasks/registry.ts). */
  task: string;
  vocab: string[];
  eos: number;
  pad: number;
  contextLength: number;
  train: { cot: number[][]; direct: number[][]; promptLength: { cot: number[]; direct: number[] } };
  splits: DumpSplit[];
}

export function buildDump(d: Dataset): DataDump {
  const arm = (cot: boolean) => trainingSequences(d, cot);
  return {
    task: d.task,
    vocab: d.vocab.names.slice(),
    eos: d.vocab.eos,
    pad: d.vocab.pad,
    contextLength: d.contextLength,
    train: {
      cot: arm(true).map((s) => s.tokens.slice()),
      direct: arm(false).map((s) => s.tokens.slice()),
      promptLength: { cot: arm(true).map((s) => s.promptLength), direct: arm(false).map((s) => s.promptLength) },
    },
    splits: d.splits.map((s) => ({
      id: s.id,
      label: s.label,
      role: s.role,
      items: s.items.map((it) => ({ prompt: it.prompt.slice(), target: it.target.slice(), directTarget: it.directTarget.slice(), answer: it.answer.slice() })),
    })),
  };
}

/**
 * The size of each split's set, by split id, for config.json and the reports: the whole set the split samples its
 * queries from where the task's stats name it by the split's id (the knowledge graph's do), else the queries
 * evaluated.
 */
export function splitCounts(d: Pick<Dataset, 'splits' | 'stats'>): Record<string, number> {
  return Object.fromEntries(d.splits.map((s) => [s.id, Object.hasOwn(d.stats, s.id) ? d.stats[s.id] : s.items.length]));
}
