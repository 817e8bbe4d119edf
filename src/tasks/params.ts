/**
 * Each task's own parameters, for the schema table (src/experiment/schema.ts), and each task's measured preset
 * (its defaults: `task=<id>` alone opens it). Data only: the tasks' behaviour is in src/tasks/registry.ts.
 */
import { GROUP_PARAMS } from './group/params';
import { KG_PARAMS } from './kg/params';
import { MULTIPLY_PARAMS } from './multiply/params';
import { PARITY_PARAMS } from './parity/params';
import { FILE_PARAMS } from './file/params';

/** A rule between a task's parameters that a config broke, and the value that mends it. */
export interface ParamRule {
  key: string;
  problem: string;
  allowed: string;
  to: number;
}
type Values = Readonly<Record<string, number | string>>;

/** The rules between each task's parameters (validate.ts applies them, one correction each). */
export const TASK_RULES: Readonly<Record<string, (c: Values) => ParamRule[]>> = {
  kg: (c) =>
    Number(c.degree) > Number(c.relations)
      ? [{ key: 'degree', problem: `is more than relations (${c.relations})`, allowed: 'at most relations', to: Number(c.relations) }]
      : [],
  // group: a shortest trained word not below the word length trains length k alone (the preview says so)
  // parity: a training set larger than half of the 2^n strings is cut to half by the generator (the preview says so)
};

/** The task ids, in the order the designer offers them; the first is the default. */
export const TASK_IDS = ['kg', 'parity', 'group', 'multiply', 'file'] as const;
export type TaskId = (typeof TASK_IDS)[number];

export const TASK_PARAMS = [...KG_PARAMS, ...PARITY_PARAMS, ...GROUP_PARAMS, ...MULTIPLY_PARAMS, ...FILE_PARAMS] as const;

/**
 * Where a task's preset differs from the table's defaults (model and training included). Measured: the
 * README's tables say on which seeds and with which commands.
 */
export const TASK_PRESETS: Readonly<Record<TaskId, Readonly<Record<string, number | string>>>> = {
  kg: {},
  // README, "Parity": CoT ≥ 0.95 on fresh strings within 300 steps on every seed measured, direct near 0.5
  parity: { layers: 2, dModel: 64, heads: 4, batch: 64, lr: 2e-3, warmup: 50, steps: 400, evalEvery: 50, evalSize: 200 },
  // docs/results.md, "Group word problems": S3 words of 8; CoT 1.000 on unseen words by step 250–300 on seeds 1–3 (not tuned on), direct 0.115–0.24 (chance 1/6)
  group: { wordTestLength: 12, layers: 2, dModel: 64, heads: 4, batch: 64, lr: 2e-3, warmup: 50, steps: 400, evalEvery: 50, evalSize: 200 },
  // docs/results.md, "Multiplication": 3 × 3 digits, found on seed 0 (CoT 0.94 on fresh pairs at step 750, direct 0)
  multiply: { layers: 2, dModel: 64, heads: 4, batch: 64, lr: 3e-3, warmup: 50, steps: 1000, evalEvery: 250, evalSize: 200 },
  // docs/results.md, "Your own task from a file": measured on examples/modsum_task.py's file
  file: { layers: 2, dModel: 64, heads: 4, batch: 64, lr: 2e-3, warmup: 50, steps: 400, evalEvery: 50, evalSize: 200 },
};

/**
 * The defaults that differ in earlier link versions, per task (a task not named kept its preset), so that an old
 * link opens the experiment it was made with. The knowledge graph's: version 1 (until December 2026) had λ 7.2,
 * learning rate 1e-3 and 2,000 steps; version 2 (λ 1.8, 1,000 steps) reached the gap in about half the steps but
 * not on every seed; version 3 (λ 2.4, 1,500 steps) held on the twenty seeds it was checked on (docs/results.md,
 * "The default preset, measured").
 */
export const EARLIER_DEFAULTS = {
  1: { kg: { lambda: 7.2, lr: 1e-3, steps: 2000 } },
  2: { kg: { lambda: 1.8, steps: 1000 } },
} as const satisfies Readonly<Record<number, Partial<Record<TaskId, Values>>>>;
