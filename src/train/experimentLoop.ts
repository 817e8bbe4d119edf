/**
 * Runs an experiment: both arms on the same dataset, stepped in lockstep, evaluated every `evalEvery` steps.
 * Emits events for any consumer (the worker forwards them to the UI, the CLI prints them) and can be
 * paused, resumed, stepped and stopped. Losses are read back asynchronously, in batches, never per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { generateDataset, type Dataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import { evaluationAt } from '../experiment/evalSchedule';
import type { Config } from '../experiment/schema';
import { armsOf, type Arm, type ExperimentEvent, type MetricRow } from '../experiment/domain';
import { ArmTrainer, type ArmSnapshot } from './arm';
import { phaseOf, totalSteps } from '../experiment/phases';
import { RlTrainer } from './rl';

export type { ExperimentEvent } from '../experiment/domain';

/** How many steps' losses are collected before one batched readback. */
export const LOSS_READBACK_EVERY = 10;

export interface ExperimentOptions {
  /**
   * Keep a CPU copy of every arm (weights, optimiser, step) after each evaluation, so that a run whose GPU is
   * lost can go on elsewhere from there (`checkpoints`, `restore`). Costs one readback of 3× the parameters per
   * evaluation; the worker turns it on for webgpu and webgl.
   */
  checkpoints?: boolean;
}

export class Experiment {
  readonly data: Dataset;
  readonly hash: string;
  readonly trainers: ArmTrainer[];
  readonly history: Record<Arm, MetricRow[]> = { cot: [], direct: [] };
  private pendingLoss: Record<Arm, { step: number; loss: tf.Scalar }[]> = { cot: [], direct: [] };
  private lossSinceEval: Record<Arm, number[]> = { cot: [], direct: [] };
  private trainSeconds: Record<Arm, number> = { cot: 0, direct: 0 };
  private running = false;
  private stopped = false;
  /** Each arm's RL stage (rl.ts), made when its SFT steps are done. */
  private readonly rl: Partial<Record<Arm, RlTrainer>> = {};
  /** Arms stopped for good (a non-finite loss), with the step it happened at. */
  private readonly halted: Partial<Record<Arm, number>> = {};
  /** The last checkpoint of each arm (with options.checkpoints). */
  readonly checkpoints: Partial<Record<Arm, ArmSnapshot>> = {};

  constructor(
    readonly config: Config,
    private readonly emit: (e: ExperimentEvent) => void = () => {},
    data?: Dataset,
    private readonly options: ExperimentOptions = {},
  ) {
    this.data = data ?? generateDataset(config);
    this.hash = datasetHash(this.data);
    this.trainers = armsOf(config).map((arm) => new ArmTrainer(config, this.data, arm));
    this.emit({
      type: 'ready',
      hash: this.hash,
      arms: this.trainers.map((t) => ({ arm: t.arm, parameters: t.parameters, trainExamples: t.trainExamples })),
    });
  }

  /** The arms still training (not stopped by a non-finite loss). */
  get live(): ArmTrainer[] {
    return this.trainers.filter((t) => this.halted[t.arm] === undefined);
  }
  /** The step where `arm` stopped for good, if it did. */
  stoppedAt(arm: Arm): number | undefined {
    return this.halted[arm];
  }
  get step(): number {
    return (this.live[0] ?? this.trainers[0])?.step ?? 0;
  }
  get done(): boolean {
    return this.stopped || this.live.length === 0 || this.step >= totalSteps(this.config);
  }
  get isRunning(): boolean {
    return this.running;
  }
  /** Training steps per second of an arm, excluding evaluation. */
  stepsPerSec(arm: Arm): number {
    const t = this.trainers.find((x) => x.arm === arm);
    return t && this.trainSeconds[arm] > 0 ? t.step / this.trainSeconds[arm] : 0;
  }

  /** Evaluates every arm at the current step (the step-0 row before training starts). */
  async evaluateAll(sample: number | null = null): Promise<void> {
    await this.flushLosses();
    for (const t of this.live) {
      const r = await t.evaluate(sample ?? undefined);
      const losses = this.lossSinceEval[t.arm];
      const loss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : null;
      this.lossSinceEval[t.arm] = [];
      const rl = await this.rl[t.arm]?.takeMetrics();
      const row: MetricRow = { step: t.step, phase: phaseOf(t.step, this.config), loss, ...(sample !== null ? { sample } : {}), ...r, ...rl };
      this.history[t.arm].push(row);
      this.emit({ type: 'eval', arm: t.arm, row, stepsPerSec: this.stepsPerSec(t.arm) });
    }
    // no checkpoints in the RL phase: a rewind goes back to the last SFT one, and RL replays from there
    if (this.options.checkpoints && this.step <= this.config.steps) for (const t of this.live) this.checkpoints[t.arm] = await t.snapshot();
  }

