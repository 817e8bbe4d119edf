/**
 * The contract between a reasoning task and everything else. A task is one folder (src/tasks/<id>/) that
 * exports one `TaskSpec`; the trainer, the evaluation, the lens and tracing, the worker, the stores, the views
 * and the CLI read a task only through this file's types. They never name a task's concepts: splits,
 * intermediate results and position roles are data the task hands on.
 */
import type { Config } from '../experiment/schema';

/** Token ids 0 … size − 1 with their names; `eos` ends every answer, `pad` fills short sequences. */
export interface TokenVocab {
  size: number;
  eos: number;
  pad: number;
  /** Name of each token id (index = id). */
  names: readonly string[];
}

export const tokenName = (v: Pick<TokenVocab, 'names'>, id: number): string => (Number.isInteger(id) && id >= 0 && id < v.names.length ? v.names[id] : '?');

/** A training sequence: prompt + continuation (loss is taken on the continuation only). */
export interface Sequence {
  tokens: number[];
  promptLength: number;
}

/** One evaluation query. */
export interface EvalItem {
  prompt: number[];
  /** The CoT arm's continuation up to and including </a>: intermediate results, answer, </a>. */
  target: number[];
  /** The direct arm's continuation: answer, </a>. Same as `target` where the query has no intermediate steps. */
  directTarget: number[];
  /** The answer span (one or more tokens): what the final answer is judged on. */
  answer: number[];
  /** The intermediate results the CoT arm writes before the answer, in order (empty where there are none). */
  steps: number[];
}

/**
 * What a split is for. `headline`: the split the page, the status line and the gap read (CoT must reach it,
 * direct must not); `prerequisite`: what the direct arm must know before its low headline accuracy says it
 * cannot compose (the informed gap); `train` / `test`: the rest.
 */
export type SplitRole = 'headline' | 'prerequisite' | 'train' | 'test';

export interface SplitSpec {
  id: string;
  label: string;
  role: SplitRole;
  /** Accuracy of guessing the answer (e.g. 0.5 for a yes/no answer); absent: 0. The gap allows the direct arm this much. */
  chance?: number;
}

export interface EvalSplit extends SplitSpec {
  items: EvalItem[];
}

/** An intermediate result the task names (e.g. a bridge entity, a running parity), by its index in `EvalItem.steps`. */
export interface IntermediateSpec {
  /** Short name used in reports and charts (e.g. 'b1', 'p3'). */
  name: string;
  label: string;
}

/** A generated dataset, task-neutral: what the model, the trainer and the reports see. */
export interface Dataset {
  task: string;
  vocab: TokenVocab;
  /** Positions the model must hold: the longest training or evaluation sequence of either arm. */
  contextLength: number;
  /** Training sequences of each arm, in the order the sampler draws from. */
  train: { cot: Sequence[]; direct: Sequence[] };
  /** Evaluation splits (same queries for both arms), in display order. */
  splits: EvalSplit[];
  /** Clean training queries with intermediate steps: the prompts RL samples from (their truth as EvalItems). */
  rlItems: EvalItem[];
  /** Sizes and counts worth reporting (the CLI's report, the export's README), by name. */
  stats: Record<string, number>;
  /** What the dataset hash covers (the task decides, so that its hashes stay stable across refactors). */
  hashBody: unknown;
  /** The task's own view of its data (for its preview, inspector truth and counterfactuals); opaque elsewhere. */
  detail: unknown;
}

// ------------------------------------------------------------------ the designer's preview
// What the designer draws of a dataset: plain data, computed in the preview worker and posted to the page, so
// that the page draws any task's preview without knowing the task. Every string is plain text.

/**
 * A token of a preview sample. `part`: given to the model (prompt) or written by it (an intermediate step, the
 * answer, the closing </a>); the loss is only on what it writes.
 */
