/**
 * Messages between the page and a training worker (one worker per arm). Everything here is plain data
 * (structured-clonable); the worker treats every incoming message as untrusted and checks configs with
 * checkConfig. On the page only src/store imports this file, and only its types (tests/layering.test.ts).
 */
import type { Config } from '../experiment/schema';
import type { MechanismRecord, TraceSummary } from '../experiment/mechanism';
import type { BackendName, ExperimentEvent } from '../experiment/domain';
import type { Arm, MetricRow } from '../experiment/domain';
import type { QueryTruth } from '../tasks/types';
import type { ExampleOption, VocabInfo } from '../data/queries';

export type { QueryTruth } from '../tasks/types';
export type { ExampleOption, VocabInfo } from '../data/queries';

/** A query to inspect: the prompt's token ids, in the task's own vocabulary. */
export interface InspectRequest {
  prompt: number[];
}

export type ToWorker =
  /**
   * `run` numbers the experiment: every message the worker sends carries the run it comes from. `arm`: the one
   * arm this worker trains (the dataset is still generated from the whole config, so every worker's is the
   * same); without it the worker trains the config's arms in lockstep. `record`: the id of the page's run record;
   * the worker then writes its arm's checkpoint to IndexedDB under it after every evaluation (src/runs/checkpoints.ts).
   * `resume`: go on from that record's checkpoint instead of starting at step 0. `taskFile`: the text the config's
   * task is read from (a task file; src/tasks/registry.ts taskSourceOf), checked and loaded before the data.
   */
  | { type: 'init'; config: Config; run: number; arm?: Arm; test?: TestHooks; record?: string; resume?: boolean; taskFile?: string }
  /**
   * `cmd` numbers the page's commands (increasing): each `state` the worker sends carries in `ack` the last one it
   * has acted on, so that a state sent before a command was handled is not taken for its answer.
   */
  | { type: 'play'; cmd?: number }
  | { type: 'pause'; cmd?: number }
  | { type: 'step'; cmd?: number }
  /** A fresh run of the same config, numbered `run`. */
  | { type: 'reset'; run: number }
  | { type: 'inspect'; example: InspectRequest }
  /** Test-only: injects a fault; ignored unless the worker's init had `test.faults` (see TestHooks). */
  | { type: 'fault'; fault: Fault };

/**
 * Faults the tests inject (tests/e2e/faults.test.ts; a lost device: cli/sessionGpuFault.test.ts), each the real failure or the closest a page can
 * cause on purpose: 'nan' poisons the arm's weights with NaN (its next losses are NaN, as in a divergence);
 * 'crash' throws an uncaught error in the worker (the page sees the worker's error event, as when it runs out of
 * memory); 'device-lost' destroys the worker's WebGPU device; 'gpu-error' causes an uncaptured WebGPU
 * validation error.
 */
export type Fault = 'nan' | 'crash' | 'device-lost' | 'gpu-error';
export const FAULTS: readonly Fault[] = ['nan', 'crash', 'device-lost', 'gpu-error'];

/**
 * Test hooks of a run. The page sends them only when a test set `globalThis.__COT_TEST_HOOKS__` before the
 * page's scripts ran (playwright's addInitScript); no link, setting or stored value can, so users never see them.
 */
export interface TestHooks {
  /** Honour `fault` messages. */
  faults?: boolean;
  /** Added to the first gradient of the backend self-check's result: a mismatch against the reference. */
  selfCheckError?: number;
}

export interface AttentionMessage {
  type: 'attention';
  arm: Arm;
  step: number;
  /** Input tokens the model read (ids) and their names. */
  tokens: number[];
  labels: string[];
  /** True when the sequence is prompt + true target (teacher-forced); false when it is the model's own greedy output. */
  teacherForced: boolean;
  layers: number;
  heads: number;
  /** Weights [layers, heads, T, T], row = query position, column = key position. */
  weights: Float32Array;
  /** The model's greedy continuation of the prompt (names), and whether it equals the truth. */
  generated: string[];
  correct: boolean | null;
  truth: QueryTruth;
}

