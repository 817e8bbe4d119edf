import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { combine, hashMismatch, initialTrainingData, markRunning, reduce, thinLosses, MAX_LOSS_POINTS, type TrainingData } from './reduce';
import type { FromWorker } from '../worker/protocol';
import type { MetricRow } from '../experiment/domain';
import type { MechanismRecord } from '../experiment/mechanism';

const row = (step: number): MetricRow => ({
  step,
  loss: 1,
  acc: { idAtomic: 0, oodAtomic: 0, trainTwoHop: 0, idTwoHop: 0, oodTwoHop: 0 },
  answerAcc: { idAtomic: 0, oodAtomic: 0, trainTwoHop: 0, idTwoHop: 0, oodTwoHop: 0 },
});
const VOCAB = { task: 'kg', names: ['e0', 'e1', 'e2', 'e3', 'e4', 'r0', 'r1', '</a>', '<pad>'], eos: 7, pad: 8, contextLength: 7 };
const both = (steps = 100) => initialTrainingData(steps, ['cot', 'direct']);
/** Applies messages of one arm's worker at time `now`. */
const feed = (s: TrainingData, from: 'cot' | 'direct', now: number, ...ms: FromWorker[]) => ms.reduce((x, m) => reduce(x, m, now, from), s);
const state = (running: boolean, step: number, done = false): FromWorker => ({ type: 'state', running, step, done });

