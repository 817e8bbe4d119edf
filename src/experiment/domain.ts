/**
 * The words every layer shares — arms, splits, their labels and the rows of metrics — in one tfjs-free module,
 * so that views, stores, workers and the CLI read the same names without pulling tfjs onto the main thread.
 */
import type { BackendChoice, Config } from './schema';
import type { Phase, RlMetrics } from './phases';

/** The two ways of training on the same data: with the intermediate steps written out (CoT), or the answer alone. */
export type Arm = 'cot' | 'direct';
/** The arms in display order. */
export const ARMS: readonly Arm[] = ['cot', 'direct'];
export const ARM_LABEL: Record<Arm, string> = { cot: 'CoT', direct: 'direct' };

/** The arms a config trains. */
export function armsOf(config: Pick<Config, 'arms'>): Arm[] {
  return config.arms === 'both' ? ['cot', 'direct'] : [config.arms];
}

/** Scores per evaluation split, by the split's id (the task names its splits: src/tasks/). */
export type SplitScores = Record<string, number>;
/** One evaluation of one arm. */
export interface EvalResult {
  /** Exact match of the whole continuation up to </a>. */
  acc: SplitScores;
  /** The answer span before </a> is right. */
  answerAcc: SplitScores;
  /** CoT arm only: share of the headline split's queries whose first intermediate result is right. */
  stepAcc?: number;
}

/**
 * One row of an arm's history: an evaluation at a step, with the mean training loss since the previous row.
 * Rows of the RL phase add the RL metrics (means over the samples since the previous row; src/train/rl.ts).
 */
export interface MetricRow extends EvalResult, Partial<RlMetrics> {
  step: number;
  /** The phase the step belongs to (src/experiment/phases.ts); absent in reports written before there were phases. */
  phase?: Phase;
  /** Queries per split of an early evaluation on a smaller sample; absent for a regular one. */
  sample?: number;
  /** Mean training loss since the previous row (null at step 0). */
  loss: number | null;
}

/** What a running experiment reports (the worker forwards these to the page; the CLI prints them). */
export type ExperimentEvent =
  | { type: 'ready'; hash: string; arms: { arm: Arm; parameters: number; trainExamples: number }[] }
  | { type: 'loss'; arm: Arm; steps: number[]; losses: number[] }
  | { type: 'eval'; arm: Arm; row: MetricRow; stepsPerSec: number }
  | { type: 'state'; running: boolean; step: number; done: boolean }
  /** An arm stopped for good: its training loss at `step` was not a finite number (NaN or ±Infinity). The others go on. */
  | { type: 'stopped'; arm: Arm; step: number; loss: number }
  /** An arm went back to its checkpoint at `step` (after a lost GPU): what it reported after that step is void. */
  | { type: 'rewound'; arm: Arm; step: number };

/** What the page and the CLI say when an arm stops (plain text). */
export function armStoppedText(e: { arm: Arm; step: number; loss: number }, others: readonly Arm[] = []): string {
  const value = Number.isNaN(e.loss) ? 'NaN' : e.loss > 0 ? 'Infinity' : '-Infinity';
  const goOn = others.length ? ` The ${others.map((a) => ARM_LABEL[a]).join(' and ')} arm goes on.` : '';
  return `The ${ARM_LABEL[e.arm]} arm stopped at step ${e.step}: its training loss became ${value} (the model diverged).${goOn} Try a lower learning rate.`;
}

/** The tfjs backends (the schema's choices without auto). */
export type BackendName = Exclude<BackendChoice, 'auto'>;
