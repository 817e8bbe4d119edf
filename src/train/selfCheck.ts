/**
 * A backend self-check: one forward and backward pass of a tiny model (the real one: gpt.ts, with the ops the
 * backend will train with) on a small fixed batch, on the chosen backend and on a reference backend (cpu:
 * plain JavaScript float32), compared. A GPU backend whose kernels are wrong on this machine (a driver bug, a
 * half-precision WebGL, a broken shader) gives a mismatch far above float32 round-off; the worker then trains
 * on wasm and says why. Cheap: ~0.2 M multiply-adds, one batched readback per backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../experiment/domain';
import { allVariables, createModel, disposeWeights, forward, maskedCrossEntropy, type Model, type ModelConfig } from '../model/gpt';

/**
 * Largest accepted difference, relative to the largest magnitude of the reference (per quantity: loss, logits,
 * gradients). float32 round-off on this model, with a different summation order and other exp/tanh
 * approximations, is ~1e-6–1e-5 (wasm kernels vs cpu: see selfCheck.test.ts); half precision (~1e-3) and broken
 * kernels are above.
 */
export const SELF_CHECK_TOLERANCE = 1e-3;

// Every activation has more than 1,000 elements: tfjs-webgpu runs smaller ops on the CPU (its
// WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD), which would check the CPU instead of the GPU's kernels.
const MODEL: ModelConfig = { vocabSize: 40, maxLength: 8, layers: 1, heads: 2, dModel: 32, mlpRatio: 2, dropout: 0, seed: 1 };
const BATCH = 8;
const TIME = 6;

/** Fixed inputs and labels (−1: no loss at that position, as for a prompt). */
function batch(): { inputs: Int32Array; labels: Int32Array } {
  const inputs = new Int32Array(BATCH * TIME);
  const labels = new Int32Array(BATCH * TIME);
  for (let i = 0; i < inputs.length; i++) {
    inputs[i] = (i * 7 + 3) % (MODEL.vocabSize - 1);
    labels[i] = i % TIME < 2 ? -1 : (i * 5 + 1) % MODEL.vocabSize;
  }
  return { inputs, labels };
}

/** A fixed value in ±0.25 for element k of variable v (the same on every backend; no random kernels). */
const fixedValue = (v: number, k: number) => 0.25 * Math.sin(1.7 * k + 0.37 * v + 0.1 * k * v);

export type SelfCheckQuantity = 'loss' | 'logits' | 'gradients';
export interface SelfCheckResult {
  backend: BackendName;
  reference: BackendName;
  ok: boolean;
  /** Largest relative difference found, and in what. */
  error: number;
  worst: SelfCheckQuantity;
  tolerance: number;
}

export interface SelfCheckOptions {
  reference?: BackendName;
  tolerance?: number;
  /** Changes the checked backend's results before the comparison (tests inject a mismatch with it). */
  perturb?: (values: Float32Array) => void;
}

/** Loss, logits and every gradient, flattened into one array (one readback), on the current backend. */
async function runOnce(): Promise<{ values: Float32Array; sizes: number[] }> {
  // the op path the backend trains with (our kernels on wasm, plain tfjs ops elsewhere)
  let model!: Model;
  tf.tidy(() => {
    model = createModel(MODEL); // the initial values are released, the variables kept
  });
  const weights = model.weights;
  try {
    const vars = allVariables(weights);
    vars.forEach((v, i) => {
      const data = Float32Array.from({ length: v.size }, (_, k) => fixedValue(i, k));
      tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
    });
    const { inputs, labels } = batch();
    let sizes: number[] = [];
    const flat = tf.tidy(() => {
      const x = tf.tensor2d(inputs, [BATCH, TIME], 'int32');
      const y = tf.tensor2d(labels, [BATCH, TIME], 'int32');
      let logits!: tf.Tensor;
      const { value, grads } = tf.variableGrads(() => {
        logits = tf.keep(forward(model, x, { training: true }).logits);
        return maskedCrossEntropy(model, logits, y);
      }, vars);
      const gradFlat = tf.concat(vars.map((v) => grads[v.name].reshape([-1])));
      sizes = [1, logits.size, gradFlat.size];
      const all = tf.concat([value.reshape([1]), logits.reshape([-1]), gradFlat]);
      logits.dispose();
      return all;
    });
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    return { values: Float32Array.from(values), sizes };
  } finally {
    disposeWeights(weights);
  }
}

/** Largest |a − b| relative to the largest |b| of the same quantity, per quantity. */
function compare(a: Float32Array, b: Float32Array, sizes: number[]): { error: number; worst: SelfCheckQuantity } {
  const names: SelfCheckQuantity[] = ['loss', 'logits', 'gradients'];
  let off = 0;
  let worst: { error: number; worst: SelfCheckQuantity } = { error: 0, worst: 'loss' };
  sizes.forEach((n, q) => {
    let diff = 0;
    let scale = 0;
    for (let i = off; i < off + n; i++) {
      const d = Math.abs(a[i] - b[i]);
      diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
      scale = Math.max(scale, Math.abs(b[i]));
    }
    const error = diff / Math.max(scale, 1e-6);
    if (error > worst.error) worst = { error, worst: names[q] };
    off += n;
  });
  return worst;
}

/**
 * Runs the check of `backend` (which must be registered) against `reference`. The active backend is `backend`
 * again afterwards; no tensor is left behind.
 */
export async function selfCheck(backend: BackendName, opts: SelfCheckOptions = {}): Promise<SelfCheckResult> {
  const reference = opts.reference ?? 'cpu';
  const tolerance = opts.tolerance ?? SELF_CHECK_TOLERANCE;
  try {
    if (!(await tf.setBackend(reference))) throw new Error(`the reference backend ${reference} did not start`);
    const ref = await runOnce();
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not start`);
    const got = await runOnce();
    opts.perturb?.(got.values);
    const { error, worst } = compare(got.values, ref.values, ref.sizes);
    return { backend, reference, ok: error <= tolerance, error, worst, tolerance };
  } finally {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}

/** The notice line of a failed check: "webgpu: failed its self-check: gradients differ from cpu's by 3.1e-2 (relative; tolerance 1e-3)". */
export function selfCheckText(r: SelfCheckResult): string {
  const size = Number.isFinite(r.error) ? r.error.toExponential(1) : 'NaN';
  return `${r.backend}: failed its self-check: ${r.worst === 'loss' ? 'the loss differs' : `${r.worst} differ`} from ${r.reference}'s by ${size} (relative; tolerance ${r.tolerance.toExponential(0)})`;
}
