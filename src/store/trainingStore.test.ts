import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import type { WorkerLike } from './workers';
import type { FromWorker, FromWorkerTagged, ToWorker } from '../worker/protocol';
import { useExperimentStore } from './experimentStore';
import { createTrainingStore } from './trainingStore';
import type { Arm, MetricRow } from '../experiment/domain';

function fakeWorker(arm: Arm) {
  const posted: ToWorker[] = [];
  let terminated = false;
  const w: WorkerLike = { postMessage: (m) => posted.push(m), terminate: () => (terminated = true), onmessage: null, onerror: null };
  /** Sends a message of the page's latest run (or of `run`). */
  const send = (m: FromWorker & { ack?: number }, run?: number) => {
    const last = [...posted].reverse().find((x) => x.type === 'init');
    const tagged = { ...m, run: run ?? (last?.type === 'init' ? last.run : 0) } as FromWorkerTagged;
    w.onmessage?.({ data: tagged } as MessageEvent<FromWorkerTagged>);
  };
  return { arm, w, posted, send, terminated: () => terminated };
}

/** The training client under test (each test builds its own, with fake workers). */
let useTrainingStore: ReturnType<typeof createTrainingStore>;
let ids = 0;

/** Builds a training client on a factory of fake workers; returns the workers it made, by arm (latest first). */
function fakes() {
  const made: ReturnType<typeof fakeWorker>[] = [];
  ids = 0;
  useTrainingStore = createTrainingStore({
    startWorker: (arm) => {
      const f = fakeWorker(arm);
      made.unshift(f);
      return f.w;
    },
    experiment: useExperimentStore,
    flushMs: 0,
    newRecordId: () => `rec${++ids}`,
  });
  return (arm: Arm) => {
    const f = made.find((x) => x.arm === arm);
    if (!f) throw new Error(`no ${arm} worker`);
    return f;
  };
}

/** A knowledge graph's vocabulary: 10 entities, 3 relations, then </a> and <pad>. */
const KG_VOCAB = {
  task: 'kg',
  names: [...Array.from({ length: 10 }, (_, i) => `e${i}`), 'r0', 'r1', 'r2', '</a>', '<pad>'],
  eos: 13,
  pad: 14,
  contextLength: 7,
};
const examples = (hash = 'abc'): FromWorker => ({
  type: 'examples',
  vocab: KG_VOCAB,
  examples: [
    { split: 'idTwoHop', label: 'ID test multi-hop', prompt: [1, 10, 11], text: 'e1 r0 r1' },
    { split: 'oodTwoHop', label: 'OOD test multi-hop', prompt: [2, 11, 12], text: 'e2 r1 r2' },
  ],
  config: DEFAULT_CONFIG,
  hash,
});

afterEach(() => {
  useTrainingStore?.getState().disconnect();
  useExperimentStore.setState({ config: DEFAULT_CONFIG, notices: [] });
  vi.useRealTimers();
});

