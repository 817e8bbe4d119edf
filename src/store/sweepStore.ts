/**
 * A sweep in the playground: one parameter over a list of values (and seeds), each combination trained in turn
 * through the training store as it is (both workers, one arm per core), each run kept by the run recorder and
 * tagged with the sweep (so the sweep chart finds them, also after a reload). Shows progress (run i of n, ETA
 * from the runs so far) and can be cancelled (the current run pauses; finished runs stay). The spec comes from
 * the designer's sweep form or from a link (`sweep=noise:0,0.2,0.4&seeds=0,1`, src/runs/sweepPlan.ts).
 *
 * Built by createSweepStore with the stores it drives, so a test can drive fakes.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { configToQuery } from '../experiment/link';
import type { Config } from '../experiment/schema';
import { newRunId, type SweepTag } from '../runs/record';
import { runCount, sweepJobs, type SweepSpec } from '../runs/sweepPlan';
import { useExperimentStore } from './experimentStore';
import { useTrainingStore, type TrainingState } from './trainingStore';

export type SweepStatus = 'idle' | 'running' | 'done' | 'cancelled';

export interface SweepState {
  /** The sweep defined (from the form or a link), or null. */
  spec: SweepSpec | null;
  status: SweepStatus;
  /** The id of the sweep running or last run (its runs carry it). */
  sweepId: string | null;
  /** 1-based number of the run in progress, and how many there are. */
  index: number;
  total: number;
  /** Seconds left, from the mean duration of the finished runs; null before one finished. */
  etaSec: number | null;
  /** What is training now (for the recorder's tag). */
  current: (SweepTag & { link: string }) | null;
  /** Why runs were left out or stopped (plain text). */
  problems: string[];
  define: (spec: SweepSpec | null) => void;
  /** Runs the defined sweep from the current experiment; resolves when it ends or is cancelled. */
  start: () => Promise<void>;
  cancel: () => void;
  /** The tag of a run with this config, if it is the sweep's current run. */
  tagFor: (config: Config) => SweepTag | undefined;
}

type TrainingView = Pick<TrainingState, 'status' | 'runConfig' | 'error' | 'play' | 'pause' | 'reset'> & { refused?: string | null };
export interface SweepDeps {
  getConfig: () => Config;
  setConfig: (c: Config) => void;
  training: { getState: () => TrainingView; subscribe: (l: (s: TrainingView) => void) => () => void };
  notify: (text: string, kind: 'info' | 'warning') => void;
  clock?: () => number;
}

export function createSweepStore(deps: SweepDeps): UseBoundStore<StoreApi<SweepState>> {
  const clock = deps.clock ?? (() => performance.now());
  let cancelled = false;
  const wakers = new Set<() => void>();

  /** Resolves once `pred` holds for the training state (checked now and on every change), or the sweep is cancelled. */
  function until(pred: (s: TrainingView) => boolean): Promise<void> {
    return new Promise((done) => {
      let unsubscribe = () => {};
      const finish = () => {
        unsubscribe();
        wakers.delete(finish);
        done();
      };
      if (cancelled || pred(deps.training.getState())) return done();
      wakers.add(finish);
      unsubscribe = deps.training.subscribe((s) => {
        if (pred(s)) finish();
      });
    });
  }

  return create<SweepState>((set, get) => ({
    spec: null,
    status: 'idle',
    sweepId: null,
    index: 0,
    total: 0,
    etaSec: null,
    current: null,
    problems: [],

    define: (spec) => {
      if (get().status === 'running') return;
      set({ spec, problems: [] });
    },

    start: async () => {
      const spec = get().spec;
      if (!spec || get().status === 'running') return;
      cancelled = false;
      const { jobs, problems } = sweepJobs(deps.getConfig(), spec);
      const sweepId = newRunId();
      set({ status: 'running', sweepId, index: 0, total: jobs.length, etaSec: null, problems });
      if (problems.length) deps.notify(`Sweep: ${problems.length} combination${problems.length > 1 ? 's' : ''} left out: ${problems[0]}`, 'warning');
      const took: number[] = [];
      for (let i = 0; i < jobs.length && !cancelled; i++) {
        const job = jobs[i];
        const link = configToQuery(job.config);
        set({ index: i + 1, current: { id: sweepId, key: spec.key, value: job.value, seed: job.seed, link } });
        const t0 = clock();
        deps.setConfig(job.config);
        deps.training.getState().reset();
        // the workers have built this run's data (or refused it)
        await until((s) => (s.runConfig !== null && configToQuery(s.runConfig) === link && s.status !== 'running') || s.status === 'error' || !!s.refused);
        if (cancelled) break;
        const ready = deps.training.getState();
        if (ready.status === 'error' || ready.refused) {
          const why = ready.refused ?? ready.error ?? 'the run failed';
          set((s) => ({ problems: [...s.problems, `${spec.key} ${String(job.value)}, seed ${job.seed}: ${why}`] }));
          continue;
        }
        ready.play();
        // done, failed, or the experiment changed under the sweep (a slider moved, a link opened: a reset)
        const moved = (s: TrainingView) => s.runConfig === null || configToQuery(s.runConfig) !== link;
        await until((s) => s.status === 'done' || s.status === 'error' || moved(s));
        if (cancelled) break;
        if (moved(deps.training.getState())) {
          const why = 'the experiment was changed during the sweep, so it stopped';
          set((s) => ({ problems: [...s.problems, why] }));
          deps.notify(`Sweep over ${spec.key} stopped at run ${i + 1} of ${jobs.length}: ${why}.`, 'warning');
          cancelled = true;
          break;
        }
        if (deps.training.getState().status === 'error') {
          set((s) => ({ problems: [...s.problems, `${spec.key} ${String(job.value)}, seed ${job.seed}: ${deps.training.getState().error ?? 'failed'}`] }));
        }
        took.push((clock() - t0) / 1000);
        const mean = took.reduce((a, b) => a + b, 0) / took.length;
        set({ etaSec: mean * (jobs.length - i - 1) });
      }
      set({ status: cancelled ? 'cancelled' : 'done', current: null, etaSec: cancelled ? null : 0 });
      if (!cancelled) deps.notify(`Sweep over ${spec.key} finished: ${took.length} of ${runCount(spec)} runs.`, 'info');
    },

    cancel: () => {
      if (get().status !== 'running') return;
      cancelled = true;
      deps.training.getState().pause();
      for (const w of [...wakers]) w();
    },

    tagFor: (config) => {
      const c = get().current;
      if (!c || configToQuery(config) !== c.link) return undefined;
      return { id: c.id, key: c.key, value: c.value, seed: c.seed };
    },
  }));
}

export const useSweepStore = createSweepStore({
  getConfig: () => useExperimentStore.getState().config,
  setConfig: (c) => useExperimentStore.getState().setConfig(c),
  training: useTrainingStore,
  notify: (text, kind) => useExperimentStore.getState().notify(text, kind),
});
