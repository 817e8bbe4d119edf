/**
 * The measurements behind `npm run bench`: training steps/s on fixed and preset shapes, a per-kernel profile
 * of one preset step, kernels per step, one evaluation's wall time, and the wall time to the CoT/direct gap.
 */
import * as tf from '@tensorflow/tfjs';
import { generateDataset, trainingSequences, type Dataset } from '../src/data/dataset';
import type { Arm, MetricRow } from '../src/experiment/domain';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import { allVariables, disposeWeights, forward, initWeights, maskedCrossEntropy, modelOf, type ModelConfig } from '../src/model/gpt';
import { setFastMatmulGrad, setFastPath } from '../src/model/ops';
import { AdamW } from '../src/train/adamw';
import { ArmTrainer } from '../src/train/arm';
import { Experiment } from '../src/train/experimentLoop';
import { GAP } from '../src/data/gap';
import { headlineSplit } from '../src/tasks/registry';

/**
 * Recorded figures of the PyTorch reference used during development (not in this repository), one CPU thread, on
 * the machine it was first run on (on a 2-core EPYC without AVX-512 it records 48.7 and 4.9–5.0). Not measured in
 * the same run (README, "Speed").
 */
export const PYTORCH_STEPS_PER_SEC = { fixed: 93, preset: 10 } as const;

/** The fixed benchmark shapes (the same as the PyTorch reference's benchmark): loss on every position of random tokens. */
export const FIXED = { vocab: 252, dModel: 64, layers: 2, heads: 4, seq: 8, batch: 64 } as const;

export type Shapes = 'fixed' | 'preset';
export interface Workload {
  shapes: Shapes;
  /** One training step; returns the loss (to dispose). */
  step: () => tf.Scalar;
  model: ModelConfig;
  batch: number;
  seq: number;
  dispose: () => void;
}

export function fixedWorkload(): Workload {
  const model: ModelConfig = {
    vocabSize: FIXED.vocab,
    maxLength: FIXED.seq,
    layers: FIXED.layers,
    heads: FIXED.heads,
    dModel: FIXED.dModel,
    mlpRatio: 4,
    dropout: 0,
    seed: 0,
  };
  const weights = initWeights(model);
  const net = modelOf(model, weights); // the op path of this moment (withReferencePath: the plain ops)
  const vars = allVariables(weights);
  const opt = new AdamW(vars, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clip: 1 });
  const rows = 4096;
  const data = Int32Array.from({ length: rows * (FIXED.seq + 1) }, (_, i) => ((i * 2654435761) % FIXED.vocab) >>> 0);
  let i = 0;
  const step = () => {
    const j = (i++ * FIXED.batch) % (rows - FIXED.batch);
    const inputs = new Int32Array(FIXED.batch * FIXED.seq);
    const labels = new Int32Array(FIXED.batch * FIXED.seq);
    for (let r = 0; r < FIXED.batch; r++) {
      const src = (j + r) * (FIXED.seq + 1);
      inputs.set(data.subarray(src, src + FIXED.seq), r * FIXED.seq);
      labels.set(data.subarray(src + 1, src + 1 + FIXED.seq), r * FIXED.seq);
    }
    return tf.tidy(() => {
      const x = tf.tensor2d(inputs, [FIXED.batch, FIXED.seq], 'int32');
      const y = tf.tensor2d(labels, [FIXED.batch, FIXED.seq], 'int32');
      const { value, grads } = tf.variableGrads(() => maskedCrossEntropy(net, forward(net, x, { training: true }).logits, y), vars);
      opt.apply(
        vars.map((v) => grads[v.name]),
        1e-3,
      );
      return value;
    });
  };
  return { shapes: 'fixed', step, model, batch: FIXED.batch, seq: FIXED.seq, dispose: () => (disposeWeights(weights), opt.dispose()) };
}

export function presetWorkload(config: Config = DEFAULT_CONFIG, data: Dataset = generateDataset(config), arm: Arm = 'cot'): Workload {
  const t = new ArmTrainer(config, data, arm);
  const seq = Math.max(...trainingSequences(data, arm === 'cot').map((s) => s.tokens.length)) - 1; // as ArmTrainer pads
  return { shapes: 'preset', step: () => t.trainStep(), model: t.model, batch: config.batch, seq, dispose: () => t.dispose() };
}

/** Analytic FLOPs of one training step: 6 × matmul parameters × tokens (forward 2, backward 4) + attention. */
export function stepFlops(m: ModelConfig, batch: number, seq: number): number {
  const d = m.dModel;
  const perLayer = d * 3 * d + d * d + 2 * d * m.mlpRatio * d;
  const tokens = batch * seq;
  const matmulParams = m.layers * perLayer + m.vocabSize * d; // + the (tied) unembedding
  const attention = m.layers * 12 * batch * seq * seq * d; // q·kᵀ and p·v, forward and backward
  return 6 * matmulParams * tokens + attention;
}

export interface Rate {
  stepsPerSec: number;
  tokensPerSec: number;
  gflops: number;
  /** steps/s over PyTorch's on the same shapes (one thread, this machine). */
  vsPytorch: number;
  /** Median of `reps` timings; each rep at least `minSeconds` or `maxSteps` steps. */
  samples: number[];
}