export interface PreviewChip {
  text: string;
  part: 'prompt' | 'step' | 'answer' | 'eos';
  /** The token's family, for its colour: values (e.g. entities, bits), operators (relations, '='), special tokens. */
  tone: 'value' | 'operator' | 'special';
  /** Replaced by noise in the training data (drawn struck through). */
  corrupted?: boolean;
  /** A tooltip naming what the token is (e.g. 'bridge entity'). */
  title?: string;
}

/** One sequence, with where it comes from (a badge such as 'train' or 'OOD test'). */
export interface PreviewSample {
  source: string;
  /** Drawn in the highlight colour, the prompt dashed: the queries the experiment is about (e.g. OOD test). */
  highlight?: boolean;
  chips: PreviewChip[];
}

/** Single sequences in a row, the same for both arms (e.g. atomic facts). */
export interface PreviewList {
  layout: 'list';
  title: string;
  note: string;
  samples: PreviewSample[];
}

/** A row of the arms table: the same query in both formats, or (direct null) a note beside one CoT sequence. */
export interface PreviewRow {
  source: string;
  highlight?: boolean;
  direct: PreviewChip[] | null;
  cot: PreviewChip[];
  /** Shown in the direct column when `direct` is null (e.g. what a noisy example is). */
  note?: string;
}

/** The same queries in the direct and the CoT format, side by side. */
export interface PreviewArms {
  layout: 'arms';
  /** For screen readers: what the table holds. */
  caption: string;
  direct: { title: string; note: string };
  cot: { title: string; note: string };
  rows: PreviewRow[];
}

export type PreviewGroup = PreviewList | PreviewArms;

/** A count in the preview's grid (split sizes, vocabulary). */
export interface PreviewSize {
  label: string;
  value: number;
  /** After the value, e.g. 'tokens'. */
  unit?: string;
  /** A smaller line under the value, e.g. '= 1,700 ID + 300 OOD'. */
  detail?: string;
  /** Drawn in the highlight colour (the headline split). */
  highlight?: boolean;
}

/**
 * How a pool of queries divides, drawn as one bar. Tones: 'train', 'test', 'headline' (the headline split),
 * 'unused' (hatched), 'dropped'.
 */
export interface PreviewBar {
  caption: string;
  total: number;
  parts: { label: string; value: number; tone: 'train' | 'test' | 'headline' | 'unused' | 'dropped' }[];
}

/**
 * A small node-link picture (e.g. the knowledge graph around one test query): the chain of the highlighted query
 * in a row, other nodes fanned out above it.
 */
export interface PictureNode {
  id: number;
  label: string;
  /** Position on the highlighted chain (0 = first), or −1 off it. */
  chain: number;
  /** Under a chain node: its role (e.g. 'head', 'bridge', 'answer'). */
  role?: string;
  /** An intermediate step of the chain (drawn in the step colour). */
  step?: boolean;
}
export interface PictureEdge {
  from: number;
  to: number;
  label: string;
  /** On the highlighted chain (drawn heavier). */
  chain: boolean;
  /** Drawn dashed in the highlight colour (e.g. an OOD fact). */
  highlight: boolean;
}
export interface TaskPicture {
  nodes: PictureNode[];
  edges: PictureEdge[];
  /** What the picture shows, for screen readers. */
  title: string;
  /** The names of the two kinds of edges. */
  legend: { highlight: string; plain: string };
  /** The caption after the legend, in parts (`code`: set in monospace, e.g. a query). */
  caption: { text: string; code?: boolean }[];
}

/** The designer's preview of a dataset. */
export interface TaskPreview {
  /** Counts in a grid, in order. */
  sizes: PreviewSize[];
  bar?: PreviewBar;
  /** Problems with the data as designed (e.g. an empty headline split), shown as warnings. */
  warnings: string[];
  /** Plain sentences under the sizes. */
  notes: string[];
  picture?: TaskPicture;
  /** Sample sequences, in order. */
  groups: PreviewGroup[];
  /** What the chips' colours mean: example chips, then a sentence. */
  legend: { chips: PreviewChip[]; text: string };
}

