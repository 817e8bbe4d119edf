/**
 * The training run as the page sees it: status, step, pace, backend, per-arm metrics and the latest attention
 * maps and logit lens, all fed by the training workers — one worker per arm, so that the two arms train on
 * two cores. The page never touches tfjs; it only sends commands (to every arm's worker) and merges what the
 * workers report (src/worker/reduce.ts). Worker messages are buffered and applied together a few times a
 * second, so charts re-render at a calm pace. When the experiment's config changes, the run is reset with the
 * new config (and workers are started or stopped when the arms change).
 */
import { create } from 'zustand';
import { useExperimentStore } from './experimentStore';
import { startTrainingWorker, type WorkerLike } from '../worker/client';
import type { FromWorker, FromWorkerTagged, InspectRequest, TestHooks, ToWorker } from '../worker/protocol';
// values from src/train/* would pull tfjs onto the main thread: only types from there
import { hashMismatch, initialTrainingData, markRunning, reduce, type TrainingData } from '../worker/reduce';
import { ARM_LABEL, ARMS, type Arm, armStoppedText, armsOf } from '../experiment/domain';
import { checkBrowserBudget } from '../experiment/budget';
import { totalSteps as runSteps } from '../experiment/phases';

export type { TrainingStatus, LossPoint, ArmRun } from '../worker/reduce';

export interface TrainingState extends TrainingData {
  /** The query shown in the attention maps and the logit lens. */
  example: InspectRequest | null;
  connected: boolean;
  /**
   * Why the current config is not trained (too big for a browser tab: the estimated memory and what to lower),
   * or null. No worker runs while it is set.
   */
  refused: string | null;
  /** Starts the workers with the current config (idempotent). */
  connect: () => void;
  play: () => void;
  pause: () => void;
  toggle: () => void;
  stepOnce: () => void;
  /** A fresh run (new weights) with the current config. */
  reset: () => void;
  /** Chooses the query for the attention maps and the logit lens. */
  inspect: (prompt: number[]) => void;
}

const FLUSH_MS = 300;
const RESET_DEBOUNCE_MS = 250;

