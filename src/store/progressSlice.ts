/**
 * The progress concern of the training state: each arm's worker (`armProgress`: status, step, backend, dataset
 * hash, wall-clock pace, why it stopped, its memory) and the run as a whole, combined from them (`combine`, through
 * src/experiment/armsProgress.ts, the CLI's fold too): the step is the slower arm's, the status is running while
 * any arm runs and done when all are, the pace and ETA are the slower arm's. Pure.
 */
import { foldArms } from '../experiment/armsProgress';
import { ARM_LABEL, ARMS, armStoppedText, type Arm } from '../experiment/domain';
import { totalSteps as runSteps } from '../experiment/phases';
import type { Config } from '../experiment/schema';
import type { FromWorker } from '../worker/protocol';

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';

/** One arm's worker, as the page sees it. */
export interface ArmState {
  status: Exclude<TrainingStatus, 'error'>;
  step: number;
  /** The worker said the arm has finished (its last `state` had done = true). */
  done: boolean;
  backend: string | null;
  /** How many threads the arm's GEMMs use (wasm), as the worker says it: '2 threads', '1 thread (…)'. */
  threads: string | null;
  /** The WebGPU adapter it trains on, as its driver names it (null: not on webgpu, or not said). */
  adapter: string | null;
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

export interface ProgressState {
  status: TrainingStatus;
  /** The slower arm's step (both arms have reached it). */
  step: number;
  /** Steps of the run, both phases (steps + rlSteps of the running experiment). */
  totalSteps: number;
  /** Wall-clock steps per second of the slower running arm; null until measured. */
  stepsPerSec: number | null;
  /** Seconds until the slower arm finishes; null when unknown or not running. */
  etaSec: number | null;
  /** Progress of each arm's worker. */
  armProgress: Partial<Record<Arm, ArmState>>;
  /** The backend in use: one name when all arms agree, else the names joined with ' / ' (cot first). */
  backend: string | null;
  /** The arms' GEMM threads, joined like `backend` (null: not on wasm). */
  threads: string | null;
  /** The arms' GPU adapters, joined like `backend` (null: not on webgpu). */
  adapter: string | null;
  /** Why the requested backend was not used (one line per skipped backend, all workers). */
  fallbacks: string[];
  error: string | null;
  arms: Arm[];
  /** The dataset hash (the first arm's; `armProgress` holds each worker's). */
  hash: string | null;
  /** The config the workers are running (after their checks). */
  runConfig: Config | null;
}

export const PROGRESS_KEYS = [
  'status',
  'step',
  'totalSteps',
  'stepsPerSec',
  'etaSec',
  'armProgress',
  'backend',
  'threads',
  'adapter',
  'fallbacks',
  'error',
  'arms',
  'hash',
  'runConfig',
] as const satisfies readonly (keyof ProgressState)[];

export function initialArmState(): ArmState {
  return {
    status: 'idle',
    step: 0,
    done: false,
    backend: null,
    threads: null,
    adapter: null,
    fallbacks: [],
    hash: null,
    stepsPerSec: null,
    etaSec: null,
    pace: null,
    stopped: null,
    memory: null,
  };
}

export function initialProgress(totalSteps: number, arms: Arm[]): ProgressState {
  return {
    status: 'idle',
    step: 0,
    totalSteps,
    stepsPerSec: null,
    etaSec: null,
    armProgress: Object.fromEntries(arms.map((a) => [a, initialArmState()])),
    backend: null,
    threads: null,
    adapter: null,
    fallbacks: [],
    error: null,
    arms,
    hash: null,
    runConfig: null,
  };
}

/** An arm's progress at `step` (an exponential average of the pace, so a slow evaluation does not swing it). */
function advance(r: ArmState, step: number, now: number, totalSteps: number): ArmState {
  const next = { ...r, step: Math.max(r.step, step) };
  if (r.status !== 'running' || !r.pace || step < r.pace.step) return { ...next, pace: { t: now, step } };
  const dt = (now - r.pace.t) / 1000;
  if (dt < 0.5 || step === r.pace.step) return next;
  const rate = (step - r.pace.step) / dt;
  const stepsPerSec = r.stepsPerSec === null ? rate : 0.7 * r.stepsPerSec + 0.3 * rate;
  const left = Math.max(0, totalSteps - step);
  return { ...next, pace: { t: now, step }, stepsPerSec, etaSec: stepsPerSec > 0 ? left / stepsPerSec : null };
}

function armStatus(running: boolean, done: boolean, step: number): ArmState['status'] {
  if (running) return 'running';
  if (done) return 'done';
  return step > 0 ? 'paused' : 'idle';
}

/**
 * The run as a whole, from its arms' progress. An arm that stopped for good no longer counts: the run goes on
 * with the others (its step is theirs), and is an error only when every arm has stopped.
 */
export function combine<S extends ProgressState>(s: S): S {
  const arms = s.arms.map((a) => s.armProgress[a] ?? initialArmState());
  if (arms.length === 0) return s;
  const live = arms.filter((r) => r.stopped === null);
  const { step, backend, threads, adapter, fallbacks } = foldArms(arms.map((r) => ({ ...r, stopped: r.stopped !== null })));
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
    adapter,
    fallbacks,
    hash: arms.find((r) => r.hash !== null)?.hash ?? s.hash,
  };
}

