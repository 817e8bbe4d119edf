/**
 * The training run as the page sees it: status, step, pace, backend, per-arm metrics and the latest attention
 * maps and logit lens, all fed by the training workers — one worker per arm, so that the two arms train on
 * two cores. The page never touches tfjs; it only sends commands (to every arm's worker) and merges what the
 * workers report (reduce.ts). Worker messages are buffered and applied together a few times a second, so
 * charts re-render at a calm pace. When the experiment's config changes, the run is reset with the new config
 * (and workers are started or stopped when the arms change).
 *
 * A training client is an object: createTrainingStore(deps) builds one with its worker factory and the
 * experiment it follows; everything it holds lives in it (nothing at module level, nothing happens at import).
 * The page's one client is `useTrainingStore`; a test builds its own with fake workers.
 *
 * Each run is saved under a run record id (a new one at every reset): the workers write their checkpoints under
 * it after every evaluation, the run recorder (runRecorder.ts) its rows. `resume(record)` goes on with a saved
 * run from its checkpoints, under the same id.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { FromWorker, FromWorkerTagged, InspectRequest, TestHooks, ToWorker } from '../worker/protocol';
// values from src/train/* would pull tfjs onto the main thread: only types from there
import { initialTrainingData, markRunning, reduce, type TrainingData } from './reduce';
import { noticesOf, type Notice } from './notices';
import { ARMS, type Arm, armsOf } from '../experiment/domain';
import { checkBrowserBudget } from '../data/memoryBudget';
import { configToQuery } from '../experiment/link';
import { totalSteps as runSteps } from '../experiment/phases';
import type { Config } from '../experiment/schema';
import { newRunId } from '../runs/record';
import { headlineSplit, taskSourceOf } from '../tasks/registry';
import { useExperimentStore } from './experimentStore';
import { startTrainingWorker, type WorkerLike } from './workers';

export type { TrainingStatus, LossPoint, ArmState } from './reduce';

export interface TrainingState extends TrainingData {
  /** The query shown in the attention maps and the logit lens. */
  example: InspectRequest | null;
  connected: boolean;
  /**
   * Why the current config is not trained (too big for a browser tab: the estimated memory and what to lower),
   * or null. No worker runs while it is set.
   */
  refused: string | null;
  /** The run record this run is saved under: a new id at every reset; a resumed run keeps its record's. */
  recordId: string | null;
  /** The run went on from a saved run's checkpoints (resume), rather than from step 0. */
  resumed: boolean;
  /** Starts the workers with the current config (idempotent). */
  connect: () => void;
  play: () => void;
  pause: () => void;
  toggle: () => void;
  stepOnce: () => void;
  /** A fresh run (new weights) with the current config. */
  reset: () => void;
  /**
   * Goes on with a saved run: its experiment becomes the current one (the link), the workers start from its
   * checkpoints under the same record id, and it plays.
   */
  resume: (run: { id: string; config: Config }) => void;
  /** Chooses the query for the attention maps and the logit lens. */
  inspect: (prompt: number[]) => void;
  /** Stops the workers and forgets the run; the next connect() starts afresh. */
  disconnect: () => void;
}

/** What a training client needs of the experiment being designed (src/store/experimentStore.ts). */
export interface ExperimentSource {
  getState: () => { config: Config; setConfig: (c: Config) => void; notify: (text: string, kind?: 'info' | 'warning') => void };
  subscribe: (listener: (s: { config: Config }, prev: { config: Config }) => void) => () => void;
}

export interface TrainingDeps {
  /** Starts the worker of an arm. */
  startWorker: (arm: Arm) => WorkerLike;
  experiment: ExperimentSource;
  /** How long worker messages are buffered before they are applied together (ms); 0 applies each at once. */
  flushMs?: number;
  /** Test hooks for the workers (protocol.ts TestHooks), or undefined; by default those a browser test set on the page. */
  testHooks?: () => TestHooks | undefined;
  /** A new run record id. */
  newRecordId?: () => string;
}

const FLUSH_MS = 300;
const RESET_DEBOUNCE_MS = 250;

/**
 * Test hooks for the workers (protocol.ts TestHooks): only when a browser test defined
 * `globalThis.__COT_TEST_HOOKS__` before the page's scripts ran; nothing a user can set reaches this.
 */
function pageTestHooks(): TestHooks | undefined {
  const h = (globalThis as { __COT_TEST_HOOKS__?: unknown }).__COT_TEST_HOOKS__;
  if (!h || typeof h !== 'object') return undefined;
  const { faults, selfCheckError } = h as TestHooks;
  return { faults: faults === true, ...(typeof selfCheckError === 'number' && Number.isFinite(selfCheckError) ? { selfCheckError } : {}) };
}