/** Steps per second after `warm` warm-up steps: median of `reps` timed runs (the loss is read back after each run). */
export async function measure(w: Workload, o: { warm: number; reps: number; minSeconds: number; maxSteps: number }): Promise<Rate> {
  for (let i = 0; i < o.warm; i++) {
    const l = w.step();
    await l.data();
    l.dispose();
  }
  const samples: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    const t0 = performance.now();
    let n = 0;
    let last: tf.Scalar | null = null;
    while (n < o.maxSteps && (n === 0 || performance.now() - t0 < o.minSeconds * 1000)) {
      last?.dispose();
      last = w.step();
      n++;
    }
    await last!.data();
    last!.dispose();
    samples.push(n / ((performance.now() - t0) / 1000));
  }
  const stepsPerSec = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return {
    stepsPerSec,
    tokensPerSec: stepsPerSec * w.batch * w.seq,
    gflops: (stepsPerSec * stepFlops(w.model, w.batch, w.seq)) / 1e9,
    vsPytorch: stepsPerSec / PYTORCH_STEPS_PER_SEC[w.shapes],
    samples,
  };
}

export interface KernelTime {
  kernel: string;
  ms: number;
  share: number;
  calls: number;
}

/**
 * Profiles one step: kernels dispatched and time per kernel name. tf.customGrad shows up as a pseudo-kernel
 * "forward" whose time includes the kernels inside it; it is left out of both the count and the times.
 */
export async function profileStep(w: Workload): Promise<{ kernels: number; dispatches: number; byKernel: KernelTime[]; totalMs: number }> {
  let loss: tf.Scalar | null = null;
  const info = await tf.profile(() => {
    loss = w.step();
    return loss;
  });
  (loss as tf.Scalar | null)?.dispose();
  const byName = new Map<string, { ms: number; calls: number }>();
  let count = 0;
  for (const k of info.kernels) {
    if (k.name === 'forward') continue;
    count++;
    const ms = (await k.kernelTimeMs) as number;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof ms === 'number' ? ms : 0;
    e.calls++;
    byName.set(k.name, e);
  }
  const totalMs = [...byName.values()].reduce((s, e) => s + e.ms, 0);
  const byKernel = [...byName]
    .map(([kernel, e]) => ({ kernel, ms: +e.ms.toFixed(2), share: +(e.ms / totalMs).toFixed(4), calls: e.calls }))
    .sort((a, b) => b.ms - a.ms);
  // Identity and Reshape only touch metadata on webgpu/webgl (and, with our kernels, on wasm): no dispatch
  const dispatches = count - ['Identity', 'Reshape'].reduce((n, k) => n + (byName.get(k)?.calls ?? 0), 0);
  return { kernels: count, dispatches, byKernel, totalMs };
}

/** Wall time of one full evaluation (every split, greedy generation) of a trained-for-a-few-steps preset arm. */
export async function evalSeconds(config: Config = DEFAULT_CONFIG, data: Dataset = generateDataset(config)): Promise<number> {
  const t = new ArmTrainer(config, data, 'cot');
  t.trainStep().dispose();
  await t.evaluate(); // warm-up (shapes compile once per prompt length)
  const t0 = performance.now();
  await t.evaluate();
  const s = (performance.now() - t0) / 1000;
  t.dispose();
  return s;
}

export interface GapResult {
  seconds: number;
  step: number;
  reached: boolean;
  /** The task's headline split (e.g. the KG's OOD multi-hop queries): its id and label. */
  split: string;
  splitLabel: string;
  cotHeadline: number;
  directHeadline: number;
  /** Direct at most 0.1 above guessing (the gap's rule, src/data/gap.ts). */
  directNearChance: boolean;
}

/** Trains both arms of a preset until the CoT arm's headline-split accuracy is ≥ 0.9 (or config.steps). */
export async function timeToGap(config: Config = DEFAULT_CONFIG, log: (s: string) => void = () => {}): Promise<GapResult> {
  const t0 = performance.now();
  const headline = headlineSplit(config);
  const exp = new Experiment(config);
  const last = () => ({ cot: exp.history.cot.at(-1), direct: exp.history.direct.at(-1) });
  const acc = (row: MetricRow | undefined) => row?.acc[headline.id] ?? NaN;
  let reached = false;
  while (!exp.done) {
    await exp.stepOnce();
    const { cot, direct } = last();
    if (cot && cot.step === exp.step && exp.step > 0) {
      log(`  step ${exp.step}: CoT ${headline.label} ${acc(cot).toFixed(3)}, direct ${headline.label} ${acc(direct).toFixed(3)}`);
      if (acc(cot) >= 0.9) {
        reached = true;
        break;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const { cot, direct } = last();
  exp.dispose();
  const directHeadline = acc(direct);
  return {
    seconds,
    step: cot?.step ?? 0,
    reached,
    split: headline.id,
    splitLabel: headline.label,
    cotHeadline: acc(cot),
    directHeadline,
    directNearChance: directHeadline <= GAP.direct + (headline.chance ?? 0),
  };
}

/**
 * Runs `f` on the reference path (our wasm kernels off: the plain tfjs ops that webgpu/webgl/cpu run), with
 * `naive` also with tfjs's own matmul gradient (transposed-operand matMul: the original, slow baseline).
 */
export async function withReferencePath<T>(f: () => Promise<T>, naive = false): Promise<T> {
  setFastPath(false);
  if (naive) setFastMatmulGrad(false);
  try {
    return await f();
  } finally {
    setFastPath(true);
    setFastMatmulGrad(true);
  }
}