/** The worker of each arm that trains. */
let workers: Partial<Record<Arm, WorkerLike>> = {};
let started = false;
let workerFactory: (arm: Arm) => WorkerLike = startTrainingWorker;
let pending: { m: FromWorker; from: Arm }[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let resetTimer: ReturnType<typeof setTimeout> | null = null;
/** Notices already shown (backend fallbacks for the page's life; the rest for the current run). */
let lastBackendNotice = '';
let runNotices = new Set<string>();
/** Number of the current run; messages of older runs (still in flight after a reset) are dropped. */
let runId = 0;

/**
 * Test hooks for the workers (protocol.ts TestHooks): only when a browser test defined
 * `globalThis.__COT_TEST_HOOKS__` before the page's scripts ran; nothing a user can set reaches this.
 */
function testHooks(): TestHooks | undefined {
  const h = (globalThis as { __COT_TEST_HOOKS__?: unknown }).__COT_TEST_HOOKS__;
  if (!h || typeof h !== 'object') return undefined;
  const { faults, selfCheckError } = h as TestHooks;
  return { faults: faults === true, ...(typeof selfCheckError === 'number' && Number.isFinite(selfCheckError) ? { selfCheckError } : {}) };
}

/** Tests: replace the workers with fakes. */
export function setWorkerFactory(f: (arm: Arm) => WorkerLike): void {
  workerFactory = f;
}

/** Sends a command to the worker of every training arm (or of `arms`). */
function post(m: ToWorker, arms: readonly Arm[] = ARMS): void {
  for (const a of arms) workers[a]?.postMessage(m);
}

/** A warning shown once per run. */
function noticeOnce(text: string, kind: 'info' | 'warning' = 'warning'): void {
  if (runNotices.has(text)) return;
  runNotices.add(text);
  useExperimentStore.getState().notify(text, kind);
}

function backendNotice(m: Extract<FromWorker, { type: 'backend' }>): void {
  if (m.fallbacks.length === 0) return;
  const requested = useExperimentStore.getState().config.backend;
  const text = `Training on ${m.backend}: ${m.fallbacks.join('; ')}.`;
  if (text === lastBackendNotice) return;
  lastBackendNotice = text;
  useExperimentStore.getState().notify(text, requested === 'auto' ? 'info' : 'warning');
}

/** Applies all buffered messages in one state update. */
export function flushMessages(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  const msgs = pending;
  pending = [];
  if (msgs.length === 0) return;
  const now = performance.now();
  useTrainingStore.setState((s) => {
    let next: TrainingData = s;
    for (const { m, from } of msgs) next = reduce(next, m, now, from);
    return next;
  });
  for (const { m, from } of msgs) afterMessage(m, from);
}

/** Side effects of a message, after the state holds it. */
function afterMessage(m: FromWorker, from: Arm): void {
  const store = useTrainingStore.getState();
  if (m.type === 'backend') {
    backendNotice(m);
    const used = store.arms.map((a) => store.runs[a]?.backend ?? null);
    if (used.every((b) => b !== null) && new Set(used).size > 1) {
      noticeOnce(
        `The arms train on different backends (${store.arms.map((a, i) => `${ARM_LABEL[a]} on ${used[i]}`).join(', ')}), so their speeds are not comparable.`,
        'info',
      );
    }
  } else if (m.type === 'notice') {
    // every worker checks the same config: its corrections show once (per run)
    for (const text of m.messages) noticeOnce(text);
  } else if (m.type === 'stopped') {
    // a non-finite loss: that arm stopped, the others go on
    noticeOnce(armStoppedText(m, liveArms(store)));
  } else if (m.type === 'error') {
    // the arm's worker failed (or crashed): drop it, so that Reset starts a fresh one; the other arm goes on
    workers[from]?.terminate();
    delete workers[from];
    const others = liveArms(store);
    const goOn = others.length
      ? ` The ${others.map((a) => ARM_LABEL[a]).join(' and ')} arm goes on; its curves and what ${ARM_LABEL[from]} drew so far stay.`
      : '';
    noticeOnce(`The ${ARM_LABEL[from]} arm stopped at step ${store.runs[from]?.step ?? 0}: ${m.message.replace(/\.$/, '')}.${goOn} Reset starts a fresh run.`);
  } else if (m.type === 'examples') {
    // keep the chosen query when it still fits the new vocabulary; otherwise show the first OOD query
    const e = store.example;
    const fits = e?.prompt.every((t) => t >= 0 && t < m.vocab.entities + m.vocab.relations);
    const chosen = fits ? e : (m.examples.find((x) => x.split === 'oodTwoHop') ?? m.examples[0] ?? null);
    if (chosen) {
      if (!fits) useTrainingStore.setState({ example: { prompt: chosen.prompt } });
      post({ type: 'inspect', example: { prompt: chosen.prompt } }, [from]);
    }
  }
  if ((m.type === 'examples' || m.type === 'ready') && hashMismatch(store)) {
    const hashes = store.arms.map((a) => `${ARM_LABEL[a]} ${store.runs[a]?.hash}`).join(', ');
    noticeOnce(`The two arms' workers generated different datasets (hashes ${hashes}); the comparison is not fair. Please report this.`);
  }
}

/** The arms still training (not stopped for good). */
function liveArms(s: TrainingData): Arm[] {
  return s.arms.filter((a) => !s.runs[a]?.stopped);
}

function receive(from: Arm, tagged: FromWorkerTagged | FromWorker): void {
  if ('run' in tagged && tagged.run !== runId) return;
  const m = tagged as FromWorker;
  pending.push({ m, from });
  // errors and state changes show at once; the rest is batched
  if (m.type === 'error' || m.type === 'stopped' || m.type === 'state' || m.type === 'backend') flushMessages();
  else if (!flushTimer) flushTimer = setTimeout(flushMessages, FLUSH_MS);
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
      w = workerFactory(a);
    } catch (e) {
      return `The training worker could not start: ${e instanceof Error ? e.message : String(e)}`;
    }
    w.onmessage = (e: MessageEvent<FromWorkerTagged>) => receive(a, e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      // an error event without a message is a module that failed to load (before any message came)
      const loaded = useTrainingStore.getState().runs[a]?.backend;
      receive(a, { type: 'error', message: e.message || (loaded ? 'the training worker failed' : 'the training worker could not load its code') });
    };
    workers[a] = w;
  }
  return null;
}