/** Marks the arms that can still train as running (the page's Play, before the workers confirm). */
export function markRunning<S extends ProgressState>(s: S): S {
  const armProgress = { ...s.armProgress };
  for (const a of s.arms) {
    const r = armProgress[a] ?? initialArmState();
    if (!r.done && r.stopped === null) armProgress[a] = { ...r, status: 'running' };
  }
  return combine({ ...s, armProgress });
}

/** True when every arm's worker has reported its dataset hash and they are not all equal. */
export function hashMismatch(s: ProgressState): boolean {
  const hashes = s.arms.map((a) => s.armProgress[a]?.hash ?? null);
  return hashes.every((h) => h !== null) && new Set(hashes).size > 1;
}

function withArm(s: ProgressState, arm: Arm, f: (r: ArmState) => ArmState): ProgressState {
  return { ...s, armProgress: { ...s.armProgress, [arm]: f(s.armProgress[arm] ?? initialArmState()) } };
}

/** Applies one message of the worker training `from` to the progress (not yet combined). `now`: the wall clock in ms. */
export function reduceProgress(s: ProgressState, m: FromWorker, now: number, from: Arm): ProgressState {
  switch (m.type) {
    case 'backend':
      return withArm(s, from, (r) => ({ ...r, backend: m.backend, threads: m.threads ?? null, adapter: m.adapter?.name ?? null, fallbacks: m.fallbacks }));
    case 'examples':
      return withArm({ ...s, runConfig: m.config, totalSteps: runSteps(m.config) }, from, (r) => ({ ...r, hash: m.hash }));
    case 'ready': {
      const arms = ARMS.filter((a) => s.arms.includes(a) || m.arms.some((x) => x.arm === a));
      return withArm({ ...s, arms }, from, (r) => ({ ...r, hash: m.hash }));
    }
    case 'loss':
      return withArm(s, m.arm, (r) => advance(r, Math.max(...m.steps), now, s.totalSteps));
    case 'eval':
      return withArm(s, m.arm, (r) => advance(r, m.row.step, now, s.totalSteps));
    case 'progress':
      return withArm(s, from, (r) => advance(r, m.step, now, s.totalSteps));
    case 'state':
      return withArm(s, from, (r) => {
        const status = armStatus(m.running, m.done, m.step);
        const next = { ...r, status, step: m.step, done: m.done };
        if (status !== 'running') return { ...next, pace: null, etaSec: status === 'done' ? 0 : null };
        return { ...next, pace: r.status === 'running' && r.pace ? r.pace : { t: now, step: m.step } };
      });
    case 'error': {
      // the arm's worker failed: that arm stops, the others go on (the run is an error once none is left)
      const next = withArm(s, from, (r) => ({
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
      const left = next.arms.filter((a) => next.armProgress[a]?.stopped == null);
      return left.length === 0 ? { ...next, error: m.message } : next;
    }
    case 'stopped':
      return withArm(s, m.arm, (r) => ({ ...r, stopped: r.stopped ?? { step: m.step, why: armStoppedText(m), cause: 'diverged' } }));
    case 'rewound':
    case 'resumed':
      return m.type === 'resumed' && m.problem ? s : withArm(s, m.arm, (r) => ({ ...r, step: m.step, pace: null }));
    case 'memory':
      return withArm(s, from, (r) => ({ ...r, memory: { step: m.step, numTensors: m.numTensors, numBytes: m.numBytes } }));
    default:
      return s;
  }
}