  /**
   * Makes this fresh experiment go on from another's checkpoints (same config and data, e.g. on another backend
   * after a lost GPU): each arm's weights, optimiser and step, and its history up to that step. Emits `rewound`
   * for each arm, so that a consumer drops what it was told after the checkpoint.
   */
  restore(from: Pick<Experiment, 'checkpoints' | 'history'>): void {
    for (const t of this.trainers) {
      const snap = from.checkpoints[t.arm];
      const step = snap?.step ?? 0;
      if (snap) t.restore(snap);
      this.history[t.arm] = from.history[t.arm].filter((r) => r.step <= step);
      if (snap) this.checkpoints[t.arm] = snap;
      this.emit({ type: 'rewound', arm: t.arm, step });
    }
  }

  /** One training step of every arm; evaluates when the schedule says so (src/experiment/evalSchedule.ts). */
  async stepOnce(): Promise<void> {
    if (this.done) return;
    if (this.step === 0 && this.history[this.trainers[0].arm].length === 0) await this.evaluateAll();
    for (const t of this.live) {
      const t0 = performance.now();
      const loss = t.step < this.config.steps ? t.trainStep() : await this.rlStep(t);
      this.trainSeconds[t.arm] += (performance.now() - t0) / 1000;
      this.pendingLoss[t.arm].push({ step: t.step, loss });
    }
    const s = this.step;
    if (s % LOSS_READBACK_EVERY === 0) await this.flushLosses();
    const evaluation = evaluationAt(s, this.config);
    if (evaluation) await this.evaluateAll(evaluation.sample);
  }

  /** One RL step of an arm; its RL stage starts when its SFT steps are done (the weights then are the KL reference). */
  private rlStep(t: ArmTrainer): Promise<tf.Scalar> {
    const rl = (this.rl[t.arm] ??= new RlTrainer(t, t.step - this.config.steps));
    t.step++;
    return rl.step(t.step);
  }

  /** Reads all pending losses back in one batch per arm and emits them. */
  private async flushLosses(): Promise<void> {
    for (const t of this.trainers) {
      const pending = this.pendingLoss[t.arm];
      if (pending.length === 0) continue;
      this.pendingLoss[t.arm] = [];
      const t0 = performance.now();
      const stacked = tf.stack(pending.map((p) => p.loss));
      const values = Array.from(await stacked.data());
      stacked.dispose();
      for (const p of pending) p.loss.dispose();
      // the readback waits for queued GPU work: count it as training time
      this.trainSeconds[t.arm] += (performance.now() - t0) / 1000;
      this.lossSinceEval[t.arm].push(...values);
      this.emit({ type: 'loss', arm: t.arm, steps: pending.map((p) => p.step), losses: values });
      // a NaN or infinite loss: the weights are ruined, so this arm stops here; the others go on
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0 && this.halted[t.arm] === undefined) {
        this.halted[t.arm] = pending[bad].step;
        this.emit({ type: 'stopped', arm: t.arm, step: pending[bad].step, loss: values[bad] });
      }
    }
  }

  /** Trains until `steps` + `rlSteps` (or until paused/stopped). `onStep` runs after each step (e.g. a progress bar). */
  async run(onStep?: (step: number) => void): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.emit({ type: 'state', running: true, step: this.step, done: this.done });
    try {
      while (this.running && !this.done) {
        await this.stepOnce();
        onStep?.(this.step);
        // let pause/stop messages in between steps
        if (this.step % 5 === 0) await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      this.running = false;
      await this.flushLosses();
      this.emit({ type: 'state', running: false, step: this.step, done: this.done });
    }
  }

  pause(): void {
    this.running = false;
  }
  stop(): void {
    this.running = false;
    this.stopped = true;
  }

  dispose(): void {
    this.stop();
    for (const arm of Object.keys(this.pendingLoss) as Arm[]) for (const p of this.pendingLoss[arm]) p.loss.dispose();
    for (const t of this.trainers) t.dispose();
    for (const r of Object.values(this.rl)) r?.dispose();
  }
}
