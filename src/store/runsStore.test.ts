import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, type Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { memoryRepo, openRunsRepo, storageProblem, type RunsRepo } from '../runs/db';
import { browserReport, importedRecord } from '../runs/record';
import { reportJson } from '../runs/reportFormat';
import { startRunRecorder, type TrainingView } from './runRecorder';
import { initialArmState } from './reduce';
import { createRunsStore, nextRunName } from './runsStore';

let dbCount = 0;
const freshDb = () => `test-runs-${++dbCount}`;
const SPLITS = taskOf(DEFAULT_CONFIG)
  .splits(DEFAULT_CONFIG)
  .map((s) => s.id);
const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
const row = (step: number, ood: number): MetricRow => ({
  step,
  loss: step ? 1 : null,
  acc: { ...scores(0.5), oodTwoHop: ood, idAtomic: NaN },
  answerAcc: scores(0.6),
});
const report = (config: Config = DEFAULT_CONFIG) =>
  browserReport({
    config,
    backend: 'wasm',
    hash: 'h1',
    arms: ['cot'],
    history: { cot: [row(0, 0), row(10, 0.5)], direct: [] },
    stepsPerSec: {},
    wallSeconds: 1,
  });
const file = (name: string, text: string) => ({ name, size: text.length, text: async () => text });

function setup(openRepo: () => Promise<RunsRepo>) {
  const notices: { text: string; kind: string }[] = [];
  const opened: Config[] = [];
  let t = 1000;
  const store = createRunsStore({ openRepo, notify: (text, kind) => notices.push({ text, kind }), openConfig: (c) => opened.push(c), now: () => t++ });
  return { store, notices, opened };
}

/** A repo whose writes fail as a full disk does. */
function fullRepo(inner: RunsRepo): RunsRepo {
  const quota = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  return { ...inner, put: quota, update: quota };
}