/** A fresh run of the current config: every arm's worker gets the same config and run number. */
function init(): void {
  pending = [];
  runNotices = new Set();
  const config = useExperimentStore.getState().config;
  const arms = armsOf(config);
  started = true;
  // too big for a tab: no worker starts (those running stop, freeing their memory); Play stays off
  const budget = checkBrowserBudget(config);
  if (!budget.ok) {
    ensureWorkers([]);
    runId++;
    useTrainingStore.setState({ ...initialTrainingData(runSteps(config), arms), connected: false, refused: `Not started: ${budget.message}.` });
    return;
  }
  const failed = ensureWorkers(arms);
  useTrainingStore.setState({ ...initialTrainingData(runSteps(config), arms), connected: failed === null, refused: null });
  if (failed) {
    useTrainingStore.setState({ status: 'error', error: failed });
    useExperimentStore.getState().notify(failed, 'warning');
    return;
  }
  runId++;
  const test = testHooks();
  for (const arm of arms) post({ type: 'init', config, run: runId, arm, ...(test ? { test } : {}) }, [arm]);
}

export const useTrainingStore = create<TrainingState>((set, get) => ({
  ...initialTrainingData(runSteps(useExperimentStore.getState().config)),
  example: null,
  connected: false,
  refused: null,
  connect: () => {
    if (!started) init();
  },
  play: () => {
    const s = get();
    if (!started) s.connect();
    if (s.status === 'running' || s.status === 'done' || s.status === 'error' || get().refused !== null) return;
    set(markRunning(get()));
    post({ type: 'play' });
  },
  pause: () => {
    if (get().status !== 'running') return;
    post({ type: 'pause' });
  },
  toggle: () => (get().status === 'running' ? get().pause() : get().play()),
  stepOnce: () => {
    const s = get();
    if (!started) s.connect();
    if (s.status === 'done' || s.status === 'error' || get().refused !== null) return;
    post({ type: 'step' });
  },
  reset: () => {
    if (resetTimer) clearTimeout(resetTimer);
    resetTimer = null;
    init();
  },
  inspect: (prompt) => {
    set({ example: { prompt } });
    post({ type: 'inspect', example: { prompt } });
  },
}));

// a new config means a new experiment: reset (debounced, so dragging a slider resets once)
useExperimentStore.subscribe((s, prev) => {
  if (s.config === prev.config || !started) return;
  if (resetTimer) clearTimeout(resetTimer);
  resetTimer = setTimeout(() => useTrainingStore.getState().reset(), RESET_DEBOUNCE_MS);
});

/** Tests: stop the workers and forget everything. */
export function disconnectTraining(): void {
  for (const a of ARMS) workers[a]?.terminate();
  workers = {};
  started = false;
  pending = [];
  if (flushTimer) clearTimeout(flushTimer);
  if (resetTimer) clearTimeout(resetTimer);
  flushTimer = resetTimer = null;
  lastBackendNotice = '';
  runNotices = new Set();
  useTrainingStore.setState({ ...initialTrainingData(runSteps(useExperimentStore.getState().config)), example: null, connected: false, refused: null });
}