describe('trainingStore', () => {
  it('starts one worker per arm, each with its arm, and sends every command to both', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    const direct = worker('direct');
    expect(cot.posted[0]).toMatchObject({ type: 'init', config: DEFAULT_CONFIG, arm: 'cot' });
    expect(direct.posted[0]).toMatchObject({ type: 'init', config: DEFAULT_CONFIG, arm: 'direct' });
    expect((cot.posted[0] as { run: number }).run).toBe((direct.posted[0] as { run: number }).run);
    useTrainingStore.getState().toggle();
    for (const f of [cot, direct]) expect(f.posted.at(-1)).toEqual({ type: 'play', cmd: 1 });
    // the workers' answer to init, sent before they read the Play: it does not undo it (nor does a later Space play twice)
    for (const f of [cot, direct]) f.send({ type: 'state', running: false, step: 0, done: false, ack: 0 });
    expect(useTrainingStore.getState().status).toBe('running');
    cot.send({ type: 'state', running: true, step: 0, done: false, ack: 1 });
    direct.send({ type: 'state', running: true, step: 0, done: false, ack: 1 });
    expect(useTrainingStore.getState().status).toBe('running');
    useTrainingStore.getState().toggle();
    for (const f of [cot, direct]) expect(f.posted.at(-1)).toEqual({ type: 'pause', cmd: 2 });
    // the run's end as Pause made it, but sent before the worker handled the Pause: stale too; then its answer
    cot.send({ type: 'state', running: false, step: 8, done: false, ack: 1 });
    direct.send({ type: 'state', running: false, step: 6, done: false, ack: 1 });
    expect(useTrainingStore.getState().status).toBe('running');
    // the first arm to stop does not stop the run; the step shown is the slower arm's
    cot.send({ type: 'state', running: false, step: 9, done: false, ack: 2 });
    expect(useTrainingStore.getState().status).toBe('running');
    direct.send({ type: 'state', running: false, step: 7, done: false, ack: 2 });
    expect(useTrainingStore.getState()).toMatchObject({ status: 'paused', step: 7 });
    useTrainingStore.getState().stepOnce();
    for (const f of [cot, direct]) expect(f.posted.at(-1)).toEqual({ type: 'step', cmd: 3 });
    useTrainingStore.getState().inspect([3, 10, 12]);
    for (const f of [cot, direct]) expect(f.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [3, 10, 12] } });
  });

  it('shows the first OOD example (each worker is asked once) and reports backend fallbacks and errors as notices', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    const direct = worker('direct');
    cot.send(examples());
    expect(cot.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [2, 11, 12] } });
    expect(direct.posted.filter((m) => m.type === 'inspect')).toHaveLength(0);
    direct.send(examples());
    expect(direct.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [2, 11, 12] } });
    expect(cot.posted.filter((m) => m.type === 'inspect')).toHaveLength(1);
    // a query the user chose stays while it fits the task's vocabulary; one with an end token does not
    useTrainingStore.getState().inspect([3, 10, 12]);
    cot.send(examples());
    expect(cot.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [3, 10, 12] } });
    useTrainingStore.getState().inspect([3, 13]);
    cot.send(examples());
    expect(cot.posted.at(-1)).toEqual({ type: 'inspect', example: { prompt: [2, 11, 12] } });
    const fallback: FromWorker = { type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not available here', 'webgl: failed to initialise'] };
    cot.send(fallback);
    direct.send(fallback);
    expect(useTrainingStore.getState().backend).toBe('wasm');
    const notices = useExperimentStore.getState().notices.map((n) => n.text);
    expect(notices.filter((t) => t === 'Training on wasm: webgpu: not available here; webgl: failed to initialise.')).toHaveLength(1);
    direct.send({ type: 'state', running: true, step: 10, done: false });
    cot.send({ type: 'loss', arm: 'cot', steps: [9, 10], losses: [2, NaN] });
    cot.send({ type: 'stopped', arm: 'cot', step: 10, loss: NaN });
    expect(useExperimentStore.getState().notices.at(-1)?.text).toBe(
      'The CoT arm stopped at step 10: its training loss became NaN (the model diverged). The direct arm goes on. Try a lower learning rate.',
    );
    cot.send({ type: 'state', running: false, step: 10, done: true });
    // the run goes on with the direct arm, and its step is direct's
    direct.send({ type: 'progress', step: 30, running: true });
    expect(useTrainingStore.getState()).toMatchObject({ status: 'running', step: 30 });
    expect(useTrainingStore.getState().armProgress.cot?.stopped).toMatchObject({ step: 10 });
  });

  it('a worker that fails or crashes stops its arm only: notice, its curves kept, the other arm goes on; Reset starts a fresh worker', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    const direct = worker('direct');
    useTrainingStore.getState().play();
    for (const f of [cot, direct]) f.send({ type: 'state', running: true, step: 0, done: false });
    for (const f of [cot, direct]) f.send({ type: 'loss', arm: f.arm, steps: [10, 20], losses: [3, 2] });
    // a crash: the worker's error event (as for an out-of-memory abort)
    cot.w.onerror?.({ message: 'Uncaught RuntimeError: Aborted(OOM)', preventDefault: () => {} } as unknown as ErrorEvent);
    const s = useTrainingStore.getState();
    expect(s.status).toBe('running');
    expect(s.armProgress.cot?.stopped).toMatchObject({ step: 20 });
    expect(s.losses.cot).toHaveLength(2); // what it drew stays
    expect(cot.terminated()).toBe(true);
    expect(direct.terminated()).toBe(false);
    expect(direct.posted.filter((m) => m.type === 'pause')).toHaveLength(0);
    expect(useExperimentStore.getState().notices.at(-1)?.text).toBe(
      'The CoT arm stopped at step 20: Uncaught RuntimeError: Aborted(OOM). The direct arm goes on; its curves and what CoT drew so far stay. Reset starts a fresh run.',
    );
    direct.send({ type: 'state', running: false, step: 300, done: true });
    expect(useTrainingStore.getState()).toMatchObject({ status: 'done', step: 300 });
    // Reset: a fresh CoT worker, both arms initialised again
    useTrainingStore.getState().reset();
    const cot2 = worker('cot');
    expect(cot2).not.toBe(cot);
    expect(cot2.posted[0]).toMatchObject({ type: 'init', arm: 'cot' });
    expect(direct.posted.at(-1)).toMatchObject({ type: 'init', arm: 'direct' });
    expect(useTrainingStore.getState()).toMatchObject({ status: 'idle', step: 0, losses: { cot: [], direct: [] } });
    expect(useTrainingStore.getState().armProgress.cot?.stopped).toBeNull();
  });

  it('a config too big for a tab starts no worker; Play and Step do nothing; the status says why', () => {
    useExperimentStore.setState({ config: { ...DEFAULT_CONFIG, layers: 8, dModel: 512, batch: 1024 } });
    const worker = fakes();
    useTrainingStore.getState().connect();
    expect(() => worker('cot')).toThrow();
    const s = useTrainingStore.getState();
    expect(s.refused).toMatch(/^Not started: estimated [\d.]+ GiB for training, above the 2 GiB a browser tab can count on; lower batch or dModel/);
    s.play();
    s.stepOnce();
    expect(useTrainingStore.getState().status).toBe('idle');
    // a config that fits: the workers start
    useExperimentStore.setState({ config: DEFAULT_CONFIG });
    useTrainingStore.getState().reset();
    expect(worker('cot').posted[0]).toMatchObject({ type: 'init' });
    expect(useTrainingStore.getState().refused).toBeNull();
  });

  it('test hooks reach the workers only when a test defined __COT_TEST_HOOKS__', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    expect(worker('cot').posted[0]).not.toHaveProperty('test');
    (globalThis as { __COT_TEST_HOOKS__?: unknown }).__COT_TEST_HOOKS__ = { faults: true, selfCheckError: 'x' };
    try {
      useTrainingStore.getState().reset();
      expect(worker('cot').posted.at(-1)).toMatchObject({ type: 'init', test: { faults: true } });
      expect(worker('cot').posted.at(-1)).not.toHaveProperty('test.selfCheckError');
    } finally {
      delete (globalThis as { __COT_TEST_HOOKS__?: unknown }).__COT_TEST_HOOKS__;
    }
  });

  it('warns when the workers generated different datasets or train on different backends', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    const texts = () => useExperimentStore.getState().notices.map((n) => n.text);
    worker('cot').send(examples('aaa'));
    worker('direct').send(examples('aaa'));
    expect(texts().filter((t) => /different datasets/.test(t))).toEqual([]);
    useTrainingStore.getState().reset();
    worker('cot').send(examples('aaa'));
    worker('direct').send(examples('bbb'));
    expect(texts().filter((t) => /different datasets/.test(t))).toEqual([expect.stringMatching(/CoT aaa, direct bbb/)]);
    worker('cot').send({ type: 'backend', backend: 'webgpu', fallbacks: [] });
    worker('direct').send({ type: 'backend', backend: 'wasm', fallbacks: [] });
    expect(useTrainingStore.getState().backend).toBe('webgpu / wasm');
    expect(texts().at(-1)).toMatch(/different backends \(CoT on webgpu, direct on wasm\)/);
  });

  it('one arm: one worker; changing the arms starts or stops workers', () => {
    vi.useFakeTimers();
    useExperimentStore.setState({ config: { ...DEFAULT_CONFIG, arms: 'cot' } });
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    expect(() => worker('direct')).toThrow();
    expect(useTrainingStore.getState().arms).toEqual(['cot']);
    cot.send({ type: 'state', running: false, step: 300, done: true });
    expect(useTrainingStore.getState().status).toBe('done');
    useExperimentStore.getState().setParam('arms', 'direct');
    vi.advanceTimersByTime(300);
    expect(cot.terminated()).toBe(true);
    expect(worker('direct').posted[0]).toMatchObject({ type: 'init', arm: 'direct' });
    expect(useTrainingStore.getState()).toMatchObject({ arms: ['direct'], status: 'idle', step: 0 });
  });

  it('each run has its record id (sent to the workers, new at a reset); Resume goes on under the saved one and plays', () => {
    vi.useFakeTimers();
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    expect(cot.posted[0]).toMatchObject({ type: 'init', record: 'rec1' });
    expect(cot.posted[0]).not.toHaveProperty('resume');
    expect(useTrainingStore.getState()).toMatchObject({ recordId: 'rec1', resumed: false });
    useTrainingStore.getState().reset();
    expect(cot.posted.at(-1)).toMatchObject({ type: 'init', record: 'rec2' });
    // Resume a saved run of another experiment: its config becomes the current one, and no debounced reset follows
    const saved = { ...DEFAULT_CONFIG, lambda: 3.6 };
    useTrainingStore.getState().resume({ id: 'rOld', config: saved });
    expect(useExperimentStore.getState().config).toEqual(saved);
    for (const arm of ['cot', 'direct'] as const) {
      const f = worker(arm);
      expect(f.posted.slice(-2)).toEqual([
        { type: 'init', config: saved, run: expect.any(Number), arm, record: 'rOld', resume: true },
        { type: 'play', cmd: expect.any(Number) },
      ]);
    }
    expect(useTrainingStore.getState()).toMatchObject({ recordId: 'rOld', resumed: true, status: 'running' });
    vi.advanceTimersByTime(1000);
    expect(cot.posted.filter((m) => m.type === 'init')).toHaveLength(3);
    // the workers say where they went on from: the rows up to the checkpoint, the step
    const rows = [0, 50, 100].map((step) => ({ step, loss: step ? 1 : null, acc: {}, answerAcc: {} }) as unknown as MetricRow);
    cot.send({ type: 'resumed', arm: 'cot', step: 100, history: rows });
    expect(useTrainingStore.getState().history.cot).toEqual(rows);
    expect(useTrainingStore.getState().checkpoints).toEqual({ cot: 100 });
    expect(useTrainingStore.getState().armProgress.cot?.step).toBe(100);
    // one that cannot: a notice, and it trains from step 0
    worker('direct').send({ type: 'resumed', arm: 'direct', step: 0, history: [], problem: 'no checkpoint of it was saved; it starts again at step 0' });
    expect(useExperimentStore.getState().notices.at(-1)?.text).toBe(
      'The direct arm could not resume: no checkpoint of it was saved; it starts again at step 0.',
    );
  });

  it('a checkpoint the worker could not save (a full disk, no IndexedDB) gives a notice once, never an error', () => {
    const worker = fakes();
    useTrainingStore.getState().connect();
    const quota = { kind: 'quota' as const, text: "The browser's storage for this site is full." };
    for (const step of [10, 20]) worker('cot').send({ type: 'checkpoint', arm: 'cot', step, problem: quota });
    worker('direct').send({ type: 'checkpoint', arm: 'direct', step: 10 });
    const texts = useExperimentStore.getState().notices.map((n) => [n.kind, n.text]);
    expect(texts).toEqual([['warning', expect.stringMatching(/^The browser's storage for this site is full: the run's checkpoint was not saved/)]]);
    expect(useTrainingStore.getState().checkpoints).toEqual({ direct: 10 });
    useTrainingStore.getState().reset();
    worker('cot').send({ type: 'checkpoint', arm: 'cot', step: 10, problem: quota });
    worker('cot').send({ type: 'checkpoint', arm: 'cot', step: 10, problem: { kind: 'unavailable', text: 'no IndexedDB' } });
    expect(useExperimentStore.getState().notices.map((n) => n.kind)).toEqual(['warning', 'info']); // the full disk told once
    expect(useTrainingStore.getState().status).toBe('idle');
  });

  it('resets with the new config when the experiment changes (debounced)', () => {
    vi.useFakeTimers();
    const worker = fakes();
    useTrainingStore.getState().connect();
    const cot = worker('cot');
    cot.send({ type: 'state', running: false, step: 5, done: false });
    useExperimentStore.getState().setParam('entities', 300);
    useExperimentStore.getState().setParam('entities', 310);
    vi.advanceTimersByTime(300);
    const inits = cot.posted.filter((m) => m.type === 'init');
    expect(inits).toHaveLength(2);
    expect(inits[1]).toMatchObject({ config: { entities: 310 } });
    expect(worker('direct').posted.filter((m) => m.type === 'init')).toHaveLength(2);
    expect(useTrainingStore.getState().step).toBe(0);
    // the old run's last messages, still in flight, are dropped
    const oldRun = (inits[0] as { run: number }).run;
    cot.send({ type: 'state', running: false, step: 9, done: false }, oldRun);
    cot.send({ type: 'loss', arm: 'cot', steps: [9], losses: [1] }, oldRun);
    expect(useTrainingStore.getState()).toMatchObject({ step: 0, status: 'idle', losses: { cot: [] } });
    cot.send({ type: 'state', running: false, step: 0, done: false });
    expect(useTrainingStore.getState().status).toBe('idle');
  });
});
