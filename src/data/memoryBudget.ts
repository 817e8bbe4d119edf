/**
 * How much memory training a config needs, estimated without tfjs (so the page can refuse a model too big for
 * the machine before any worker allocates it, and the CLI before tfjs loads). One arm (one worker) holds:
 *
 * - state: the weights, the two AdamW moments and the optimiser's decay mask (4 float32 per parameter);
 * - the step's transients: the gradients and the optimiser's outputs before they replace the state
 *   (4 float32 per parameter on the fused wasm path; 12 on the plain-tfjs path, whose update is ~20 ops on
 *   flattened copies);
 * - activations: what forward keeps for backward at batch × sequence length tokens (per block: the layer
 *   norms, q|k|v, the attention scores and probabilities, the MLP's hidden layer before and after GELU, the
 *   residuals; then the logits and their softmax), plus as much again for the gradients flowing back. The
 *   plain-tfjs path (webgpu, webgl, cpu) keeps every op's inputs and outputs on the tape: 4× the fused path's.
 *
 * Checked against tf.profile's peak bytes of one real training step (src/train/budget.test.ts; four configs from 15 k
 * to 2.8 M parameters): fused 0.96–1.18× the measured peak on wasm, reference 1.0–1.2× on cpu.
 * `parameterCountOf` is exact.
 */
import { taskOf } from '../tasks/registry';
import type { Config } from '../experiment/schema';

/** Context of the model (its position embeddings): the task's, for any config of it (part of the weights). */
export const modelContextOf = (c: Config): number => taskOf(c).contextLength(c);
/**
 * Tokens a training sequence of the CoT arm reads (the longer of the two arms): its teacher-forced positions,
 * prompt and continuation without the final </a> (the task's, e.g. h r1 r2 b t).
 */
export const cotInputLength = (c: Config): number => Math.max(taskOf(c).positions(c, true).length, taskOf(c).positions(c, false).length);

/** Tokens of a config's vocabulary, without generating its data (the task's `vocabSize`). */
export const vocabSizeOf = (c: Config): number => taskOf(c).vocabSize(c);

const F32 = 4;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/**
 * What one browser worker (one arm) may use: 2 GiB. The wasm backend's heap is a 32-bit WebAssembly memory,
 * at most 4 GiB (tfjs-backend-wasm's getHeapMax: 4,294,901,760 bytes), and it grows by reallocation, so a
 * heap near the cap can fail to grow; two arms train in two workers of one tab, so 2 GiB each is 4 GiB for
 * the tab, about what a tab on an 8 GiB laptop (or a 32-bit browser, or a phone) can count on without the
 * browser killing it. WebGPU/WebGL buffers have no portable limit to ask for; the same figure is used.
 */
export const BROWSER_WORKER_BUDGET = 2 * GiB;
/** The wasm backend's hard ceiling (one WebAssembly memory), for the CLI where both arms share one heap. */
export const WASM_HEAP_MAX = 4_294_901_760;

/** Parameters of the model of a config (src/model/gpt.ts initWeights; tied embeddings). */
export function parameterCountOf(c: Config): number {
  const d = c.dModel;
  const h = c.mlpRatio * d;
  const block = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * h + h) + (h * d + d);
  return vocabSizeOf(c) * d + modelContextOf(c) * d + c.layers * block + 2 * d;
}

export interface MemoryEstimate {
  parameters: number;
  /** Weights, AdamW moments, decay mask. */
  stateBytes: number;
  /** Gradients and the optimiser's outputs during a step. */
  updateBytes: number;
  /** Forward activations kept for backward, and their gradients. */
  activationBytes: number;
  /** All of it: what one arm (one worker) needs at the peak of a training step. */
  totalBytes: number;
}

/**
 * Which implementation trains: 'fused' (our wasm kernels, the wasm backend) or 'reference' (plain tfjs ops:
 * webgpu, webgl, cpu). `auto` counts as reference: on a machine with a GPU it picks webgpu or webgl.
 */
export type TrainingPath = 'fused' | 'reference';
export const pathOf = (backend: Config['backend']): TrainingPath => (backend === 'wasm' ? 'fused' : 'reference');