/** A result the single-query lens follows: one of the query's intermediate results (in order), or its answer. */
export interface LensTracked {
  token: number;
  /** The task's name of the intermediate result (`TaskSpec.intermediates`; 'step k' when the query has another count than the task's), or 'answer'. */
  name: string;
  /** In words: the task's label of the result, then the token's name. */
  label: string;
  role: 'step' | 'answer';
  /** Position of the read sequence where the arm must say it (the task's emit position); absent when the query is not of the task's layout. */
  position?: number;
}
export interface LensMessage {
  type: 'lens';
  arm: Arm;
  step: number;
  tokens: number[];
  labels: string[];
  tracked: LensTracked[];
  /** Rows: embedding + each block (layers + 1). */
  rows: number;
  /** Rank (0 = top) of each tracked token: [tracked, rows, T]. */
  ranks: Int32Array;
  /** Probability of each tracked token: [tracked, rows, T]. */
  probs: Float32Array;
  /** The lens' top-1 token name per cell: [rows, T]. */
  top: string[];
  /** Causal tracing of this one query against the task's counterfactual of it (teacher-forced queries of the task's layout with one). */
  trace?: TraceSummary[];
}

export type FromWorker =
  /**
   * `threads` (wasm): how many threads the arm's GEMMs use, e.g. '2 threads', '1 thread (page not cross-origin
   * isolated)', and `gemmThreads` that count; `adapter`: the WebGPU adapter in Node, as its driver names it.
   */
  | { type: 'backend'; backend: BackendName; fallbacks: string[]; threads?: string; gemmThreads?: number; adapter?: AdapterInfo }
  | ExperimentEvent
  | { type: 'progress'; step: number; running: boolean }
  /** `config`: the checked config as asked for (its `arms` not narrowed to the worker's arm); `hash`: the dataset's. */
  | { type: 'examples'; vocab: VocabInfo; examples: ExampleOption[]; config: Config; hash: string }
  | { type: 'notice'; messages: string[] }
  | AttentionMessage
  | LensMessage
  /** The arm's aggregated logit lens and causal tracing after an evaluation (src/worker/mechanismWatch.ts). */
  | { type: 'mechanism'; record: MechanismRecord }
  | { type: 'error'; message: string }
  /**
   * The arm's checkpoint at `step` is saved (or, with `problem`, could not be: `kind` as src/runs/db.ts
   * StorageProblem's, `text` a sentence for a notice).
   */
  | { type: 'checkpoint'; arm: Arm; step: number; problem?: { kind: 'quota' | 'unavailable' | 'other'; text: string } }
  /**
   * The arm went on from its checkpoint at `step`, with the rows it was saved with (`history`); or, with
   * `problem`, could not (the checkpoint is missing or refused) and starts again at step 0.
   */
  | { type: 'resumed'; arm: Arm; step: number; history: MetricRow[]; problem?: string }
  /**
   * tfjs memory of the worker at a quiet point of training (after a loss readback, not at an evaluation);
   * `inspecting`: a look inside was in flight (its tensors are counted).
   */
  | { type: 'memory'; step: number; numTensors: number; numBytes: number; inspecting: boolean }
  /**
   * A run of training ended (paused, stopped or finished), after what it measured was sent: the arm's step and
   * its training speed (steps/s, evaluation excluded).
   */
  | { type: 'trained'; arm: Arm; step: number; stepsPerSec: number };

/** A WebGPU adapter (in Node: cli/nodeWebgpu.ts): "SwiftShader driver 5.0.0 (google swiftshader)"; `software`: a CPU emulation. */
export interface AdapterInfo {
  name: string;
  software: boolean;
}

/** What actually crosses the thread boundary: a message and the run it belongs to. */
/** A message as sent: its run; a `state` also the last command acted on (`cmd` of play, pause, step). */
export type FromWorkerTagged = FromWorker & { run: number; ack?: number };
