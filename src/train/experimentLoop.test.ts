import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { taskDefaults, type Config } from '../experiment/schema';
import { Experiment, type ExperimentEvent } from './experimentLoop';
import { TASKS } from '../tasks/registry';
import { TINY_KG, onWasmBackend } from '../../tests/support/configs';

const tiny: Config = { ...TINY_KG, mlpRatio: 2, steps: 12, evalEvery: 5 };

onWasmBackend();

function record(config: Config): { ex: Experiment; events: ExperimentEvent[] } {
  const events: ExperimentEvent[] = [];
  const ex = new Experiment(config, (e) => events.push(e));
  return { ex, events };
}

describe('Experiment', () => {
  it('emits ready, state, loss and eval events in order, evaluating at 0, every evalEvery and the last step', async () => {
    const { ex, events } = record(tiny);
    expect(events[0].type).toBe('ready');
    const ready = events[0] as Extract<ExperimentEvent, { type: 'ready' }>;
    expect(ready.hash).toBe(ex.hash);
    expect(ready.arms.map((a) => a.arm)).toEqual(['cot', 'direct']);
    await ex.run();
    expect(events[1]).toEqual({ type: 'state', running: true, step: 0, done: false });
    expect(events[events.length - 1]).toEqual({ type: 'state', running: false, step: 12, done: true });

    for (const arm of ['cot', 'direct'] as const) {
      const evals = events.filter((e): e is Extract<ExperimentEvent, { type: 'eval' }> => e.type === 'eval' && e.arm === arm);
      expect(evals.map((e) => e.row.step)).toEqual([0, 5, 10, 12]);
      expect(evals[0].row.loss).toBeNull();
      for (const e of evals.slice(1)) {
        expect(e.row.loss).toBeGreaterThan(0);
        expect(e.stepsPerSec).toBeGreaterThan(0);
      }
      for (const e of evals)
        for (const s of TASKS.kg.splits(tiny).map((x) => x.id)) {
          expect(e.row.acc[s]).toBeGreaterThanOrEqual(0);
          expect(e.row.acc[s]).toBeLessThanOrEqual(e.row.answerAcc[s]); // an exact match has the right answer
        }
      expect(ex.history[arm].map((r) => r.step)).toEqual([0, 5, 10, 12]);
      // every step's loss is reported exactly once
      const steps = events.filter((e) => e.type === 'loss' && e.arm === arm).flatMap((e) => (e as { steps: number[] }).steps);
      expect(steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    }
    expect(ex.history.cot[3].stepAcc).toBeTypeOf('number');
    expect(ex.history.direct[3].stepAcc).toBeUndefined();
    ex.dispose();
  });

  it('pause stops run(); run() resumes; stepOnce advances exactly one step', async () => {
    const { ex, events } = record(tiny);
    await ex.run((step) => {
      if (step === 3) ex.pause();
    });
    expect(ex.step).toBe(3);
    expect(ex.done).toBe(false);
    expect(ex.isRunning).toBe(false);
    expect(events[events.length - 1]).toEqual({ type: 'state', running: false, step: 3, done: false });
    for (const n of [4, 5, 6]) {
      await ex.stepOnce();
      expect(ex.step).toBe(n);
      for (const t of ex.trainers) expect(t.step).toBe(n);
    }
    expect(ex.history.cot.at(-1)!.step).toBe(5);
    await ex.run();
    expect(ex.step).toBe(12);
    expect(ex.done).toBe(true);
    await ex.stepOnce(); // done: no more steps
    expect(ex.step).toBe(12);
    ex.dispose();
  });

  it('stop ends the run for good', async () => {
    const { ex } = record(tiny);
    await ex.run((step) => {
      if (step === 3) ex.stop();
    });
    expect(ex.step).toBe(3);
    expect(ex.done).toBe(true);
    await ex.run();
    expect(ex.step).toBe(3);
    ex.dispose();
  });

  it('tensor count is flat across stepOnce calls, evaluations included, and back to the start after dispose', async () => {
    const start = tf.memory().numTensors;
    const { ex } = record({ ...tiny, steps: 30, evalEvery: 10 });
    const counts: number[] = [];
    for (let i = 1; i <= 30; i++) {
      await ex.stepOnce();
      // losses are read back every 10 steps; in between, up to 10 loss scalars per arm are pending
      if (i % 10 === 0) counts.push(tf.memory().numTensors);
    }
    expect(ex.history.cot).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    ex.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('both arms train on the same atomic facts and queries: sequences differ only by the bridge', () => {
    const { ex } = record(tiny);
    const [cot, direct] = ex.trainers;
    expect(cot.data).toBe(direct.data);
    expect(cot.trainExamples).toBe(direct.trainExamples);
    ex.dispose();
  });

  it('same config → identical loss sequence and metrics; one arm alone matches the same arm in both', async () => {
    const losses = async (config: Config) => {
      const { ex, events } = record(config);
      await ex.run();
      ex.dispose();
      const byArm: Record<string, number[]> = {};
      for (const e of events) if (e.type === 'loss') (byArm[e.arm] ??= []).push(...e.losses);
      return { byArm, history: ex.history };
    };
    const short = { ...tiny, steps: 8 };
    const a = await losses(short);
    const b = await losses(short);
    expect(b.byArm).toEqual(a.byArm);
    expect(b.history).toEqual(a.history);
    expect(a.byArm.cot).not.toEqual(a.byArm.direct);
    const cotOnly = await losses({ ...short, arms: 'cot' });
    expect(cotOnly.byArm.cot).toEqual(a.byArm.cot);
    expect(cotOnly.byArm.direct).toBeUndefined();
  });

  it('another task: a short parity run of both arms reports the parity splits, finite losses and the first step', async () => {
    const parity: Config = {
      ...taskDefaults('parity'),
      bits: 6,
      trainSize: 32,
      testBits: 8,
      evalSize: 16,
      layers: 1,
      heads: 2,
      dModel: 32,
      mlpRatio: 2,
      batch: 16,
      warmup: 2,
      steps: 4,
      evalEvery: 2,
      rlSteps: 0,
      backend: 'cpu',
    };
    const { ex, events } = record(parity);
    await ex.run();
    const ids = TASKS.parity.splits(parity).map((s) => s.id);
    expect(ids).toEqual(['train', 'test', 'length']);
    for (const arm of ['cot', 'direct'] as const) {
      const rows = ex.history[arm];
      expect(rows.map((r) => r.step)).toEqual([0, 2, 4]);
      for (const r of rows) {
        expect(Object.keys(r.acc)).toEqual(ids);
        expect(Object.keys(r.answerAcc)).toEqual(ids);
        for (const id of ids) expect(r.acc[id]).toBeGreaterThanOrEqual(0);
      }
      for (const r of rows.slice(1)) expect(Number.isFinite(r.loss)).toBe(true);
      const losses = events.flatMap((e) => (e.type === 'loss' && e.arm === arm ? e.losses : []));
      expect(losses).toHaveLength(4);
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    }
    expect(ex.history.cot.at(-1)!.stepAcc).toBeTypeOf('number');
    expect(ex.history.direct.at(-1)!.stepAcc).toBeUndefined();
    ex.dispose();
  });
});