/** The memory one arm needs to train `c` (at the peak of a step). */
export function estimateTrainingMemory(c: Config, path: TrainingPath = 'fused'): MemoryEstimate {
  const parameters = parameterCountOf(c);
  const d = c.dModel;
  const T = cotInputLength(c);
  const tokens = c.batch * T;
  const V = vocabSizeOf(c);
  // per token and block: ln1 out, q|k|v, heads' outputs, wOut out, residual, ln2 out, MLP up and GELU, down,
  // residual (≈ (10 + 2m)·d), and the attention scores and probabilities (2 · heads · T)
  const perBlock = (10 + 2 * c.mlpRatio) * d + 2 * c.heads * T;
  // embedding out, final LN, logits, softmax and their gradient (3 · V)
  const forwardFloats = tokens * (c.layers * perBlock + 3 * d + 3 * V);
  const reference = path === 'reference';
  const activationBytes = (reference ? 8 : 2) * forwardFloats * F32;
  const stateBytes = 4 * parameters * F32;
  const updateBytes = (reference ? 12 : 4) * parameters * F32;
  return { parameters, stateBytes, updateBytes, activationBytes, totalBytes: stateBytes + updateBytes + activationBytes };
}

/** "5.1 GiB", "2 GiB", "457 MiB". */
export const formatGiB = (bytes: number): string =>
  bytes >= GiB ? `${(bytes / GiB).toFixed(1).replace(/\.0$/, '')} GiB` : `${Math.max(1, Math.round(bytes / MiB))} MiB`;

export interface BudgetCheck {
  ok: boolean;
  estimate: MemoryEstimate;
  budgetBytes: number;
  /** The parameters to lower, largest share first (activations: batch, dModel; state: dModel, layers). */
  lower: string[];
  /** Plain text: "estimated 5.1 GiB for training, above the 2 GiB a browser tab can count on; lower batch or dModel". */
  message: string;
}

/** What to lower: the keys that drive the larger part of the estimate. */
function whatToLower(e: MemoryEstimate, c: Pick<Config, 'layers'>): string[] {
  const activations = e.activationBytes >= e.stateBytes + e.updateBytes;
  if (activations) return ['batch', 'dModel'];
  return c.layers > 1 ? ['dModel', 'layers'] : ['dModel', 'mlpRatio'];
}

/**
 * Checks an estimate against a budget. `where` names the budget in the message ("a browser tab can count on",
 * "the wasm heap holds").
 */
export function checkBudget(
  c: Config,
  budgetBytes = BROWSER_WORKER_BUDGET,
  where = 'a browser tab can count on',
  estimate = estimateTrainingMemory(c),
): BudgetCheck {
  const lower = whatToLower(estimate, c);
  const ok = estimate.totalBytes <= budgetBytes;
  const message = ok
    ? `estimated ${formatGiB(estimate.totalBytes)} for training, within the ${formatGiB(budgetBytes)} ${where}`
    : `estimated ${formatGiB(estimate.totalBytes)} for training, above the ${formatGiB(budgetBytes)} ${where}; lower ${lower.join(' or ')}`;
  return { ok, estimate, budgetBytes, lower, message };
}

/** The page's check: one arm per worker, on the path of the config's backend, against BROWSER_WORKER_BUDGET; none for data that cannot be built. */
export function checkBrowserBudget(c: Config): BudgetCheck {
  const where = 'a browser tab can count on';
  const check = checkBudget(c, BROWSER_WORKER_BUDGET, where, estimateTrainingMemory(c, pathOf(c.backend)));
  // a config whose data cannot be built (too large, or a task file not loaded) does not start either
  const unbuilt = taskOf(c).tooLarge(c);
  if (unbuilt) return { ...check, ok: false, message: unbuilt.replace(/\.$/, '') };
  if (check.ok || pathOf(c.backend) === 'fused') return check;
  // the fused wasm path needs much less: say so when it would fit
  const wasm = estimateTrainingMemory(c, 'fused');
  if (wasm.totalBytes > BROWSER_WORKER_BUDGET) return check;
  return { ...check, message: `${check.message}, or set Backend to wasm (estimated ${formatGiB(wasm.totalBytes)} there)` };
}

/**
 * The CLI's estimate: both arms train in one process, in lockstep (one arm's step at a time), so both arms'
 * state plus one step's transients (counted for the CoT arm, the longer sequences, for both).
 */
export function estimateLockstepMemory(c: Config, arms: number, path: TrainingPath): MemoryEstimate {
  const one = estimateTrainingMemory(c, path);
  const stateBytes = arms * one.stateBytes;
  return { ...one, stateBytes, totalBytes: stateBytes + one.updateBytes + one.activationBytes };
}
