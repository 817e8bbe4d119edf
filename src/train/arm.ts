/**
 * One arm of the experiment (CoT or direct): its model, optimiser and batch stream on the shared dataset.
 * Both arms use the same seed, so they start from the same weights and see batches in the same order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { trainingSequences, type Dataset } from '../data/dataset';
import type { Arm } from '../experiment/domain';
import type { Config } from '../experiment/schema';
import {
  allVariables,
  disposeWeights,
  forward,
  initWeights,
  maskedCrossEntropy,
  modelOf,
  parameterCount,
  type Model,
  type ModelConfig,
  type Weights,
} from '../model/gpt';
import { AdamW } from './adamw';
import { BatchSampler, packSequences } from './batches';
import { evaluate } from './evaluate';
import type { EvalResult } from '../experiment/domain';

export function modelConfigOf(config: Config, data: Pick<Dataset, 'vocab' | 'contextLength'>): ModelConfig {
  return {
    vocabSize: data.vocab.size,
    maxLength: data.contextLength,
    layers: config.layers,
    heads: config.heads,
    dModel: config.dModel,
    mlpRatio: config.mlpRatio,
    dropout: config.dropout,
    seed: config.seed,
  };
}

/** An arm's state at a step, on the CPU (a checkpoint). */
export interface ArmSnapshot {
  step: number;
  weights: Float32Array;
  optimizer: { m: Float32Array; v: Float32Array; t: number };
}

export class ArmTrainer {
  readonly model: ModelConfig;
  readonly weights: Weights;
  /** Config, weights and the op path, picked once here (our wasm kernels where the backend runs them). */
  readonly gpt: Model;
  readonly trainExamples: number;
  readonly parameters: number;
  step = 0;
  private readonly optimizer: AdamW;
  private readonly sampler: BatchSampler;
  private readonly width: number;

  constructor(
    readonly config: Config,
    readonly data: Dataset,
    readonly arm: Arm,
  ) {
    this.model = modelConfigOf(config, data);
    // inside a tidy: the initial values the variables were made from are released (variables survive it)
    let weights!: Weights;
    let optimizer!: AdamW;
    tf.tidy(() => {
      weights = initWeights(this.model);
      const opts = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay, clip: config.clip };
      optimizer = new AdamW(allVariables(weights), opts);
    });
    this.weights = weights;
    this.gpt = modelOf(this.model, weights);
    this.optimizer = optimizer;
    this.parameters = parameterCount(this.weights);
    const seqs = trainingSequences(data, arm === 'cot');
    this.width = Math.max(...seqs.map((s) => s.tokens.length)) - 1;
    this.trainExamples = seqs.length;
    this.sampler = new BatchSampler(packSequences(seqs, data.vocab.pad, this.width), config.batch, config.seed);
  }

  /** Linear warm-up to lr, then constant or cosine decay to 10% of lr at the last step. */
  learningRate(step: number): number {
    const { lr, warmup, steps, lrSchedule } = this.config;
    if (step < warmup) return (lr * step) / Math.max(1, warmup);
    if (lrSchedule === 'constant') return lr;
    const progress = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
    return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  /** One optimisation step. Returns the batch loss as a scalar the caller must dispose (read it back batched). */
  trainStep(): tf.Scalar {
    this.step++;
    const batch = this.sampler.next();
    const step = this.step;
    return tf.tidy(() => {
      const x = tf.tensor2d(batch.inputs, [batch.rows, this.width], 'int32');
      const y = tf.tensor2d(batch.labels, [batch.rows, this.width], 'int32');
      const vars = allVariables(this.weights);
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = forward(this.gpt, x, { training: true, dropoutSeed: step });
        return maskedCrossEntropy(this.gpt, logits, y);
      }, vars);
      this.optimizer.apply(
        vars.map((v) => grads[v.name]),
        this.learningRate(step),
      );
      return value;
    });
  }

  /** Greedy evaluation on the task's splits; `sample`: only the first that many queries of each. */
  evaluate(sample?: number): Promise<EvalResult> {
    return evaluate(this.gpt, this.data, this.arm === 'cot', sample);
  }

  /** Everything needed to go on from this step elsewhere (another backend): weights, optimiser state, step. */
  async snapshot(): Promise<ArmSnapshot> {
    const vars = allVariables(this.weights);
    const flat = tf.tidy(() => tf.concat(vars.map((v) => v.reshape([-1]))));
    const step = this.step;
    const weights = Float32Array.from((await flat.data()) as Float32Array);
    flat.dispose();
    return { step, weights, optimizer: await this.optimizer.readState() };
  }

  /** Makes a fresh trainer (step 0) go on from a snapshot of an arm of the same config: weights, optimiser, step, batches. */
  restore(s: ArmSnapshot): void {
    if (this.step !== 0) throw new Error('restore() needs a fresh trainer');
    const vars = allVariables(this.weights);
    let off = 0;
    tf.tidy(() => {
      for (const v of vars) {
        v.assign(tf.tensor(s.weights.subarray(off, off + v.size), v.shape, 'float32'));
        off += v.size;
      }
    });
    if (off !== s.weights.length) throw new Error(`snapshot of ${s.weights.length} weights for a model of ${off}`);
    this.optimizer.setState(s.optimizer);
    this.sampler.skip(s.step);
    this.step = s.step;
  }

  dispose(): void {
    disposeWeights(this.weights);
    this.optimizer.dispose();
  }
}
