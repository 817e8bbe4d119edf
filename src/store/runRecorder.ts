/**
 * Keeps every run: watches the training store (without changing it) and saves the current run into the runs
 * store at every evaluation and whenever it stops, so a reload loses at most what came after the last write.
 * A run begins with its first evaluation and ends when the training store is reset (its history empties: a new
 * config, Reset, a new link). It is saved under the training store's record id (the id its workers write their
 * checkpoints under), with the steps of the checkpoints saved so far; a resumed run goes on in its old record
 * (name, pin, sweep, training time and the mechanism measured before the checkpoint kept). Writes never overlap:
 * changes that arrive while one is being written are written together right after it.
 */
import { ARMS, type Arm } from '../experiment/domain';
import { browserReport, newRunId, RECORD_FORMAT, type LensSummary, type RunRecord, type RunStatus, type SweepTag } from '../runs/record';
import type { Config } from '../experiment/schema';
import type { MechanismRecord } from '../experiment/mechanism';
import type { RunsState } from './runsStore';
import { nextRunName } from './runsStore';
import type { TrainingState } from './trainingStore';

/** What the recorder reads of the training store. */
export type TrainingView = Pick<TrainingState, 'status' | 'history' | 'runConfig' | 'hash' | 'backend' | 'armStepsPerSec' | 'arms' | 'lens'> &
  Partial<Pick<TrainingState, 'recordId' | 'resumed' | 'checkpoints' | 'armProgress'>> & {
    /** Each arm's aggregated logit lens and causal tracing records, where the training store keeps them. */
    mechanism?: Partial<Record<Arm, readonly MechanismRecord[]>>;
  };

/** A run whose arm's worker crashed is failed once nothing trains (the other arm may have finished): Resume can go on with it. */
function statusOf(s: TrainingView): RunStatus {
  if (s.status === 'running') return 'training';
  if (s.status === 'error' || ARMS.some((a) => s.armProgress?.[a]?.stopped?.cause === 'crash')) return 'error';
  return s.status === 'done' ? 'done' : 'paused';
}

/** The logit lens of an arm, summarised: per tracked token, its best rank in each row over the input's positions. */
export function lensSummary(lens: TrainingView['lens'][Arm]): LensSummary | undefined {
  if (!lens || !Array.isArray(lens.tracked) || !lens.ranks || !(lens.rows > 0)) return undefined;
  const T = lens.tokens?.length ?? 0;
  if (T === 0 || lens.ranks.length < lens.tracked.length * lens.rows * T) return undefined;
  return {
    step: lens.step,
    query: (lens.labels ?? []).join(' '),
    tracked: lens.tracked.map((t, k) => ({
      label: t.label,
      role: t.role,
      ranks: Array.from({ length: lens.rows }, (_, r) => {
        let best = Infinity;
        for (let p = 0; p < T; p++) best = Math.min(best, lens.ranks[(k * lens.rows + r) * T + p]);
        return best;
      }),
    })),
  };
}

/** The run being recorded: its id, name, creation time, sweep, whether it was written once, and whether it is still kept. */
interface Run {
  id: string;
  name: string;
  createdAt: number;
  written: boolean;
  stopped: boolean;
  sweep?: SweepTag;
  /** A resumed run: the training time and mechanism records its record had before (taken at its first write). */
  before?: { wallMs: number; arms: RunRecord['report']['arms'] };
  resumed: boolean;
  /** The step each arm of a resumed run went on from. */
  from: Partial<Record<Arm, number>>;
}

export interface RecorderOptions {
  now?: () => number;
  /** Monotonic clock in ms, for the training time (wallSeconds). */
  clock?: () => number;
  /** The sweep a new run belongs to, if any (asked once, when the run begins, with the run's config). */
  tag?: (config: Config) => SweepTag | undefined;
}