export function createTrainingStore(deps: TrainingDeps): UseBoundStore<StoreApi<TrainingState>> {
  const flushMs = deps.flushMs ?? FLUSH_MS;
  const testHooks = deps.testHooks ?? pageTestHooks;
  const newRecordId = deps.newRecordId ?? (() => newRunId());
  const experiment = deps.experiment;
  const notify = (text: string, kind: 'info' | 'warning') => experiment.getState().notify(text, kind);

  /** The worker of each arm that trains. */
  let workers: Partial<Record<Arm, WorkerLike>> = {};
  let started = false;
  let pending: { m: FromWorker; from: Arm }[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let resetTimer: ReturnType<typeof setTimeout> | null = null;
  let unfollow: (() => void) | null = null;
  /** Notices already shown: backend fallbacks and storage problems for the client's life; the rest per run. */
  let lastBackendNotice = '';
  const lifeNotices = new Set<string>();
  let runNotices = new Set<string>();
  /** Number of the current run; messages of older runs (still in flight after a reset) are dropped. */
  let runId = 0;
  /** The task whose vocabulary the chosen query is written in (a query of another task means nothing). */
  let exampleTask: string | null = null;
  /** Numbers play, pause and step; each arm's last one: a state the worker sent before acting on it is dropped. */
  let command = 0;
  let awaiting: Partial<Record<Arm, number>> = {};

  const store = create<TrainingState>((set, get) => {
    /** Sends a command to the worker of every training arm (or of `arms`). */
    function post(m: ToWorker, arms: readonly Arm[] = ARMS): void {
      if (m.type === 'play' || m.type === 'pause' || m.type === 'step') {
        const cmd = ++command;
        for (const a of arms) if (workers[a]) awaiting[a] = cmd;
        m = { ...m, cmd };
      }
      for (const a of arms) workers[a]?.postMessage(m);
    }

    /** Shows a notice (notices.ts) unless it was shown already: this run, this client's life, or as the last backend notice. */
    function show(n: Notice): void {
      if (n.once === 'backend') {
        if (n.text === lastBackendNotice) return;
        lastBackendNotice = n.text;
      } else {
        const told = n.once === 'life' ? lifeNotices : runNotices;
        if (told.has(n.text)) return;
        told.add(n.text);
      }
      notify(n.text, n.kind);
    }

    /** Applies all buffered messages in one state update. */
    function flush(): void {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      const msgs = pending;
      pending = [];
      if (msgs.length === 0) return;
      const now = performance.now();
      set((s) => {
        let next: TrainingData = s;
        for (const { m, from } of msgs) next = reduce(next, m, now, from);
        return next;
      });
      for (const { m, from } of msgs) afterMessage(m, from);
    }

    /** Side effects of a message, after the state holds it: its notices, and what the client does about it. */
    function afterMessage(m: FromWorker, from: Arm): void {
      const s = get();
      for (const n of noticesOf(m, from, s, experiment.getState().config.backend)) show(n);
      if (m.type === 'error') {
        // the arm's worker failed (or crashed): drop it, so that Reset starts a fresh one; the other arm goes on
        workers[from]?.terminate();
        delete workers[from];
      } else if (m.type === 'examples') {
        // keep the chosen query when it is of the same task and still fits the new vocabulary (no end or padding
        // token, short enough); otherwise show the first query of the task's headline split
        const e = s.example;
        const v = m.vocab;
        const fits =
          !!e &&
          exampleTask === v.task &&
          e.prompt.length > 0 &&
          e.prompt.length < v.contextLength &&
          e.prompt.every((t) => Number.isInteger(t) && t >= 0 && t < v.names.length && t !== v.eos && t !== v.pad);
        const headline = headlineSplit(m.config).id;
        const chosen = fits ? e : (m.examples.find((x) => x.split === headline) ?? m.examples[0] ?? null);
        exampleTask = v.task;
        if (chosen) {
          if (!fits) set({ example: { prompt: chosen.prompt } });
          post({ type: 'inspect', example: { prompt: chosen.prompt } }, [from]);
        }
      }
    }

    function receive(from: Arm, tagged: FromWorkerTagged | FromWorker): void {
      if ('run' in tagged && tagged.run !== runId) return;
      // a state from before the worker acted on the page's last command (e.g. init's, after an early Play) is stale
      if (tagged.type === 'state' && 'ack' in tagged && typeof tagged.ack === 'number' && tagged.ack < (awaiting[from] ?? 0)) return;
      const m = tagged as FromWorker;
      pending.push({ m, from });
      // errors and state changes show at once; the rest is batched
      if (flushMs <= 0 || m.type === 'error' || m.type === 'stopped' || m.type === 'state' || m.type === 'backend') flush();
      else if (!flushTimer) flushTimer = setTimeout(flush, flushMs);
    }

    /** Starts the workers of `arms` that are missing and stops the others. Returns an error message or null. */
    function ensureWorkers(arms: Arm[]): string | null {
      for (const a of ARMS) {
        if (!arms.includes(a) && workers[a]) {
          workers[a]!.terminate();
          delete workers[a];
        }
      }
      for (const a of arms) {
        if (workers[a]) continue;
        let w: WorkerLike;
        try {
          w = deps.startWorker(a);
        } catch (e) {
          return `The training worker could not start: ${e instanceof Error ? e.message : String(e)}`;
        }
        w.onmessage = (e: MessageEvent<FromWorkerTagged>) => receive(a, e.data);
        w.onerror = (e) => {
          e.preventDefault?.();
          // an error event without a message is a module that failed to load (before any message came)
          const loaded = get().armProgress[a]?.backend;
          receive(a, { type: 'error', message: e.message || (loaded ? 'the training worker failed' : 'the training worker could not load its code') });
        };
        workers[a] = w;
      }
      return null;
    }

    /** Follows the experiment: a new config means a new run (debounced, so dragging a slider resets once). */
    function follow(): void {
      unfollow ??= experiment.subscribe((s, prev) => {
        if (s.config === prev.config || !started) return;
        if (resetTimer) clearTimeout(resetTimer);
        resetTimer = setTimeout(() => get().reset(), RESET_DEBOUNCE_MS);
      });
    }

    /** A run of the current config (fresh, or the record `resume` from its checkpoints): every arm's worker gets the same config and run number. */
    function init(resume: string | null = null): void {
      if (resetTimer) clearTimeout(resetTimer);
      resetTimer = null;
      pending = [];
      awaiting = {};
      runNotices = new Set();
      const config = experiment.getState().config;
      const arms = armsOf(config);
      started = true;
      follow();
      const run = { recordId: resume ?? newRecordId(), resumed: resume !== null };
      // too big for a tab: no worker starts (those running stop, freeing their memory); Play stays off
      const budget = checkBrowserBudget(config);
      if (!budget.ok) {
        ensureWorkers([]);
        runId++;
        set({ ...initialTrainingData(runSteps(config), arms), ...run, connected: false, refused: `Not started: ${budget.message}.` });
        return;
      }
      const failed = ensureWorkers(arms);
      set({ ...initialTrainingData(runSteps(config), arms), ...run, connected: failed === null, refused: null });
      if (failed) {
        set({ status: 'error', error: failed });
        notify(failed, 'warning');
        return;
      }
      runId++;
      const test = testHooks();
      const taskFile = taskSourceOf(config);
      for (const arm of arms) {
        post(
          {
            type: 'init',
            config,
            run: runId,
            arm,
            record: run.recordId,
            ...(resume ? { resume: true } : {}),
            ...(test ? { test } : {}),
            ...(taskFile ? { taskFile } : {}),
          },
          [arm],
        );
      }
    }

    /** The state of a client that follows nothing yet (also what disconnect() goes back to). */
    const idle = () => ({
      ...initialTrainingData(runSteps(experiment.getState().config)),
      example: null,
      connected: false,
      refused: null,
      recordId: null,
      resumed: false,
    });

    return {
      ...idle(),
      connect: () => {
        if (!started) init();
      },
      play: () => {
        if (!started) get().connect();
        const s = get();
        if (s.status === 'running' || s.status === 'done' || s.status === 'error' || s.refused !== null) return;
        set(markRunning(s));
        post({ type: 'play' });
      },
      pause: () => {
        if (get().status !== 'running') return;
        post({ type: 'pause' });
      },
      toggle: () => (get().status === 'running' ? get().pause() : get().play()),
      stepOnce: () => {
        if (!started) get().connect();
        const s = get();
        if (s.status === 'done' || s.status === 'error' || s.refused !== null) return;
        post({ type: 'step' });
      },
      reset: () => init(),
      resume: (run) => {
        const e = experiment.getState();
        // the saved run's experiment becomes the current one (the address follows); init() cancels the reset it schedules
        if (configToQuery(e.config) !== configToQuery(run.config)) e.setConfig(run.config);
        init(run.id);
        get().play();
      },
      inspect: (prompt) => {
        exampleTask = get().vocab?.task ?? experiment.getState().config.task;
        set({ example: { prompt } });
        post({ type: 'inspect', example: { prompt } });
      },
      disconnect: () => {
        for (const a of ARMS) workers[a]?.terminate();
        workers = {};
        started = false;
        pending = [];
        if (flushTimer) clearTimeout(flushTimer);
        if (resetTimer) clearTimeout(resetTimer);
        flushTimer = resetTimer = null;
        unfollow?.();
        unfollow = null;
        lastBackendNotice = '';
        lifeNotices.clear();
        runNotices = new Set();
        set(idle());
      },
    };
  });
  return store;
}

/** The page's training client: its workers are the real ones, its experiment the designer's. */
export const useTrainingStore = createTrainingStore({
  startWorker: startTrainingWorker,
  experiment: useExperimentStore,
});
