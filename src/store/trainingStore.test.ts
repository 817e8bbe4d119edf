import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import type { WorkerLike } from '../worker/client';
import type { FromWorker, FromWorkerTagged, ToWorker } from '../worker/protocol';
import { useExperimentStore } from './experimentStore';
import { disconnectTraining, flushMessages, setWorkerFactory, useTrainingStore } from './trainingStore';

function fakeWorker() {
  const posted: ToWorker[] = [];
  const w: WorkerLike = { postMessage: (m) => posted.push(m), terminate: () => {}, onmessage: null, onerror: null };
  /** Sends a message of the page's latest run (or of `run`). */
  const send = (m: FromWorker, run?: number) => {
    const last = [...posted].reverse().find((x) => x.type === 'init');
    const tagged = { ...m, run: run ?? (last?.type === 'init' ? last.run : 0) } as FromWorkerTagged;
    w.onmessage?.({ data: tagged } as MessageEvent<FromWorkerTagged>);
    flushMessages();
  };
  return { w, posted, send };
}

afterEach(() => {
  disconnectTraining();
  useExperimentStore.setState({ config: DEFAULT_CONFIG, notices: [] });
  vi.useRealTimers();
});

describe('trainingStore', () => {
  it('starts the worker with the current config and sends commands', () => {
    const f = fakeWorker();
    setWorkerFactory(() => f.w);
    useTrainingStore.getState().connect();
    expect(f.posted[0]).toMatchObject({ type: 'init', config: DEFAULT_CONFIG });
    useTrainingStore.getState().toggle();
    expect(f.posted.at(-1)).toEqual({ type: 'play' });
    f.send({ type: 'state', running: true, step: 0, done: false });
    expect(useTrainingStore.getState().status).toBe('running');
    useTrainingStore.getState().toggle();
    expect(f.posted.at(-1)).toEqual({ type: 'pause' });
    f.send({ type: 'state', running: false, step: 7, done: false });
    expect(useTrainingStore.getState()).toMatchObject({ status: 'paused', step: 7 });
    useTrainingStore.getState().stepOnce();
    expect(f.posted.at(-1)).toEqual({ type: 'step' });
  });

  it('shows the first OOD example and reports backend fallbacks and errors as notices', () => {
    const f = fakeWorker();
    setWorkerFactory(() => f.w);
    useTrainingStore.getState().connect();
    f.send({
      type: 'examples',
      vocab: { entities: 10, relations: 3, hops: 2 },
      examples: [
        { split: 'idTwoHop', prompt: [1, 10, 11], text: 'e1 r0 r1' },
        { split: 'oodTwoHop', prompt: [2, 11, 12], text: 'e2 r1 r2' },
      ],
      config: DEFAULT_CONFIG,
      hash: 'abc',
    });
    expect(f.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [2, 11, 12] } });
    f.send({ type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not available here', 'webgl: failed to initialise'] });
    expect(useTrainingStore.getState().backend).toBe('wasm');
    const notices = useExperimentStore.getState().notices.map((n) => n.text);
    expect(notices).toContain('Training on wasm: webgpu: not available here; webgl: failed to initialise.');
    f.send({ type: 'loss', arm: 'cot', steps: [9, 10], losses: [2, NaN] });
    expect(useExperimentStore.getState().notices.at(-1)?.text).toMatch(/CoT arm diverged.*step 10/);
    f.send({ type: 'error', message: 'out of memory' });
    expect(useTrainingStore.getState().status).toBe('error');
    expect(useExperimentStore.getState().notices.at(-1)?.text).toBe('Training stopped: out of memory');
  });

  it('resets with the new config when the experiment changes (debounced)', () => {
    vi.useFakeTimers();
    const f = fakeWorker();
    setWorkerFactory(() => f.w);
    useTrainingStore.getState().connect();
    f.send({ type: 'state', running: false, step: 5, done: false });
    useExperimentStore.getState().setParam('entities', 300);
    useExperimentStore.getState().setParam('entities', 310);
    vi.advanceTimersByTime(300);
    const inits = f.posted.filter((m) => m.type === 'init');
    expect(inits).toHaveLength(2);
    expect(inits[1]).toMatchObject({ config: { entities: 310 } });
    expect(useTrainingStore.getState().step).toBe(0);
    // the old run's last messages, still in flight, are dropped
    const oldRun = (inits[0] as { run: number }).run;
    f.send({ type: 'state', running: false, step: 9, done: false }, oldRun);
    f.send({ type: 'loss', arm: 'cot', steps: [9], losses: [1] }, oldRun);
    expect(useTrainingStore.getState()).toMatchObject({ step: 0, status: 'idle', losses: { cot: [] } });
    f.send({ type: 'state', running: false, step: 0, done: false });
    expect(useTrainingStore.getState().status).toBe('idle');
  });
});
