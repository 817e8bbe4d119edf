/**
 * A TrainingSession in Node, on wasm, as the browser worker and the CLI's arm thread run it: the life cycle
 * (init, step, play, pause, reset), every message tagged with its run (after a reset none of the old run's comes),
 * untrusted messages ignored, test faults only behind the test switch, memory flat, looks inside on request, and
 * the CLI's way of measuring the mechanism at every evaluation, and Resume from a run record's checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../experiment/schema';
import { memoryRepo } from '../runs/db';
import type { FromWorkerTagged } from './protocol';
import { createTrainingSession, type SessionEnv } from './session';

tf.env().set('PROD', true);

const tiny: Config = {
  ...DEFAULT_CONFIG,
  entities: 30,
  relations: 6,
  degree: 3,
  layers: 1,
  heads: 2,
  dModel: 32,
  batch: 32,
  evalSize: 50,
  steps: 12,
  evalEvery: 4,
  evalEarly: 'off',
  backend: 'wasm',
};

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Of<T extends FromWorkerTagged['type']> = Extract<FromWorkerTagged, { type: T }>;

/** A session whose clock moves 1 s at every reading (so every pacing interval has passed), and what it sent. */
function harness(env: Partial<SessionEnv> = {}) {
  const got: FromWorkerTagged[] = [];
  let clock = 0;
  const session = createTrainingSession({ post: (m) => got.push(m), now: () => (clock += 1000), ...env });
  const of = <T extends FromWorkerTagged['type']>(type: T, run?: number) =>
    got.filter((m): m is Of<T> => m.type === type && (run === undefined || m.run === run));
  const send = async (m: unknown) => {
    session.receive(m);
    await session.settled();
  };
  return { session, got, of, send };
}

