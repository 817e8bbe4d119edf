/**
 * Keeps every run: watches the training store (without changing it) and saves the current run into the runs
 * store at every evaluation and whenever it stops, so a reload loses at most what came after the last write.
 * A run begins with its first evaluation and ends when the training store is reset (its history empties: a new
 * config, Reset, a new link). Writes never overlap: changes that arrive while one is being written are written
 * together right after it.
 */
import { ARMS, type Arm } from '../experiment/domain';
import { browserReport, newRunId, RECORD_FORMAT, type LensSummary, type RunRecord, type RunStatus } from '../runs/record';
import type { RunsState } from './runsStore';
import { nextRunName } from './runsStore';
import type { TrainingState } from './trainingStore';

/** What the recorder reads of the training store. */
export type TrainingView = Pick<TrainingState, 'status' | 'history' | 'runConfig' | 'hash' | 'backend' | 'armStepsPerSec' | 'arms' | 'lens'>;

function statusOf(s: TrainingView['status']): RunStatus {
  return s === 'running' ? 'training' : s === 'done' ? 'done' : s === 'error' ? 'error' : 'paused';
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

export interface RecorderOptions {
  now?: () => number;
  /** Monotonic clock in ms, for the training time (wallSeconds). */
  clock?: () => number;
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
  let current: { id: string; name: string; createdAt: number; written: boolean; stopped: boolean } | null = null;
  let trainingMs = 0;
  let runningSince: number | null = null;
  let writing: Promise<void> | null = null;
  let dirty = false;
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

  function record(s: TrainingView, run: NonNullable<typeof current>, old: RunRecord | undefined, wall = wallMs()): RunRecord {
    const report = browserReport({
      config: s.runConfig!,
      backend: backendOf(s),
      hash: s.hash ?? '',
      arms: s.arms.length ? s.arms : ARMS.filter((a) => s.history[a].length > 0),
      history: s.history,
      stepsPerSec: s.armStepsPerSec,
      wallSeconds: wall / 1000,
    });
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
      status: statusOf(s.status),
      report,
      ...(Object.keys(lens).length ? { lens } : old?.lens ? { lens: old.lens } : {}),
    };
  }

  function flush(s: TrainingView = training.getState()): void {
    const run = current;
    if (!run || run.stopped || !s.runConfig) return;
    if (writing) {
      dirty = true;
      return;
    }
    dirty = false;
    const create = !run.written;
    writing = runs
      .getState()
      .saveLive(run.id, (old) => record(s, run, old), create)
      .then((kept) => {
        run.written = true;
        if (!kept) run.stopped = true;
      })
      .catch(() => {})
      .finally(() => {
        writing = null;
        if (dirty && current === run) flush();
      });
  }

  const unsubscribe = training.subscribe((s, prev) => {
    // the training clock: time spent running
    if (s.status === 'running' && runningSince === null) runningSince = clock();
    if (s.status !== 'running' && runningSince !== null) {
      trainingMs += clock() - runningSince;
      runningSince = null;
    }
    const n = rows(s);
    if (n === 0) {
      if (current && rows(prev) > 0) {
        // a reset: the old run ends (its last write says how far it got)
        const last = current;
        if (!last.stopped && last.written && statusOf(prev.status) === 'training') {
          const before = { ...prev, status: 'paused' as const };
          const wall = trainingMs;
          void Promise.resolve(writing).then(() => runs.getState().saveLive(last.id, (old) => record(before, last, old, wall), false));
        }
        current = null;
        trainingMs = 0;
        runningSince = s.status === 'running' ? clock() : null;
      }
      return;
    }
    if (!s.runConfig) return;
    if (!current) {
      current = { id: newRunId(now()), name: nextRunName(runs.getState().runs), createdAt: now(), written: false, stopped: false };
    }
    if (s.history !== prev.history || s.status !== prev.status) flush(s);
  });
  return () => {
    unsubscribe();
    current = null;
  };
}
