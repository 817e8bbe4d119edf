/**
 * How the page folds the training workers' messages into its state (pure: no React, no tfjs), so that the
 * store stays small and this logic is tested headless. Each arm trains in its own worker: every arm has its
 * own progress (`runs`: status, step, backend, dataset hash, wall-clock pace), and the run as a whole is
 * combined from them (`combine`): the step is the slower arm's, the status is running while any arm runs and
 * done when all are, the pace and ETA are the slower arm's. Chart data stays bounded: losses are thinned by
 * merging neighbours once they pass MAX_LOSS_POINTS.
 */
import type { Config } from '../experiment/schema';
import { appendRecord, type MechanismRecord } from '../experiment/mechanism';
import type { ExampleOption, VocabInfo } from '../data/queries';
import type { AttentionMessage, FromWorker, LensMessage } from '../worker/protocol';
import { ARM_LABEL, ARMS, armStoppedText, type Arm, type MetricRow } from '../experiment/domain';
import { totalSteps as runSteps } from '../experiment/phases';
import { foldArms } from '../experiment/armsProgress';

/** The workers' messages the state keeps as they came (the views and the tour read them from here, not from src/worker). */
export type { AttentionMessage, LensMessage } from '../worker/protocol';

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';
export interface LossPoint {
  step: number;
  loss: number;
}

export const MAX_LOSS_POINTS = 2000;
export const MAX_HISTORY_ROWS = 20_000;

/** One arm's worker, as the page sees it. */
export interface ArmRun {
  status: Exclude<TrainingStatus, 'error'>;
  step: number;
  /** The worker said the arm has finished (its last `state` had done = true). */
  done: boolean;
  backend: string | null;
  /** How many threads the arm's GEMMs use (wasm), as the worker says it: '2 threads', '1 thread (…)'. */
  threads: string | null;
  fallbacks: string[];
  /** Hash of the dataset the worker generated (both workers must agree). */
  hash: string | null;
  /** Wall-clock steps per second of this arm, evaluation included; null until measured. */
  stepsPerSec: number | null;
  /** Seconds this arm needs to finish at its pace; null when unknown or not running. */
  etaSec: number | null;
  pace: { t: number; step: number } | null;
  /** The arm stopped for good (a non-finite loss, a crashed worker): at which step, and why (plain text). */
  stopped: { step: number; why: string; cause: 'crash' | 'diverged' } | null;
  /** The worker's tfjs memory at its last report (tensors and bytes, at a step). */
  memory: { step: number; numTensors: number; numBytes: number } | null;
}

export interface TrainingData {
  status: TrainingStatus;
  /** The slower arm's step (both arms have reached it). */
  step: number;
  /** Steps of the run, both phases (steps + rlSteps of the running experiment). */
  totalSteps: number;
  /** Wall-clock steps per second of the slower running arm; null until measured. */
  stepsPerSec: number | null;
  /** Seconds until the slower arm finishes; null when unknown or not running. */
  etaSec: number | null;
  /** Training-only steps per second of each arm, from the evaluation events. */
  armStepsPerSec: Partial<Record<Arm, number>>;
  /** Progress of each arm's worker. */
  runs: Partial<Record<Arm, ArmRun>>;
  /** The backend in use: one name when all arms agree, else the names joined with ' / ' (cot first). */
  backend: string | null;
  /** The arms' GEMM threads, joined like `backend` (null: not on wasm). */
  threads: string | null;
  /** Why the requested backend was not used (one line per skipped backend, all workers). */
  fallbacks: string[];
  error: string | null;
  arms: Arm[];
  parameters: Partial<Record<Arm, number>>;
  /** The dataset hash (the first arm's; `runs` holds each worker's). */
  hash: string | null;
  history: Record<Arm, MetricRow[]>;
  losses: Record<Arm, LossPoint[]>;
  /** First step at which an arm's training loss was not a finite number (the run diverged). */
  diverged: Partial<Record<Arm, number>>;
  vocab: VocabInfo | null;
  examples: ExampleOption[];
  attention: Partial<Record<Arm, AttentionMessage>>;
  lens: Partial<Record<Arm, LensMessage>>;
  /** Each arm's aggregated lens and tracing records, in step order (bounded). */
  mechanism: Record<Arm, MechanismRecord[]>;
  /** The config the workers are running (after their checks). */
  runConfig: Config | null;
  /** The step of each arm's last checkpoint saved for resuming (src/runs/checkpoints.ts). */
  checkpoints: Partial<Record<Arm, number>>;
}

export function initialArmRun(): ArmRun {
  return {
    status: 'idle',
    step: 0,
    done: false,
    backend: null,
    threads: null,
    fallbacks: [],
    hash: null,
    stepsPerSec: null,
    etaSec: null,
    pace: null,
    stopped: null,
    memory: null,
  };
}