describe('reduce', () => {
  it('tracks status from state events (one arm)', () => {
    let s = initialTrainingData(100, ['cot']);
    s = feed(s, 'cot', 0, state(true, 0));
    expect(s.status).toBe('running');
    s = feed(s, 'cot', 10, state(false, 5));
    expect(s.status).toBe('paused');
    s = feed(s, 'cot', 20, state(false, 100, true));
    expect(s.status).toBe('done');
    expect(s.etaSec).toBe(0);
    expect(feed(initialTrainingData(0, ['cot']), 'cot', 0, { type: 'error', message: 'boom' })).toMatchObject({ status: 'error', error: 'boom' });
  });

  it('combines two workers: running while either runs, done when both are, the step of the slower arm', () => {
    let s = feed(both(), 'cot', 0, state(true, 0));
    expect(s.status).toBe('running');
    s = feed(s, 'direct', 0, state(true, 0));
    s = feed(s, 'cot', 100, { type: 'progress', step: 40, running: true });
    s = feed(s, 'direct', 100, { type: 'progress', step: 30, running: true });
    expect(s.step).toBe(30);
    expect(s.armProgress.cot?.step).toBe(40);
    s = feed(s, 'cot', 200, state(false, 100, true));
    expect(s.status).toBe('running'); // direct still trains
    expect(s.step).toBe(30);
    s = feed(s, 'direct', 300, state(false, 55));
    expect(s.status).toBe('paused');
    expect(s.step).toBe(55);
    s = feed(s, 'direct', 400, state(false, 100, true));
    expect(s).toMatchObject({ status: 'done', step: 100, etaSec: 0 });
  });

  it("measures each arm's wall-clock pace; the run goes at the slower arm's pace and ETA", () => {
    let s = both(1000);
    s = feed(s, 'cot', 0, state(true, 0));
    s = feed(s, 'direct', 0, state(true, 0));
    s = feed(s, 'cot', 2000, { type: 'progress', step: 100, running: true });
    s = feed(s, 'direct', 2000, { type: 'progress', step: 50, running: true });
    expect(s.armProgress.cot?.stepsPerSec).toBeCloseTo(50);
    expect(s.armProgress.cot?.etaSec).toBeCloseTo(18);
    expect(s.armProgress.direct?.stepsPerSec).toBeCloseTo(25);
    expect(s.armProgress.direct?.etaSec).toBeCloseTo(38);
    expect(s.stepsPerSec).toBeCloseTo(25);
    expect(s.etaSec).toBeCloseTo(38);
    expect(s.step).toBe(50);
  });

  it('keeps per-arm history and losses apart', () => {
    let s = both();
    s = feed(s, 'cot', 0, { type: 'eval', arm: 'cot', row: row(10), stepsPerSec: 5 });
    s = feed(s, 'direct', 0, { type: 'loss', arm: 'direct', steps: [1, 2, 3], losses: [3, 2, NaN] });
    expect(s.history.cot.map((r) => r.step)).toEqual([10]);
    expect(s.history.direct).toEqual([]);
    expect(s.losses.direct).toEqual([
      { step: 1, loss: 3 },
      { step: 2, loss: 2 },
    ]);
    expect(s.armStepsPerSec.cot).toBe(5);
    expect(s.diverged).toEqual({ direct: 3 });
    expect(s.armProgress.cot?.step).toBe(10);
    expect(s.armProgress.direct?.step).toBe(3);
    expect(s.step).toBe(3);
  });

  it('shows one backend when the workers agree and both when they differ', () => {
    let s = feed(both(), 'cot', 0, { type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not available'] });
    expect(s.backend).toBe('wasm');
    s = feed(s, 'direct', 0, { type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not available'] });
    expect(s).toMatchObject({ backend: 'wasm', fallbacks: ['webgpu: not available'] });
    s = feed(s, 'direct', 0, { type: 'backend', backend: 'webgpu', fallbacks: [] });
    expect(s.backend).toBe('wasm / webgpu');
  });

  it('flags different dataset hashes once both workers have reported', () => {
    const ex = (hash: string): FromWorker => ({ type: 'examples', vocab: VOCAB, examples: [], config: DEFAULT_CONFIG, hash });
    let s = feed(both(), 'cot', 0, ex('aaa'));
    expect(hashMismatch(s)).toBe(false);
    expect(s.hash).toBe('aaa');
    expect(hashMismatch(feed(s, 'direct', 0, ex('aaa')))).toBe(false);
    s = feed(s, 'direct', 0, ex('bbb'));
    expect(hashMismatch(s)).toBe(true);
  });

  it('Play marks only the arms that can still train as running', () => {
    let s = feed(both(), 'cot', 0, state(false, 100, true));
    s = feed(s, 'direct', 0, state(false, 60));
    s = markRunning(s);
    expect(s.armProgress.cot?.status).toBe('done');
    expect(s.armProgress.direct?.status).toBe('running');
    expect(s.status).toBe('running');
    expect(combine(initialTrainingData(0, []))).toMatchObject({ status: 'idle', step: 0 });
  });

  it('an arm that stops (non-finite loss) or whose worker fails no longer counts: the run goes on with the other, an error once none is left', () => {
    let s = feed(
      both(),
      'cot',
      0,
      state(true, 0),
      { type: 'loss', arm: 'cot', steps: [10, 20], losses: [2, NaN] },
      { type: 'stopped', arm: 'cot', step: 20, loss: NaN },
    );
    s = feed(s, 'cot', 0, state(false, 20, true));
    s = feed(s, 'direct', 0, state(true, 0), { type: 'progress', step: 50, running: true });
    expect(s).toMatchObject({ status: 'running', step: 50, diverged: { cot: 20 } });
    expect(s.armProgress.cot?.stopped?.why).toMatch(/^The CoT arm stopped at step 20: its training loss became NaN/);
    expect(s.armProgress.cot?.stopped?.cause).toBe('diverged');
    expect(markRunning(s).armProgress.cot?.status).toBe('done');
    s = feed(s, 'direct', 0, state(false, 100, true));
    expect(s).toMatchObject({ status: 'done', step: 100 });
    // a failed worker: its arm stops at its step, with the message
    let t = feed(both(), 'cot', 0, state(true, 0), { type: 'progress', step: 30, running: true });
    t = feed(t, 'direct', 0, state(true, 0), { type: 'progress', step: 40, running: true });
    t = feed(t, 'direct', 0, { type: 'error', message: 'out of memory' });
    expect(t).toMatchObject({ status: 'running', step: 30, error: null });
    expect(t.armProgress.direct?.stopped).toEqual({ step: 40, why: "The direct arm's training worker failed at step 40: out of memory.", cause: 'crash' });
    t = feed(t, 'cot', 0, { type: 'error', message: 'boom' });
    expect(t).toMatchObject({ status: 'error', error: 'boom' });
  });

  it('rewound: an arm back at its checkpoint drops the curves after it; memory reports are kept per arm', () => {
    let s = feed(
      both(),
      'cot',
      0,
      { type: 'loss', arm: 'cot', steps: [10, 20, 30], losses: [3, 2, 1] },
      { type: 'eval', arm: 'cot', row: row(20), stepsPerSec: 1 },
      { type: 'eval', arm: 'cot', row: row(30), stepsPerSec: 1 },
    );
    s = feed(s, 'direct', 0, { type: 'loss', arm: 'direct', steps: [10, 20, 30], losses: [3, 2, 1] });
    s = feed(s, 'cot', 0, { type: 'rewound', arm: 'cot', step: 20 });
    expect(s.losses.cot.map((p) => p.step)).toEqual([10, 20]);
    expect(s.history.cot.map((r) => r.step)).toEqual([20]);
    expect(s.losses.direct).toHaveLength(3);
    expect(s.armProgress.cot?.step).toBe(20);
    s = feed(s, 'direct', 0, { type: 'memory', step: 30, numTensors: 40, numBytes: 1024, inspecting: false });
    expect(s.armProgress.direct?.memory).toEqual({ step: 30, numTensors: 40, numBytes: 1024 });
    expect(s.armProgress.cot?.memory).toBeNull();
  });

  it('takes the run config from the examples message', () => {
    const s = reduce(initialTrainingData(), { type: 'examples', vocab: VOCAB, examples: [], config: { ...DEFAULT_CONFIG, steps: 300 }, hash: 'h' }, 0, 'cot');
    expect(s.totalSteps).toBe(300);
    expect(s.runConfig?.steps).toBe(300);
  });
});

describe('thinLosses', () => {
  it('bounds the number of points and keeps the mean and the last step', () => {
    const pts = Array.from({ length: MAX_LOSS_POINTS * 3 + 1 }, (_, i) => ({ step: i + 1, loss: 2 }));
    const thin = thinLosses(pts);
    expect(thin.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(thin[thin.length - 1].step).toBe(pts.length);
    expect(thin.every((p) => p.loss === 2)).toBe(true);
    expect(thinLosses(pts.slice(0, 10))).toHaveLength(10);
  });
});

describe('mechanism messages', () => {
  const rec = (step: number): MechanismRecord => ({ arm: 'cot', step, lens: [], trace: [], ms: { lens: 10, trace: 100 } });

  it('are kept per arm in step order, a repeated step replaced', () => {
    let s = initialTrainingData(100, ['cot', 'direct']);
    for (const step of [0, 20, 10, 20]) s = reduce(s, { type: 'mechanism', record: { ...rec(step), ms: { lens: step, trace: 0 } } }, 0, 'cot');
    expect(s.mechanism.cot.map((r) => r.step)).toEqual([0, 10, 20]);
    expect(s.mechanism.cot.at(-1)!.ms.lens).toBe(20);
    expect(s.mechanism.direct).toEqual([]);
  });
});