/** What the inspector says about a query the user picked or typed. */
export interface QueryTruth {
  /** True continuation of the CoT arm (steps, answer, </a>); null when the query has no answer in the data. */
  cotTarget: number[] | null;
  directTarget: number[] | null;
  steps: number[];
  answer: number[] | null;
  /** Where the query comes from, in words (e.g. 'train', 'OOD test'). */
  kind: string;
}

/** A reading of one sampled continuation for RL's reward (src/train/rl.ts). */
export interface Judgement {
  /** 1: well formed and the answer span is right; else 0. */
  reward: 0 | 1;
  wellFormed: boolean;
  /** Well formed and wrote intermediate steps before the answer. */
  cot: boolean;
  /** Wrote steps, and every step written is right (in order). */
  stepsRight: boolean;
  /** Tokens the update scores: up to and including the first </a>; all when there is none. */
  length: number;
}

/** A task's one-click preset (the designer's recipes): the keys it sets, and what was measured with it. */
export interface TaskRecipe {
  /** Stable: the button's test id is `recipe-<id>`. */
  id: string;
  label: string;
  /** What it sets and what was measured with it (the button's tooltip). */
  title: string;
  preset: Partial<Config>;
}

export interface TaskSpec {
  id: string;
  label: string;
  /** One line: what the task is and what CoT adds there (the designer's picker). */
  description: string;
  /** A short explanation for the page (plain text paragraphs). */
  explanation: string[];
  /** What else to look for in this task's runs (plain text; each a claim the README's measurements back). */
  lookFor: string[];
  /** The work the task follows, linked from the explanation. */
  source: { text: string; href: string };
  /** The task's own parameter keys (shown by the designer only for this task). */
  params: readonly string[];
  /** The evaluation splits a config produces, in display order (ids stable: they key reports). */
  splits(config: Config): SplitSpec[];
  /** The intermediate results the CoT arm writes, in order. */
  intermediates(config: Config): IntermediateSpec[];
  /** Tokens in the vocabulary of a config's datasets (known before generating: the budget check uses it). */
  vocabSize(config: Config): number;
  /** Positions the model needs for any config of this task (the model's context; part of its weights). */
  contextLength(config: Config): number;
  /** A pure, seeded generator: same config → same dataset. Throws RangeError on a config too large to generate. */
  generate(config: Config): Dataset;
  /** Why a config cannot be generated (too large), or null: checked before `generate`, in the page and the CLI. */
  tooLarge(config: Config): string | null;
  /**
   * Roles of the teacher-forced sequence's positions (prompt and continuation without the final </a>) of the
   * headline queries, e.g. ['h', 'r1', 'r2', 'b', 't'].
   */
  positions(config: Config, cot: boolean): string[];
  /**
   * The position of that sequence whose next token is intermediate k (k = steps.length: the answer's first
   * token). For the direct arm, which never writes the steps, the position where step k would have to be
   * computed to be used.
   */
  emitPosition(config: Config, cot: boolean, k: number): number;
  /** Judges one sampled continuation of an RL item (`rl.ts`). */
  judge(continuation: ArrayLike<number>, item: EvalItem, vocab: TokenVocab): Judgement;
  /**
   * A counterfactual of a headline query for causal tracing: a query of the same length and roles whose
   * intermediate results and answer differ; null where there is none.
   */
  counterfactual(data: Dataset, item: EvalItem, rng: () => number): EvalItem | null;
  /** The designer's preview of a dataset. */
  preview(data: Dataset, config: Config): TaskPreview;
  /** The inspector's queries to offer (a few per test split) and the truth of any prompt. */
  examples(data: Dataset, perSplit: number): { split: string; prompt: number[] }[];
  truth(data: Dataset, prompt: number[]): QueryTruth;
  /** Parses a typed prompt ("e3 r1 r4", "0 1 1 0"); a message when it cannot. */
  parsePrompt(data: Pick<Dataset, 'vocab' | 'contextLength'>, text: string): number[] | string;
  /** The task's own recipes, offered beside the general ones (src/views/design/RecipePresets.tsx). */
  recipes?: readonly TaskRecipe[];
}