describe('runs storage (IndexedDB via fake-indexeddb)', () => {
  it('keeps runs across stores (a reload): rename, pin, delete and clear all are saved', async () => {
    const name = freshDb();
    const a = setup(() => openRunsRepo(name));
    await a.store.getState().importFile(file('one.json', reportJson(report({ ...DEFAULT_CONFIG, lambda: 3.6 }))));
    await a.store.getState().importFile(file('two.json', reportJson(report({ ...DEFAULT_CONFIG, noise: 0.2 }))));
    await a.store.getState().importFile(file('three.json', reportJson(report({ ...DEFAULT_CONFIG, seed: 3 }))));
    const [three, two, one] = a.store.getState().runs;
    expect([three.name, two.name, one.name]).toEqual(['three', 'two', 'one']); // newest first
    await a.store.getState().rename(one.id, '  λ low\u0007 ');
    await a.store.getState().togglePin(one.id);
    await a.store.getState().remove(two.id);

    const b = setup(() => openRunsRepo(name));
    await b.store.getState().load();
    expect(b.store.getState().storage).toBe('indexeddb');
    expect(b.store.getState().runs.map((r) => [r.name, r.pinned])).toEqual([
      ['λ low', true],
      ['three', false],
    ]); // pinned first
    expect(b.store.getState().runs[0].report.arms.cot!.history[1].acc.idAtomic).toBeNaN();
    expect(await b.store.getState().clearAll()).toBe(1);
    const c = setup(() => openRunsRepo(name));
    await c.store.getState().load();
    expect(c.store.getState().runs.map((r) => r.name)).toEqual(['λ low']); // pinned runs are kept
    c.store.getState().open(c.store.getState().runs[0].id);
    expect(c.opened).toEqual([{ ...DEFAULT_CONFIG, lambda: 3.6 }]);
  });

  it('an import that is not a report gives a notice and changes nothing; the same report twice is skipped', async () => {
    const { store, notices } = setup(() => openRunsRepo(freshDb()));
    const bad = await store.getState().importFile(file('x.json', '{"version":1}'));
    expect(bad.ok).toBe(false);
    expect(notices.at(-1)!.text).toMatch(/^Could not import x\.json: not a run report/);
    const huge = await store.getState().importFile({
      name: 'big.json',
      size: 100e6,
      text: async () => {
        throw new Error('must not be read');
      },
    });
    expect(huge.message).toMatch(/100\.0 MB/);
    await store.getState().importFile(file('r.json', reportJson(report())));
    await store.getState().importFile(file('r again.json', reportJson(report())));
    expect(store.getState().runs).toHaveLength(1);
    expect(notices.at(-1)!.text).toBe('Imported 0 runs from r again.json; 1 already in the list.');
  });

  it('several files at once: one notice, with the problem of each file that failed', async () => {
    const { store, notices } = setup(() => openRunsRepo(freshDb()));
    await store
      .getState()
      .importFiles([
        file('a.json', reportJson(report({ ...DEFAULT_CONFIG, seed: 1 }))),
        file('b.json', 'nope'),
        file('c.json', reportJson(report({ ...DEFAULT_CONFIG, seed: 2 }))),
      ]);
    expect(store.getState().runs).toHaveLength(2);
    expect(notices.map((n) => n.text)).toHaveLength(1);
    expect(notices[0].text).toMatch(/^Imported 2 runs from 2 of 3 files\. Could not import b\.json: the file is not JSON \(/);
  });

  it('without IndexedDB (a private window) runs are kept in memory, with one notice, never an error', async () => {
    const { store, notices } = setup(() => Promise.reject(storageProblem(new DOMException('no', 'InvalidStateError'))));
    await store.getState().load();
    expect(store.getState().storage).toBe('memory');
    expect(store.getState().storageNote).toMatch(/cannot be saved in this window/);
    await store.getState().importFile(file('r.json', reportJson(report())));
    expect(store.getState().runs).toHaveLength(1);
    expect(notices.filter((n) => /cannot be saved/.test(n.text))).toHaveLength(1);
    const none = setup(async () => {
      const saved = globalThis.indexedDB;
      (globalThis as { indexedDB?: unknown }).indexedDB = undefined;
      try {
        return await openRunsRepo(freshDb());
      } finally {
        globalThis.indexedDB = saved;
      }
    });
    await none.store.getState().load();
    expect(none.store.getState().storageNote).toMatch(/no IndexedDB/);
  });

  it('a full disk gives a notice once and the run stays in the list for this session', async () => {
    const { store, notices } = setup(async () => fullRepo(memoryRepo()));
    const id = 'live';
    const make = () => importedRecord(report(), { id, name: 'Run 1', now: 1 });
    expect(await store.getState().saveLive(id, make, true)).toBe(true);
    expect(await store.getState().saveLive(id, make, false)).toBe(true);
    expect(store.getState().runs.map((r) => r.id)).toEqual([id]);
    const quota = notices.filter((n) => /storage for this site is full/.test(n.text));
    expect(quota).toHaveLength(1);
  });

  it('a saved run of a newer format is left alone and reported', async () => {
    const name = freshDb();
    const repo = await openRunsRepo(name);
    await repo.put([
      { ...importedRecord(report(), { id: 'new', name: 'n', now: 1 }), format: 2 as 1 },
      importedRecord(report(), { id: 'old', name: 'o', now: 2 }),
    ]);
    repo.close();
    const { store, notices } = setup(() => openRunsRepo(name));
    await store.getState().load();
    expect(store.getState().runs.map((r) => r.id)).toEqual(['old']);
    expect(store.getState().unreadable).toHaveLength(1);
    expect(notices.at(-1)!.text).toMatch(/^1 saved run could not be read: .*newer version/);
    const again = await openRunsRepo(name);
    expect((await again.list()).length).toBe(2);
  });

  it('names new runs Run N', () => {
    expect(nextRunName([])).toBe('Run 1');
    expect(nextRunName([{ name: 'Run 2' }, { name: 'x' }, { name: 'Run 10' }])).toBe('Run 11');
  });
});

describe('run recorder', () => {
  const idle = (): TrainingView => ({
    status: 'idle',
    history: { cot: [], direct: [] },
    runConfig: null,
    hash: null,
    backend: null,
    armStepsPerSec: {},
    arms: ['cot', 'direct'],
    lens: {},
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  async function until(f: () => boolean) {
    for (let i = 0; i < 200 && !f(); i++) await settle();
    expect(f()).toBe(true);
  }

  it('saves the run at every evaluation under one id, starts a new one after a reset, and stops after a delete', async () => {
    const name = freshDb();
    const { store } = setup(() => openRunsRepo(name));
    const training = createStore<TrainingView>(() => idle());
    const stop = startRunRecorder(training, store, { now: () => 5000, clock: () => 0 });
    const config = { ...DEFAULT_CONFIG, lambda: 3.6 };
    training.setState({ status: 'running', runConfig: config, hash: 'h', backend: 'wasm' });
    expect(store.getState().runs).toHaveLength(0); // nothing before the first evaluation
    training.setState({ history: { cot: [row(0, 0)], direct: [row(0, 0)] } });
    training.setState({ history: { cot: [row(0, 0), row(10, 0.4)], direct: [row(0, 0)] } });
    training.setState({ history: { cot: [row(0, 0), row(10, 0.4)], direct: [row(0, 0), row(10, 0.01)] } });
    await until(() => store.getState().runs[0]?.report.arms.direct?.history.length === 2);
    const first = store.getState().runs[0];
    expect(first.name).toBe('Run 1');
    expect(first.report.config).toEqual(config);
    expect(first.report.dataset.hash).toBe('h');
    expect(first.status).toBe('training');
    training.setState({ status: 'done' });
    await until(() => store.getState().runs[0].status === 'done');

    // reload: the run is there, saved
    const reloaded = setup(() => openRunsRepo(name));
    await reloaded.store.getState().load();
    expect(reloaded.store.getState().runs.map((r) => [r.id, r.report.arms.cot!.history.length])).toEqual([[first.id, 2]]);

    // a reset and a new run: a second record
    training.setState({ ...idle(), runConfig: null });
    training.setState({ status: 'running', runConfig: DEFAULT_CONFIG, hash: 'h2', history: { cot: [row(0, 0)], direct: [row(0, 0)] } });
    await until(() => store.getState().runs.length === 2);
    const second = store.getState().runs.find((r) => r.id !== first.id)!;
    expect(second.name).toBe('Run 2');
    expect(second.report.dataset.hash).toBe('h2');
    // the workers name their backend only when the choice changes: the new run still knows it
    expect(second.report.backend).toBe('wasm');

    // renamed while training: the name stays; deleted while training: it is not recreated
    await store.getState().rename(second.id, 'mine');
    training.setState({ history: { cot: [row(0, 0), row(10, 0.2)], direct: [row(0, 0)] } });
    await until(() => store.getState().runs.find((r) => r.id === second.id)?.report.arms.cot?.history.length === 2);
    expect(store.getState().runs.find((r) => r.id === second.id)!.name).toBe('mine');
    await store.getState().remove(second.id);
    training.setState({ history: { cot: [row(0, 0), row(10, 0.2), row(20, 0.3)], direct: [row(0, 0)] } });
    await settle();
    await settle();
    expect(store.getState().runs.map((r) => r.id)).toEqual([first.id]);
    const check = setup(() => openRunsRepo(name));
    await check.store.getState().load();
    expect(check.store.getState().runs.map((r) => r.id)).toEqual([first.id]);
    stop();
  });

  it('keeps the lens and tracing records the workers measured, in the --lens/--trace report format', async () => {
    const { store } = setup(() => openRunsRepo(freshDb()));
    const training = createStore<TrainingView>(() => idle());
    const stop = startRunRecorder(training, store);
    const lens = {
      step: 10,
      split: 'oodTwoHop',
      splitLabel: 'OOD',
      headline: true,
      positions: ['h', 'r1', 'r2', 'b', 't'],
      tracked: [
        { name: 'b', label: 'bridge', position: 2 },
        { name: 'answer', label: 'answer', position: 3 },
      ],
      top1: [[[0, 1]], [[0, 0]]],
      queries: 5,
    };
    const trace = {
      step: 10,
      split: 'oodTwoHop',
      splitLabel: 'OOD',
      target: 'b',
      label: 'bridge',
      position: 2,
      positions: lens.positions,
      restored: [[null, 1]],
      pClean: 0.9,
      pCorrupt: 0.1,
      queries: 5,
    };
    training.setState({
      status: 'running',
      runConfig: DEFAULT_CONFIG,
      hash: 'h',
      history: { cot: [row(0, 0), row(10, 0.5)], direct: [row(0, 0)] },
      mechanism: { cot: [{ arm: 'cot', step: 10, lens: [lens], trace: [trace], ms: { lens: 12.4, trace: 30.6 } }] },
    });
    await until(() => store.getState().runs[0]?.report.arms.cot?.lens !== undefined);
    const cot = store.getState().runs[0].report.arms.cot!;
    expect([cot.lens, cot.trace, cot.mechanismMs]).toEqual([[lens], [trace], { lens: 12, trace: 31 }]);
    expect(store.getState().runs[0].report.arms.direct!.lens).toBeUndefined();
    stop();
  });

  it("saves under the training store's record id with its checkpoints; a resumed run goes on in its old record", async () => {
    const { store } = setup(() => openRunsRepo(freshDb()));
    const training = createStore<TrainingView>(() => idle());
    let t = 0;
    const stop = startRunRecorder(training, store, { clock: () => t });
    const lens = (step: number) => ({
      step,
      split: 'oodTwoHop',
      splitLabel: 'OOD',
      headline: true,
      positions: ['h'],
      tracked: [{ name: 'answer', label: 'answer', position: 0 }],
      top1: [[[step]]],
      queries: 1,
    });
    const mech = (step: number) => ({ arm: 'cot' as const, step, lens: [lens(step)], trace: [], ms: { lens: 1, trace: 0 } });
    training.setState({ status: 'running', runConfig: DEFAULT_CONFIG, hash: 'h', recordId: 'rA', resumed: false, checkpoints: {} });
    training.setState({ history: { cot: [row(0, 0), row(10, 0.1), row(20, 0.2)], direct: [row(0, 0)] }, mechanism: { cot: [mech(0), mech(10), mech(20)] } });
    t = 30_000;
    training.setState({ checkpoints: { cot: 10, direct: 0 } });
    await until(() => store.getState().runs[0]?.checkpoint?.cot === 10);
    await store.getState().rename('rA', 'mine');
    expect(store.getState().runs.map((r) => [r.id, r.name, r.checkpoint])).toEqual([['rA', 'mine', { cot: 10, direct: 0 }]]);
    // the page goes away (nothing more is written); after a reload the run is resumed from its checkpoints
    stop();
    const again = createStore<TrainingView>(() => ({ ...idle(), recordId: 'rB' }));
    t = 0;
    const stop2 = startRunRecorder(again, store, { clock: () => t });
    again.setState({ recordId: 'rA', resumed: true, status: 'running', runConfig: DEFAULT_CONFIG, hash: 'h', checkpoints: { cot: 10, direct: 0 } });
    again.setState({ history: { cot: [row(0, 0), row(10, 0.1)], direct: [row(0, 0)] } });
    t = 5000;
    const remeasured = { ...mech(20), lens: [{ ...lens(20), top1: [[[99]]] }] };
    again.setState({ history: { cot: [row(0, 0), row(10, 0.1), row(20, 0.25)], direct: [row(0, 0)] }, mechanism: { cot: [remeasured] } });
    await until(() => store.getState().runs[0]?.report.arms.cot?.history[2]?.acc.oodTwoHop === 0.25);
    const r = store.getState().runs;
    expect(r.map((x) => x.id)).toEqual(['rA']);
    expect(r[0].name).toBe('mine');
    expect(r[0].report.arms.cot!.history.map((x) => x.acc.oodTwoHop)).toEqual([0, 0.1, 0.25]);
    // the lens measured before the checkpoint stays, what came after it is replaced by the new measurements
    expect(r[0].report.arms.cot!.lens!.map((l) => [l.step, l.top1[0][0][0]])).toEqual([
      [0, 0],
      [10, 10],
      [20, 99],
    ]);
    expect(r[0].report.wallSeconds).toBeGreaterThanOrEqual(30); // the training time before the reload counts
    // an arm's worker crashes and the other finishes: the run is failed (Resume can go on with it), not done
    const crashed = { step: 20, why: 'crashed', cause: 'crash' as const };
    again.setState({ status: 'done', armProgress: { cot: { ...initialArmState(), stopped: crashed }, direct: initialArmState() } });
    await until(() => store.getState().runs[0]?.status === 'error');
    stop2();
  });

  it('runs that follow each other at once (a sweep) are all written, each with its last state', async () => {
    const { store } = setup(() => openRunsRepo(freshDb()));
    const training = createStore<TrainingView>(() => idle());
    const stop = startRunRecorder(training, store, { tag: (c) => ({ id: 's1', key: 'noise', value: c.noise, seed: c.seed }) });
    // the workers name the backend once, before the first run has evaluated
    training.setState({ backend: 'wasm', runConfig: DEFAULT_CONFIG, hash: 'h0' });
    for (const noise of [0, 0.2, 0.4]) {
      training.setState({ ...idle(), runConfig: { ...DEFAULT_CONFIG, noise }, hash: `h${noise}` });
      training.setState({ status: 'running', history: { cot: [row(0, 0)], direct: [row(0, 0)] } });
      training.setState({ history: { cot: [row(0, 0), row(10, noise)], direct: [row(0, 0), row(10, 0)] } });
      training.setState({ status: 'done' });
    }
    training.setState({ ...idle() });
    await until(() => store.getState().runs.length === 3 && store.getState().runs.every((r) => r.status === 'done'));
    const runs = [...store.getState().runs].sort((a, b) => Number(a.sweep!.value) - Number(b.sweep!.value));
    expect(runs.map((r) => [r.name, r.sweep?.value, r.report.arms.cot!.history.length, r.report.backend])).toEqual([
      ['noise 0 · seed 0', 0, 2, 'wasm'],
      ['noise 0.2 · seed 0', 0.2, 2, 'wasm'],
      ['noise 0.4 · seed 0', 0.4, 2, 'wasm'],
    ]);
    stop();
  });
});
