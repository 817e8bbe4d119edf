/**
 * The training run as the page sees it: status, step, pace, backend, per-arm metrics and the latest attention
 * maps and logit lens, all fed by the training worker. The page never touches tfjs; it only sends commands.
 * Worker messages are buffered and applied together a few times a second, so charts re-render at a calm pace.
 * When the experiment's config changes, the run is reset with the new config.
 */
import { create } from 'zustand';
import { useExperimentStore } from './experimentStore';
import { startTrainingWorker, type WorkerLike } from '../worker/client';
import type { FromWorker, FromWorkerTagged, InspectRequest, ToWorker } from '../worker/protocol';
import { initialTrainingData, reduce, type TrainingData } from '../worker/reduce';

export type { TrainingStatus, LossPoint } from '../worker/reduce';
export type { MetricRow } from '../train/experiment';

export interface TrainingState extends TrainingData {
  /** The query shown in the attention maps and the logit lens. */
  example: InspectRequest | null;
  connected: boolean;
  /** Starts the worker with the current config (idempotent). */
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

let worker: WorkerLike | null = null;
let workerFactory: () => WorkerLike = startTrainingWorker;
let pending: FromWorker[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let resetTimer: ReturnType<typeof setTimeout> | null = null;
let lastBackendNotice = '';
/** Number of the current run; messages of older runs (still in flight after a reset) are dropped. */
let runId = 0;

/** Tests: replace the worker with a fake. */
export function setWorkerFactory(f: () => WorkerLike): void {
  workerFactory = f;
}

function post(m: ToWorker): void {
  worker?.postMessage(m);
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
  const before = useTrainingStore.getState().diverged;
  useTrainingStore.setState((s) => {
    let next: TrainingData = s;
    for (const m of msgs) next = reduce(next, m, now);
    return next;
  });
  const after = useTrainingStore.getState();
  for (const arm of ['cot', 'direct'] as const) {
    if (after.diverged[arm] !== undefined && before[arm] === undefined) {
      useExperimentStore
        .getState()
        .notify(`The ${arm === 'cot' ? 'CoT' : 'direct'} arm diverged: its training loss is not a number from step ${after.diverged[arm]} on (backend ${after.backend ?? '?'}). Try a lower learning rate or another backend.`, 'warning');
    }
  }
  for (const m of msgs) afterMessage(m);
}

/** Side effects of a message, after the state holds it. */
function afterMessage(m: FromWorker): void {
  const store = useTrainingStore.getState();
  if (m.type === 'backend') backendNotice(m);
  else if (m.type === 'notice') useExperimentStore.getState().notify(m.messages, 'warning');
  else if (m.type === 'error') useExperimentStore.getState().notify(`Training stopped: ${m.message}`, 'warning');
  else if (m.type === 'examples') {
    // keep the chosen query when it still fits the new vocabulary; otherwise show the first OOD query
    const e = store.example;
    const fits = e && e.prompt.every((t) => t >= 0 && t < m.vocab.entities + m.vocab.relations);
    const chosen = fits ? e : (m.examples.find((x) => x.split === 'oodTwoHop') ?? m.examples[0] ?? null);
    if (chosen) {
      useTrainingStore.setState({ example: { prompt: chosen.prompt } });
      post({ type: 'inspect', example: { prompt: chosen.prompt } });
    }
  }
}

function receive(tagged: FromWorkerTagged | FromWorker): void {
  if ('run' in tagged && tagged.run !== runId) return;
  const m = tagged as FromWorker;
  pending.push(m);
  // errors and state changes show at once; the rest is batched
  if (m.type === 'error' || m.type === 'state' || m.type === 'backend') flushMessages();
  else if (!flushTimer) flushTimer = setTimeout(flushMessages, FLUSH_MS);
}

function init(): void {
  pending = [];
  const config = useExperimentStore.getState().config;
  useTrainingStore.setState({ ...initialTrainingData(config.steps), connected: true });
  post({ type: 'init', config, run: ++runId });
}

export const useTrainingStore = create<TrainingState>((set, get) => ({
  ...initialTrainingData(useExperimentStore.getState().config.steps),
  example: null,
  connected: false,
  connect: () => {
    if (worker) return;
    try {
      worker = workerFactory();
    } catch (e) {
      const message = `The training worker could not start: ${e instanceof Error ? e.message : String(e)}`;
      set({ status: 'error', error: message });
      useExperimentStore.getState().notify(message, 'warning');
      return;
    }
    worker.onmessage = (e: MessageEvent<FromWorkerTagged>) => receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      // an error event without a message is a module that failed to load (before any message came)
      receive({ type: 'error', message: e.message || (get().backend ? 'the training worker failed' : 'the training worker could not load its code') });
    };
    init();
  },
  play: () => {
    const s = get();
    if (!worker) s.connect();
    if (s.status === 'running' || s.status === 'done' || s.status === 'error') return;
    set({ status: 'running' });
    post({ type: 'play' });
  },
  pause: () => {
    if (get().status !== 'running') return;
    post({ type: 'pause' });
  },
  toggle: () => (get().status === 'running' ? get().pause() : get().play()),
  stepOnce: () => {
    const s = get();
    if (!worker) s.connect();
    if (s.status === 'done' || s.status === 'error') return;
    post({ type: 'step' });
  },
  reset: () => {
    if (resetTimer) clearTimeout(resetTimer);
    resetTimer = null;
    if (!worker) return get().connect();
    init();
  },
  inspect: (prompt) => {
    set({ example: { prompt } });
    post({ type: 'inspect', example: { prompt } });
  },
}));

// a new config means a new experiment: reset (debounced, so dragging a slider resets once)
useExperimentStore.subscribe((s, prev) => {
  if (s.config === prev.config || !worker) return;
  if (resetTimer) clearTimeout(resetTimer);
  resetTimer = setTimeout(() => useTrainingStore.getState().reset(), RESET_DEBOUNCE_MS);
});

/** Tests: stop the worker and forget everything. */
export function disconnectTraining(): void {
  worker?.terminate();
  worker = null;
  pending = [];
  if (flushTimer) clearTimeout(flushTimer);
  if (resetTimer) clearTimeout(resetTimer);
  flushTimer = resetTimer = null;
  lastBackendNotice = '';
  useTrainingStore.setState({ ...initialTrainingData(useExperimentStore.getState().config.steps), example: null, connected: false });
}