describe('TrainingSession', () => {
  it('init, step, play to the end, reset: every message tagged with its run, none of the old run after a reset', async () => {
    const h = harness();
    await h.send({ type: 'init', config: tiny, run: 1, arm: 'cot' });
    expect(h.of('backend')[0]).toMatchObject({ backend: 'wasm', fallbacks: [], run: 1 });
    expect(h.of('ready')[0].arms.map((a) => a.arm)).toEqual(['cot']);
    expect(h.of('examples')[0].config.arms).toBe('both'); // the config as asked for, not narrowed to the arm
    expect(h.of('state').at(-1)).toMatchObject({ running: false, step: 0, done: false });

    await h.send({ type: 'step' });
    expect(h.of('state').at(-1)).toMatchObject({ running: false, step: 1, done: false });
    expect(h.of('eval').map((e) => e.row.step)).toEqual([0]);

    await h.send({ type: 'play' });
    await expect.poll(() => h.of('trained').length).toBe(1);
    expect(h.of('state').at(-1)).toMatchObject({ running: false, step: 12, done: true });
    expect(h.of('eval').map((e) => e.row.step)).toEqual([0, 4, 8, 12]);
    expect(h.of('trained')[0]).toMatchObject({ arm: 'cot', step: 12, run: 1 });
    expect(h.of('trained')[0].stepsPerSec).toBeGreaterThan(0);
    expect(h.of('progress').length).toBeGreaterThan(0);
    expect(h.got.every((m) => m.run === 1)).toBe(true);

    // a reset while training: from the first message of run 2 on, nothing of run 1
    await h.send({ type: 'reset', run: 2 });
    await h.send({ type: 'play' });
    await h.send({ type: 'reset', run: 3 });
    const first3 = h.got.findIndex((m) => m.run === 3);
    expect(first3).toBeGreaterThan(0);
    expect(h.got.slice(first3).every((m) => m.run === 3)).toBe(true);
    expect(h.of('state', 3).at(-1)).toMatchObject({ step: 0, running: false });
    expect(h.of('backend', 3)).toHaveLength(1); // every run is told its backend
  });

  it('pause stops a playing run between two steps; play goes on from there', async () => {
    const h = harness();
    await h.send({ type: 'init', config: { ...tiny, steps: 400, evalEvery: 200 }, run: 7, arm: 'direct' });
    h.session.receive({ type: 'play' });
    await expect.poll(() => h.of('progress').length).toBeGreaterThan(2);
    await h.send({ type: 'pause' });
    const paused = h.of('state').at(-1)!;
    expect(paused.running).toBe(false);
    expect(paused.step).toBeGreaterThan(0);
    expect(paused.step).toBeLessThan(400);
    expect(h.of('trained').at(-1)).toMatchObject({ arm: 'direct', step: paused.step });
    await new Promise((ok) => setTimeout(ok, 200));
    expect(h.of('state').at(-1)!.step).toBe(paused.step); // nothing trains while paused
    await h.send({ type: 'step' });
    expect(h.of('state').at(-1)!.step).toBe(paused.step + 1);
    await h.send({ type: 'reset', run: 8 }); // frees the run (and its tensors) before the next test
  });

  it('every state says the last command acted on: a state sent before a play is not its answer; each command is answered', async () => {
    const h = harness();
    // the page's Play and Pause sent while the worker still builds the run: init's state is older than both
    h.session.receive({ type: 'init', config: { ...tiny, steps: 400, evalEvery: 200 }, run: 1, arm: 'cot' });
    h.session.receive({ type: 'play', cmd: 1 });
    h.session.receive({ type: 'pause', cmd: 2 });
    await h.session.settled();
    const states = h.of('state').map((m) => [m.ack, m.running]);
    expect(states[0]).toEqual([0, false]); // init's
    expect(states.at(-1)).toEqual([2, false]);
    expect(states.filter(([ack]) => ack === 1)).toContainEqual([1, true]);
    // a command with nothing to do is answered too: pause while paused, play and step once done
    await h.send({ type: 'pause', cmd: 3 });
    expect(h.of('state').at(-1)).toMatchObject({ ack: 3, running: false });
    await h.send({ type: 'init', config: { ...tiny, steps: 1, evalEvery: 1 }, run: 2, arm: 'cot' });
    await h.send({ type: 'step', cmd: 4 });
    expect(h.of('state', 2).at(-1)).toMatchObject({ ack: 4, done: true });
    await h.send({ type: 'play', cmd: 5 });
    expect(h.of('state', 2).at(-1)).toMatchObject({ ack: 5, running: false, done: true });
    await h.send({ type: 'step', cmd: 6 });
    expect(h.of('state', 2).at(-1)).toMatchObject({ ack: 6, done: true });
    await h.send({ type: 'reset', run: 3 });
  });

  it('ignores what is not a command, refuses a config over the budget, and honours faults only with the test switch', async () => {
    const h = harness();
    for (const junk of [null, 3, 'play', {}, { type: 4 }, { type: 'nonsense' }]) h.session.receive(junk);
    await h.session.settled();
    expect(h.got).toEqual([]);

    await h.send({ type: 'init', config: { ...tiny, layers: 8, dModel: 512, batch: 1024 }, run: 1, arm: 'cot' });
    expect(h.of('error')).toHaveLength(1);
    expect(h.of('error')[0].message).toMatch(/^not started: estimated .* GiB/);
    expect(h.of('ready')).toHaveLength(0);

    // no test switch: a NaN fault is ignored, the run trains on
    await h.send({ type: 'init', config: tiny, run: 2, arm: 'cot' });
    await h.send({ type: 'fault', fault: 'nan' });
    for (let i = 0; i < 10; i++) await h.send({ type: 'step' });
    expect(h.of('stopped')).toHaveLength(0);

    // with it, the arm's weights turn NaN: its loss does, and it stops
    await h.send({ type: 'init', config: tiny, run: 3, arm: 'cot', test: { faults: true } });
    await h.send({ type: 'fault', fault: 'nan' });
    await h.send({ type: 'fault', fault: 'not-a-fault' });
    for (let i = 0; i < 10; i++) await h.send({ type: 'step' });
    expect(h.of('stopped', 3)).toHaveLength(1);
    expect(h.of('stopped', 3)[0]).toMatchObject({ arm: 'cot' });
    expect(h.of('error', 3)).toHaveLength(0);
    await h.send({ type: 'reset', run: 4 });
  });

  it('on wasm, the arms of the config share the GEMM threads (a worker of two arms asks for its half); looks inside on the chosen query', async () => {
    const asked: number[] = [];
    const wasmThreads = async (arms: number) => {
      asked.push(arms);
      return { count: 1, text: `1 thread (${arms} arms)` };
    };
    const h = harness({ wasmThreads });
    await h.send({ type: 'init', config: tiny, run: 1, arm: 'cot' });
    await h.send({ type: 'init', config: { ...tiny, arms: 'direct' }, run: 2, arm: 'direct' });
    expect(asked).toEqual([2, 1]);
    expect(h.of('backend').map((m) => [m.threads, m.gemmThreads])).toEqual([
      ['1 thread (2 arms)', 1],
      ['1 thread (1 arms)', 1],
    ]);
    const query = h.of('examples')[0].examples[0].prompt;
    await h.send({ type: 'inspect', example: { prompt: [1.5, 2] } });
    await h.send({ type: 'inspect', example: { prompt: 'abc' } });
    expect(h.of('attention')).toHaveLength(0);
    await h.send({ type: 'inspect', example: { prompt: query } });
    expect(h.of('attention')).toHaveLength(1);
    expect(h.of('lens')).toHaveLength(1);
    expect(h.of('attention')[0].tokens.slice(0, query.length)).toEqual(query);
    await h.send({ type: 'reset', run: 2 });
  });

  it('reports its memory at quiet points, and the tensor count stays flat', async () => {
    const h = harness();
    await h.send({ type: 'init', config: { ...tiny, steps: 60, evalEvery: 30 }, run: 1, arm: 'cot' });
    await h.send({ type: 'play' });
    await expect.poll(() => h.of('trained').length).toBe(1);
    const reports = h.of('memory').filter((m) => !m.inspecting);
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(new Set(reports.map((m) => m.numTensors)).size).toBe(1);
    expect(reports.every((m) => m.step % 10 === 0 && m.step % 30 !== 0)).toBe(true);
    await h.send({ type: 'reset', run: 2 });
  });

  it("the CLI's way: the lens at every evaluation, all sent before the run's `trained`", async () => {
    const h = harness({ mechanism: { lens: true, trace: false }, checkBudget: () => ({ ok: true }) });
    await h.send({ type: 'init', config: tiny, run: 1, arm: 'cot' });
    await h.send({ type: 'play' });
    await expect.poll(() => h.of('trained').length).toBe(1);
    expect(h.of('mechanism').map((m) => m.record.step)).toEqual([0, 4, 8, 12]);
    const trained = h.got.findIndex((m) => m.type === 'trained');
    expect(h.got.findLastIndex((m) => m.type === 'mechanism')).toBeLessThan(trained);
    await h.send({ type: 'reset', run: 2 });
  });

  it("Resume: with a run record it saves each evaluation's checkpoint; a fresh session goes on from it, on the same curve", async () => {
    const repo = memoryRepo();
    const openRuns = async () => repo;
    const a = harness({ openRuns });
    await a.send({ type: 'init', config: tiny, run: 1, arm: 'cot', record: 'rec-1' });
    for (let i = 0; i < 8; i++) await a.send({ type: 'step' });
    await expect.poll(() => a.of('checkpoint').map((m) => m.step)).toContain(8);
    expect(a.of('checkpoint').every((m) => m.problem === undefined)).toBe(true);

    // a new session (a reloaded page) on the same record: back at step 8, then the same rows as the run never stopped
    const b = harness({ openRuns });
    await b.send({ type: 'init', config: tiny, run: 1, arm: 'cot', record: 'rec-1', resume: true });
    const resumed = b.of('resumed')[0];
    expect(resumed.problem).toBeUndefined();
    expect([resumed.step, resumed.history.map((r) => r.step)]).toEqual([8, [0, 4, 8]]);
    expect(b.of('state').at(-1)).toMatchObject({ step: 8, done: false });
    await a.send({ type: 'play' });
    await expect.poll(() => a.of('trained').length).toBe(1);
    await b.send({ type: 'play' });
    await expect.poll(() => b.of('trained').length).toBe(1);
    expect(b.of('eval').map((e) => e.row)).toEqual(
      a
        .of('eval')
        .filter((e) => e.row.step > 8)
        .map((e) => e.row),
    );

    // a record with nothing saved: it says why and starts at step 0
    const c = harness({ openRuns });
    await c.send({ type: 'init', config: tiny, run: 1, arm: 'cot', record: 'rec-2', resume: true });
    expect(c.of('resumed')[0]).toMatchObject({ step: 0, problem: expect.stringMatching(/^no checkpoint of it was saved; it starts again at step 0/) });
    expect(c.of('state').at(-1)).toMatchObject({ step: 0 });
    for (const h of [a, b, c]) await h.send({ type: 'reset', run: 2 });
  });
});
