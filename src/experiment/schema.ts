/**
 * Every parameter of an experiment, in one declarative table (after TensorFlow Playground's state.ts).
 * The table drives the controls in the UI, the link (URL query), validation and the CLI: an experiment *is*
 * its link. Keys here are the keys used in links; keep them stable.
 */
import type { Param } from './paramTypes';
import { TASK_IDS, TASK_PARAMS, TASK_PRESETS, type TaskId } from '../tasks/params';

export type { EnumParam, FloatParam, HexParam, IntParam, Param, ParamGroup } from './paramTypes';

export const NOISE_KINDS = ['t', 'b', 'both'] as const;
export const ARMS_OPTIONS = ['both', 'cot', 'direct'] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];
export type ArmsOption = (typeof ARMS_OPTIONS)[number];
export type BackendChoice = (typeof BACKENDS)[number];

export const PARAMS = [
  // ---- data: the task, then what every task shares (each task's own parameters are in src/tasks/<id>/params.ts)
  {
    key: 'task',
    group: 'data',
    type: 'enum',
    default: 'kg',
    options: TASK_IDS,
    label: 'Task',
    hint: 'The reasoning distribution: what the model is asked and which intermediate steps the CoT arm writes.',
  },
  {
    key: 'seed',
    group: 'data',
    type: 'int',
    default: 0,
    min: 0,
    max: 999_999,
    label: 'Seed',
    hint: "Seeds the task's data, the splits, the noise, the initial weights and the batch order.",
  },
  {
    key: 'noise',
    group: 'data',
    type: 'float',
    default: 0,
    min: 0,
    max: 0.9,
    step: 0.01,
    label: 'CoT noise ξ',
    hint: 'Probability that a training example with intermediate steps is corrupted (both arms see the same corrupted examples). Test data is always clean.',
  },
  {
    key: 'noiseKind',
    group: 'data',
    type: 'enum',
    default: 't',
    options: NOISE_KINDS,
    label: 'Noise kind',
    hint: 't: the final answer is replaced; b: one intermediate step is replaced (the CoT arm sees it; the direct arm never writes steps); both: both are.',
  },
  {
    key: 'cotShare',
    group: 'data',
    type: 'float',
    default: 1,
    min: 0,
    max: 1,
    step: 0.01,
    label: 'CoT share',
    hint: 'CoT arm only: share of the training examples with intermediate steps that carry them; the rest are answer-only. A fixed subset chosen by the seed. 1 = all (the paper).',
  },
  {
    key: 'evalSize',
    group: 'data',
    type: 'int',
    default: 500,
    min: 50,
    max: 2000,
    step: 50,
    label: 'Eval size',
    hint: 'Queries evaluated per split (a fixed random sample when a split is larger).',
  },
  ...TASK_PARAMS,
  // ---- model: a GPT-style decoder
  { key: 'layers', group: 'model', type: 'int', default: 4, min: 1, max: 24, label: 'Layers', hint: 'Transformer blocks (attention + MLP).' },
  { key: 'heads', group: 'model', type: 'int', default: 4, min: 1, max: 16, label: 'Heads', hint: 'Attention heads per layer; must divide the model width.' },
  { key: 'dModel', group: 'model', type: 'int', default: 128, min: 16, max: 1024, step: 16, label: 'Width d_model', hint: 'Size of the residual stream.' },
  { key: 'mlpRatio', group: 'model', type: 'int', default: 4, min: 1, max: 8, label: 'MLP ratio', hint: 'Hidden width of each MLP as a multiple of d_model.' },
  {
    key: 'dropout',
    group: 'model',
    type: 'float',
    default: 0,
    min: 0,
    max: 0.5,
    step: 0.05,
    label: 'Dropout',
    hint: 'Dropout on attention weights and residual branches during training.',
  },
  // ---- training
  {
    key: 'lr',
    group: 'training',
    type: 'float',
    default: 2e-3,
    min: 1e-5,
    max: 1e-2,
    step: 1e-5,
    log: true,
    label: 'Learning rate',
    hint: 'Peak AdamW learning rate (reached after warm-up, then constant).',
  },
  {
    key: 'warmup',
    group: 'training',
    type: 'int',
    default: 100,
    min: 0,
    max: 100_000,
    step: 10,
    label: 'Warm-up steps',
    hint: 'Steps of linear learning-rate warm-up.',
  },
  {
    key: 'lrSchedule',
    group: 'training',
    type: 'enum',
    default: 'cosine',
    options: LR_SCHEDULES,
    label: 'LR schedule',
    hint: 'After warm-up: constant (as in the paper) or cosine decay to 10% of the peak by the last step (steadier late curves).',
  },
  {
    key: 'weightDecay',
    group: 'training',
    type: 'float',
    default: 0.1,
    min: 0,
    max: 1,
    step: 0.01,
    label: 'Weight decay',
    hint: 'Decoupled AdamW weight decay, on matrices and embeddings only.',
  },
  { key: 'batch', group: 'training', type: 'int', default: 256, min: 8, max: 1024, step: 8, label: 'Batch size', hint: 'Training sequences per step.' },
  { key: 'steps', group: 'training', type: 'int', default: 1500, min: 1, max: 1_000_000, step: 100, label: 'Steps', hint: 'Training steps per arm.' },
  {
    key: 'evalEvery',
    group: 'training',
    type: 'int',
    default: 100,
    min: 1,
    max: 100_000,
    step: 10,
    label: 'Evaluate every',
    hint: 'Steps between evaluations on the splits of the task.',
  },
  {
    key: 'evalEarly',
    group: 'training',
    type: 'enum',
    default: 'on',
    options: ['on', 'off'],
    label: 'Early evaluations',
    hint: 'on: also evaluate at steps 10, 20, 40, … (on 100 queries per split) before the first regular evaluation, so the curves start at once.',
  },
  {
    key: 'clip',
    group: 'training',
    type: 'float',
    default: 1,
    min: 0,
    max: 10,
    step: 0.1,
    label: 'Gradient clip',
    hint: 'Global gradient-norm clipping (0 turns it off).',
  },
  // ---- the RL stage after SFT (src/train/rl.ts): GRPO on the training pool's multi-step prompts, reward on the final answer
  {
    key: 'rlSteps',
    group: 'training',
    type: 'int',
    default: 0,
    min: 0,
    max: 100_000,
    step: 100,
    label: 'RL steps',
    hint: 'After the SFT steps, this many steps of RL (GRPO) on multi-step prompts of the training pool: the model samples its own continuations and is rewarded when the answer before </a> is right. 0 = off.',
  },
  {
    key: 'rlLr',
    group: 'training',
    type: 'float',
    default: 1e-4,
    min: 1e-6,
    max: 1e-2,
    step: 1e-6,
    log: true,
    label: 'RL learning rate',
    hint: 'Constant AdamW learning rate of the RL stage (a fresh optimiser; weight decay and clipping as in SFT).',
  },
  {
    key: 'rlSamples',
    group: 'training',
    type: 'int',
    default: 8,
    min: 2,
    max: 64,
    label: 'Samples per prompt',
    hint: 'Continuations sampled per prompt: the group whose mean and spread normalise the rewards (GRPO). Prompts per step = Batch size / this.',
  },
  {
    key: 'rlTemperature',
    group: 'training',
    type: 'float',
    default: 1,
    min: 0,
    max: 2,
    step: 0.05,
    label: 'Sampling temperature',
    hint: "Temperature of the sampled continuations (1 = the model's own distribution; 0 = greedy, no exploration).",
  },
  {
    key: 'rlKl',
    group: 'training',
    type: 'float',
    default: 0.04,
    min: 0,
    max: 1,
    step: 0.01,
    label: 'KL penalty β',
    hint: 'Weight of the KL divergence from the model as SFT left it (a frozen copy); 0 = off. GRPO (DeepSeekMath) used 0.04.',
  },
  // ---- run
  {
    key: 'arms',
    group: 'run',
    type: 'enum',
    default: 'both',
    options: ARMS_OPTIONS,
    label: 'Arms',
    hint: 'Train the CoT arm, the direct (answer-only) arm, or both side by side on the same data.',
  },
  {
    key: 'backend',
    group: 'run',
    type: 'enum',
    default: 'auto',
    options: BACKENDS,
    label: 'Backend',
    hint: 'Where tensors are computed. auto tries webgpu, webgl, wasm, cpu in turn.',
  },
] as const satisfies readonly Param[];