/** Starts recording; returns a function that stops it. */
export function startRunRecorder(
  training: { getState: () => TrainingView; subscribe: (listener: (s: TrainingView, prev: TrainingView) => void) => () => void },
  runs: { getState: () => RunsState },
  opts: RecorderOptions = {},
): () => void {
  const now = opts.now ?? (() => Date.now());
  const clock = opts.clock ?? (() => performance.now());
  /** The run being recorded: its id, name, creation time, and whether it has been written once. */
  let current = null as Run | null;
  let trainingMs = 0;
  let runningSince: number | null = null;
  let writing: Promise<void> | null = null;
  /**
   * The backend the workers last named, and for which choice: a worker names its backend only when the choice
   * changes, so after a reset with the same choice the training store has none (its workers keep theirs).
   */
  let lastBackend: { choice: string; name: string } | null = null;
  const backendOf = (s: TrainingView): string => {
    const choice = s.runConfig?.backend ?? '';
    if (s.backend) lastBackend = { choice, name: s.backend };
    return s.backend ?? (lastBackend && lastBackend.choice === choice ? lastBackend.name : 'unknown');
  };

  const rows = (s: TrainingView) => ARMS.reduce((n, a) => n + s.history[a].length, 0);

  const wallMs = () => trainingMs + (runningSince === null ? 0 : clock() - runningSince);

  function record(s: TrainingView, run: Run, old: RunRecord | undefined, wall = wallMs()): RunRecord {
    if (run.resumed && !run.before) run.before = { wallMs: (old?.report.wallSeconds ?? 0) * 1000, arms: old?.report.arms ?? {} };
    const report = browserReport({
      config: s.runConfig!,
      backend: backendOf(s),
      hash: s.hash ?? '',
      arms: s.arms.length ? s.arms : ARMS.filter((a) => s.history[a].length > 0),
      history: s.history,
      stepsPerSec: s.armStepsPerSec,
      wallSeconds: ((run.before?.wallMs ?? 0) + wall) / 1000,
      ...(s.mechanism ? { mechanism: s.mechanism } : {}),
    });
    // a resumed run: the lens and tracing measured up to the step it went on from, then the new ones
    for (const a of ARMS) {
      const was = run.before?.arms[a];
      const arm = report.arms[a];
      const upTo = run.from[a] ?? -1;
      if (!was || !arm) continue;
      if (was.lens?.length) arm.lens = [...was.lens.filter((l) => l.step <= upTo), ...(arm.lens ?? []).filter((l) => l.step > upTo)];
      if (was.trace?.length) arm.trace = [...was.trace.filter((t) => t.step <= upTo), ...(arm.trace ?? []).filter((t) => t.step > upTo)];
    }
    const lens: Partial<Record<Arm, LensSummary>> = {};
    for (const a of ARMS) {
      const l = lensSummary(s.lens[a]);
      if (l) lens[a] = l;
    }
    return {
      format: RECORD_FORMAT,
      id: run.id,
      name: old?.name ?? run.name,
      pinned: old?.pinned ?? false,
      createdAt: old?.createdAt ?? run.createdAt,
      updatedAt: now(),
      source: 'browser',
      status: statusOf(s),
      report,
      ...(Object.keys(lens).length ? { lens } : old?.lens ? { lens: old.lens } : {}),
      ...(run.sweep ? { sweep: run.sweep } : old?.sweep ? { sweep: old.sweep } : {}),
      ...(s.checkpoints && Object.keys(s.checkpoints).length ? { checkpoint: { ...s.checkpoints } } : old?.checkpoint ? { checkpoint: old.checkpoint } : {}),
    };
  }

  /** The latest state to write of each run (at most one write at a time, oldest run first). */
  const pending = new Map<Run, { s: TrainingView; wall: number }>();

  function flush(run: Run | null = current, s: TrainingView = training.getState(), wall = wallMs()): void {
    if (!run || run.stopped || !s.runConfig) return;
    pending.set(run, { s, wall });
    if (!writing) writing = drain();
  }
  async function drain(): Promise<void> {
    while (pending.size) {
      const [run, { s, wall }] = pending.entries().next().value!;
      pending.delete(run);
      if (run.stopped) continue;
      try {
        const kept = await runs.getState().saveLive(run.id, (old) => record(s, run, old, wall), !run.written);
        run.written = true;
        if (!kept) run.stopped = true;
      } catch {
        // the runs store turns storage failures into notices; nothing to do here
      }
    }
    writing = null;
  }

  const unsubscribe = training.subscribe((s, prev) => {
    if (s.backend && s.runConfig) backendOf(s); // remembered for the runs after a reset
    // the training clock: time spent running
    if (s.status === 'running' && runningSince === null) runningSince = clock();
    if (s.status !== 'running' && runningSince !== null) {
      trainingMs += clock() - runningSince;
      runningSince = null;
    }
    const n = rows(s);
    if (n === 0) {
      if (current && rows(prev) > 0) {
        // a reset: the old run ends; its last state (a run stopped while training reads as paused) is written
        const last = current;
        flush(last, { ...prev, status: prev.status === 'running' ? 'paused' : prev.status }, trainingMs);
        current = null;
        trainingMs = 0;
        runningSince = s.status === 'running' ? clock() : null;
      }
      return;
    }
    if (!s.runConfig) return;
    if (!current) {
      const sweep = opts.tag?.(s.runConfig);
      const name = sweep ? `${sweep.key} ${String(sweep.value)} · seed ${sweep.seed}` : nextRunName(runs.getState().runs);
      const id = s.recordId ?? newRunId(now());
      current = { id, name, createdAt: now(), written: false, stopped: false, resumed: s.resumed === true, from: {}, ...(sweep ? { sweep } : {}) };
    }
    // a resumed arm's rows come at once, up to the step it goes on from
    if (current.resumed) for (const a of ARMS) if (current.from[a] === undefined && s.history[a].length) current.from[a] = s.history[a].at(-1)!.step;
    if (s.history !== prev.history || s.status !== prev.status || s.checkpoints !== prev.checkpoints) flush(current, s);
  });
  return () => {
    unsubscribe();
    current = null;
  };
}