/** The state before any message; `arms` are the arms that will train (one worker each). */
export function initialTrainingData(totalSteps = 0, arms: Arm[] = []): TrainingData {
  return {
    status: 'idle',
    step: 0,
    totalSteps,
    stepsPerSec: null,
    etaSec: null,
    armStepsPerSec: {},
    runs: Object.fromEntries(arms.map((a) => [a, initialArmRun()])),
    backend: null,
    threads: null,
    fallbacks: [],
    error: null,
    arms,
    parameters: {},
    hash: null,
    history: { cot: [], direct: [] },
    losses: { cot: [], direct: [] },
    diverged: {},
    vocab: null,
    examples: [],
    attention: {},
    lens: {},
    mechanism: { cot: [], direct: [] },
    runConfig: null,
    checkpoints: {},
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

/** An arm's progress at `step` (an exponential average of the pace, so a slow evaluation does not swing it). */
function advance(r: ArmRun, step: number, now: number, totalSteps: number): ArmRun {
  const next = { ...r, step: Math.max(r.step, step) };
  if (r.status !== 'running' || !r.pace || step < r.pace.step) return { ...next, pace: { t: now, step } };
  const dt = (now - r.pace.t) / 1000;
  if (dt < 0.5 || step === r.pace.step) return next;
  const rate = (step - r.pace.step) / dt;
  const stepsPerSec = r.stepsPerSec === null ? rate : 0.7 * r.stepsPerSec + 0.3 * rate;
  const left = Math.max(0, totalSteps - step);
  return { ...next, pace: { t: now, step }, stepsPerSec, etaSec: stepsPerSec > 0 ? left / stepsPerSec : null };
}

function armStatus(running: boolean, done: boolean, step: number): ArmRun['status'] {
  if (running) return 'running';
  if (done) return 'done';
  return step > 0 ? 'paused' : 'idle';
}

/**
 * The run as a whole, from its arms' progress. An arm that stopped for good no longer counts: the run goes on
 * with the others (its step is theirs), and is an error only when every arm has stopped.
 */
export function combine(s: TrainingData): TrainingData {
  const runs = s.arms.map((a) => s.runs[a] ?? initialArmRun());
  if (runs.length === 0) return s;
  const live = runs.filter((r) => r.stopped === null);
  const { step, backend, threads, fallbacks } = foldArms(runs.map((r) => ({ ...r, stopped: r.stopped !== null })));
  const running = live.filter((r) => r.status === 'running');
  let status: TrainingStatus;
  if (s.error !== null || live.length === 0) status = 'error';
  else if (running.length) status = 'running';
  else if (live.every((r) => r.status === 'done')) status = 'done';
  else status = live.some((r) => r.step > 0) ? 'paused' : 'idle';
  const rates = running.map((r) => r.stepsPerSec).filter((x): x is number => x !== null);
  const etas = running.map((r) => r.etaSec).filter((x): x is number => x !== null);
  return {
    ...s,
    status,
    step,
    stepsPerSec: rates.length ? Math.min(...rates) : status === 'running' ? s.stepsPerSec : null,
    etaSec: status === 'done' ? 0 : etas.length && etas.length === running.length ? Math.max(...etas) : null,
    backend,
    threads,
    fallbacks,
    hash: runs.find((r) => r.hash !== null)?.hash ?? s.hash,
  };
}

/** Marks the arms that can still train as running (the page's Play, before the workers confirm). */
export function markRunning(s: TrainingData): TrainingData {
  const runs = { ...s.runs };
  for (const a of s.arms) {
    const r = runs[a] ?? initialArmRun();
    if (!r.done && r.stopped === null) runs[a] = { ...r, status: 'running' };
  }
  return combine({ ...s, runs });
}

/** True when every arm's worker has reported its dataset hash and they are not all equal. */
export function hashMismatch(s: TrainingData): boolean {
  const hashes = s.arms.map((a) => s.runs[a]?.hash ?? null);
  return hashes.every((h) => h !== null) && new Set(hashes).size > 1;
}

function withRun(s: TrainingData, arm: Arm, f: (r: ArmRun) => ArmRun): TrainingData {
  return { ...s, runs: { ...s.runs, [arm]: f(s.runs[arm] ?? initialArmRun()) } };
}

/** Applies one message of the worker training `from`. `now` is the wall clock in ms (performance.now()). */
export function reduce(s: TrainingData, m: FromWorker, now: number, from: Arm): TrainingData {
  return combine(apply(s, m, now, from));
}

function apply(s: TrainingData, m: FromWorker, now: number, from: Arm): TrainingData {
  switch (m.type) {
    case 'backend':
      return withRun(s, from, (r) => ({ ...r, backend: m.backend, threads: m.threads ?? null, fallbacks: m.fallbacks }));
    case 'examples':
      return withRun({ ...s, vocab: m.vocab, examples: m.examples, runConfig: m.config, totalSteps: runSteps(m.config) }, from, (r) => ({
        ...r,
        hash: m.hash,
      }));
    case 'ready': {
      const arms = ARMS.filter((a) => s.arms.includes(a) || m.arms.some((x) => x.arm === a));
      const parameters = { ...s.parameters, ...Object.fromEntries(m.arms.map((a) => [a.arm, a.parameters])) };
      return withRun({ ...s, arms, parameters }, from, (r) => ({ ...r, hash: m.hash }));
    }
    case 'loss': {
      const add = m.steps.map((step, i) => ({ step, loss: m.losses[i] })).filter((p) => Number.isFinite(p.loss));
      const losses = { ...s.losses, [m.arm]: thinLosses([...s.losses[m.arm], ...add]) };
      const bad = m.steps.find((_, i) => !Number.isFinite(m.losses[i]));
      const diverged = bad !== undefined && s.diverged[m.arm] === undefined ? { ...s.diverged, [m.arm]: bad } : s.diverged;
      return withRun({ ...s, losses, diverged }, m.arm, (r) => advance(r, Math.max(...m.steps), now, s.totalSteps));
    }
    case 'eval': {
      const rows = [...s.history[m.arm], m.row];
      const history = { ...s.history, [m.arm]: rows.length > MAX_HISTORY_ROWS ? rows.filter((_, i) => i % 2 === 0 || i === rows.length - 1) : rows };
      const armStepsPerSec = { ...s.armStepsPerSec, [m.arm]: m.stepsPerSec };
      return withRun({ ...s, history, armStepsPerSec }, m.arm, (r) => advance(r, m.row.step, now, s.totalSteps));
    }
    case 'progress':
      return withRun(s, from, (r) => advance(r, m.step, now, s.totalSteps));
    case 'state':
      return withRun(s, from, (r) => {
        const status = armStatus(m.running, m.done, m.step);
        const next = { ...r, status, step: m.step, done: m.done };
        if (status !== 'running') return { ...next, pace: null, etaSec: status === 'done' ? 0 : null };
        return { ...next, pace: r.status === 'running' && r.pace ? r.pace : { t: now, step: m.step } };
      });
    case 'attention':
      return { ...s, attention: { ...s.attention, [m.arm]: m } };
    case 'lens':
      return { ...s, lens: { ...s.lens, [m.arm]: m } };
    case 'mechanism':
      return { ...s, mechanism: { ...s.mechanism, [m.record.arm]: appendRecord(s.mechanism[m.record.arm], m.record) } };
    case 'error': {
      // the arm's worker failed: that arm stops, the others go on (the run is an error once none is left)
      const next = withRun(s, from, (r) => ({
        ...r,
        status: r.done ? 'done' : r.step > 0 ? 'paused' : 'idle',
        pace: null,
        etaSec: null,
        stopped: r.stopped ?? {
          step: r.step,
          why: `The ${ARM_LABEL[from]} arm's training worker failed at step ${r.step}: ${m.message.replace(/\.$/, '')}.`,
          cause: 'crash',
        },
      }));
      const left = next.arms.filter((a) => next.runs[a]?.stopped == null);
      return left.length === 0 ? { ...next, error: m.message } : next;
    }
    case 'stopped':
      return withRun(s, m.arm, (r) => ({ ...r, stopped: r.stopped ?? { step: m.step, why: armStoppedText(m), cause: 'diverged' } }));
    case 'rewound': {
      const losses = { ...s.losses, [m.arm]: s.losses[m.arm].filter((p) => p.step <= m.step) };
      const history = { ...s.history, [m.arm]: s.history[m.arm].filter((r) => r.step <= m.step) };
      const diverged = { ...s.diverged };
      if ((diverged[m.arm] ?? -1) > m.step) delete diverged[m.arm];
      return withRun({ ...s, losses, history, diverged }, m.arm, (r) => ({ ...r, step: m.step, pace: null }));
    }
    case 'checkpoint':
      return m.problem ? s : { ...s, checkpoints: { ...s.checkpoints, [m.arm]: m.step } };
    case 'resumed': {
      if (m.problem) return s;
      // the loss chart before the checkpoint: each row's mean training loss since the row before (coarser than live)
      const before = m.history.filter((r) => r.loss !== null && Number.isFinite(r.loss)).map((r) => ({ step: r.step, loss: r.loss as number }));
      const history = { ...s.history, [m.arm]: m.history };
      const losses = { ...s.losses, [m.arm]: thinLosses([...before, ...s.losses[m.arm].filter((p) => p.step > m.step)]) };
      return withRun({ ...s, history, losses, checkpoints: { ...s.checkpoints, [m.arm]: m.step } }, m.arm, (r) => ({ ...r, step: m.step, pace: null }));
    }
    case 'memory':
      return withRun(s, from, (r) => ({ ...r, memory: { step: m.step, numTensors: m.numTensors, numBytes: m.numBytes } }));
    case 'trained':
      return { ...s, armStepsPerSec: { ...s.armStepsPerSec, [m.arm]: m.stepsPerSec } };
    case 'notice':
      return s;
  }
}