type ParamTable = typeof PARAMS;
type ValueOf<P> = P extends { type: 'enum'; options: readonly (infer V)[] } ? V : P extends { type: 'hex' } ? string : number;
/** The experiment: one value per parameter. */
export type Config = { [P in ParamTable[number] as P['key']]: ValueOf<P> };
export type ParamKey = keyof Config;

export const PARAM_BY_KEY: Record<ParamKey, Param> = Object.fromEntries(PARAMS.map((p) => [p.key, p])) as Record<ParamKey, Param>;

export const DEFAULT_CONFIG: Config = Object.fromEntries(PARAMS.map((p) => [p.key, p.default])) as Config;

export type { TaskId } from '../tasks/params';
/** The defaults of a task: the table's, with the task's measured preset over them (`task=<id>` alone opens it). */
export function taskDefaults(task: TaskId): Config {
  return { ...DEFAULT_CONFIG, ...TASK_PRESETS[task], task } as Config;
}
/** Whether a parameter is one of the task's (every task has the parameters that name no task). */
export const paramApplies = (p: Param, task: string): boolean => p.task === undefined || p.task === task;
/** The parameters of a task, in table order. */
export const paramsOf = (task: string): Param[] => (PARAMS as readonly Param[]).filter((p) => paramApplies(p, task));

/**
 * Version of the link format; bump when a key changes meaning or a default changes (a link holds only the
 * non-default values, so a link of an earlier version is read with that version's defaults: EARLIER_DEFAULTS).
 */
export const LINK_VERSION = 3;

/** The defaults that differ in earlier link versions, per task: src/tasks/params.ts. */
export { EARLIER_DEFAULTS } from '../tasks/params';
