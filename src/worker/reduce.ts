/**
 * How the page folds the worker's messages into its training state (pure: no React, no tfjs), so that the
 * store stays small and this logic is tested headless. Chart data stays bounded: losses are thinned by
 * merging neighbours once they pass MAX_LOSS_POINTS.
 */
import type { Config } from '../experiment/schema';
import type { Arm } from '../train/arm';
import type { MetricRow } from '../train/experiment';
import type { AttentionMessage, ExampleOption, FromWorker, LensMessage, VocabInfo } from './protocol';

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';
export interface LossPoint {
  step: number;
  loss: number;
}

export const MAX_LOSS_POINTS = 2000;
export const MAX_HISTORY_ROWS = 20_000;

export interface TrainingData {
  status: TrainingStatus;
  step: number;
  /** Steps of the run (config.steps of the running experiment). */
  totalSteps: number;
  /** Wall-clock steps per second of both arms together, evaluation included; null until measured. */
  stepsPerSec: number | null;
  /** Seconds left at the current pace; null when unknown or not running. */
  etaSec: number | null;
  /** Training-only steps per second of each arm, from the evaluation events. */
  armStepsPerSec: Partial<Record<Arm, number>>;
  backend: string | null;
  /** Why the requested backend was not used (one line per skipped backend). */
  fallbacks: string[];
  error: string | null;
  arms: Arm[];
  parameters: Partial<Record<Arm, number>>;
  hash: string | null;
  history: Record<Arm, MetricRow[]>;
  losses: Record<Arm, LossPoint[]>;
  /** First step at which an arm's training loss was not a finite number (the run diverged). */
  diverged: Partial<Record<Arm, number>>;
  vocab: VocabInfo | null;
  examples: ExampleOption[];
  attention: Partial<Record<Arm, AttentionMessage>>;
  lens: Partial<Record<Arm, LensMessage>>;
  /** The config the worker is running (after its checks). */
  runConfig: Config | null;
  /** Wall-clock pace tracking. */
  pace: { t: number; step: number } | null;
}

export function initialTrainingData(totalSteps = 0): TrainingData {
  return {
    status: 'idle',
    step: 0,
    totalSteps,
    stepsPerSec: null,
    etaSec: null,
    armStepsPerSec: {},
    backend: null,
    fallbacks: [],
    error: null,
    arms: [],
    parameters: {},
    hash: null,
    history: { cot: [], direct: [] },
    losses: { cot: [], direct: [] },
    diverged: {},
    vocab: null,
    examples: [],
    attention: {},
    lens: {},
    runConfig: null,
    pace: null,
  };
}

/** Halves a list of loss points by averaging neighbours (keeps the later step), until it fits. */
export function thinLosses(points: LossPoint[], max = MAX_LOSS_POINTS): LossPoint[] {
  let p = points;
  while (p.length > max) {
    const out: LossPoint[] = [];
    for (let i = 0; i + 1 < p.length; i += 2) out.push({ step: p[i + 1].step, loss: (p[i].loss + p[i + 1].loss) / 2 });
    if (p.length % 2) out.push(p[p.length - 1]);
    p = out;
  }
  return p;
}

/** Updates the wall-clock pace (an exponential average, so a slow evaluation does not swing it). */
function withPace(s: TrainingData, step: number, now: number): Pick<TrainingData, 'pace' | 'stepsPerSec' | 'etaSec'> {
  if (s.status !== 'running' || !s.pace || step < s.pace.step) {
    return { pace: { t: now, step }, stepsPerSec: s.stepsPerSec, etaSec: s.etaSec };
  }
  const dt = (now - s.pace.t) / 1000;
  if (dt < 0.5 || step === s.pace.step) return { pace: s.pace, stepsPerSec: s.stepsPerSec, etaSec: s.etaSec };
  const rate = (step - s.pace.step) / dt;
  const stepsPerSec = s.stepsPerSec === null ? rate : 0.7 * s.stepsPerSec + 0.3 * rate;
  const left = Math.max(0, s.totalSteps - step);
  return { pace: { t: now, step }, stepsPerSec, etaSec: stepsPerSec > 0 ? left / stepsPerSec : null };
}

function statusOf(running: boolean, done: boolean, step: number): TrainingStatus {
  if (running) return 'running';
  if (done) return 'done';
  return step > 0 ? 'paused' : 'idle';
}

/** Applies one worker message. `now` is the wall clock in ms (performance.now()). */
export function reduce(s: TrainingData, m: FromWorker, now: number): TrainingData {
  switch (m.type) {
    case 'backend':
      return { ...s, backend: m.backend, fallbacks: m.fallbacks };
    case 'examples':
      return { ...s, vocab: m.vocab, examples: m.examples, runConfig: m.config, totalSteps: m.config.steps, hash: m.hash };
    case 'ready':
      return {
        ...s,
        hash: m.hash,
        arms: m.arms.map((a) => a.arm),
        parameters: Object.fromEntries(m.arms.map((a) => [a.arm, a.parameters])),
      };
    case 'loss': {
      const add = m.steps.map((step, i) => ({ step, loss: m.losses[i] })).filter((p) => Number.isFinite(p.loss));
      const losses = { ...s.losses, [m.arm]: thinLosses([...s.losses[m.arm], ...add]) };
      const step = Math.max(s.step, ...m.steps);
      const bad = m.steps.find((_, i) => !Number.isFinite(m.losses[i]));
      const diverged = bad !== undefined && s.diverged[m.arm] === undefined ? { ...s.diverged, [m.arm]: bad } : s.diverged;
      return { ...s, losses, diverged, step, ...withPace(s, step, now) };
    }
    case 'eval': {
      const rows = [...s.history[m.arm], m.row];
      const history = { ...s.history, [m.arm]: rows.length > MAX_HISTORY_ROWS ? rows.filter((_, i) => i % 2 === 0 || i === rows.length - 1) : rows };
      const step = Math.max(s.step, m.row.step);
      return { ...s, history, step, armStepsPerSec: { ...s.armStepsPerSec, [m.arm]: m.stepsPerSec }, ...withPace(s, step, now) };
    }
    case 'progress':
      return { ...s, step: m.step, ...withPace(s, m.step, now) };
    case 'state': {
      const status = statusOf(m.running, m.done, m.step);
      const next = { ...s, status, step: m.step };
      if (status !== 'running') return { ...next, pace: null, etaSec: status === 'done' ? 0 : null };
      return { ...next, pace: s.status === 'running' ? s.pace : { t: now, step: m.step } };
    }
    case 'attention':
      return { ...s, attention: { ...s.attention, [m.arm]: m } };
    case 'lens':
      return { ...s, lens: { ...s.lens, [m.arm]: m } };
    case 'error':
      return { ...s, status: 'error', error: m.message };
    case 'notice':
      return s;
  }
}
