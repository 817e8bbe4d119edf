/**
 * Faults an Experiment survives: a loss that turns NaN/Infinity stops that arm (naming the step) while the other
 * goes on; checkpoints let a run go on elsewhere (after a lost GPU) exactly as if nothing had happened.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Config } from '../experiment/schema';
import { Experiment, type ExperimentEvent } from './experimentLoop';
import { TINY_KG, onWasmBackend } from '../../tests/support/configs';

const tiny: Config = { ...TINY_KG, dModel: 16, mlpRatio: 2, batch: 16, warmup: 0, evalEarly: 'off', steps: 12, evalEvery: 5 };

onWasmBackend();

function record(config: Config, checkpoints = false): { ex: Experiment; events: ExperimentEvent[] } {
  const events: ExperimentEvent[] = [];
  const ex = new Experiment(config, (e) => events.push(e), undefined, { checkpoints });
  return { ex, events };
}
const of = <T extends ExperimentEvent['type']>(events: ExperimentEvent[], type: T) =>
  events.filter((e): e is Extract<ExperimentEvent, { type: T }> => e.type === type);

describe('Experiment faults', () => {
  it('a learning rate of 1e30 makes the loss non-finite: the arm stops at that step, without evaluating its ruined weights', async () => {
    const start = tf.memory().numTensors;
    // not a valid config (lr is at most 1e-2 in the schema): Experiment takes what it is given
    const { ex, events } = record({ ...tiny, arms: 'cot', lr: 1e30, steps: 40, evalEvery: 20 });
    await ex.run();
    const [stopped] = of(events, 'stopped');
    expect(stopped).toMatchObject({ arm: 'cot' });
    expect(Number.isFinite(stopped.loss)).toBe(false);
    // the step named is the first whose loss was not finite
    const losses = of(events, 'loss').flatMap((e) => e.steps.map((s, i) => [s, e.losses[i]] as const));
    expect(losses.find(([, l]) => !Number.isFinite(l))?.[0]).toBe(stopped.step);
    expect(losses.filter(([s]) => s < stopped.step).every(([, l]) => Number.isFinite(l))).toBe(true);
    expect(stopped.step).toBeLessThan(20);
    expect(ex.stoppedAt('cot')).toBe(stopped.step);
    expect(ex.done).toBe(true);
    expect(of(events, 'eval').map((e) => e.row.step)).toEqual([0]); // no evaluation after step 0
    expect(events.at(-1)).toMatchObject({ type: 'state', running: false, done: true });
    ex.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('NaN weights in the CoT arm: CoT stops at the next step, direct trains to the end and is evaluated', async () => {
    const { ex, events } = record(tiny);
    for (let i = 0; i < 5; i++) await ex.stepOnce();
    const cot = ex.trainers.find((t) => t.arm === 'cot')!;
    tf.tidy(() => cot.weights.tokenEmbedding.assign(tf.fill(cot.weights.tokenEmbedding.shape, NaN)));
    await ex.run();
    expect(of(events, 'stopped')).toEqual([{ type: 'stopped', arm: 'cot', step: 6, loss: NaN }]);
    expect(ex.step).toBe(12);
    expect(ex.trainers.find((t) => t.arm === 'direct')!.step).toBe(12);
    expect(ex.history.direct.map((r) => r.step)).toEqual([0, 5, 10, 12]);
    expect(ex.history.cot.map((r) => r.step)).toEqual([0, 5]);
    expect(ex.history.direct.every((r) => r.loss === null || Number.isFinite(r.loss))).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'state', running: false, step: 12, done: true });
    ex.dispose();
  });

  it('from a checkpoint, a fresh experiment goes on exactly as the uninterrupted one (weights, optimiser, batches)', async () => {
    const reference = record(tiny);
    await reference.ex.run();
    const lossesAfter = (events: ExperimentEvent[], step: number) =>
      of(events, 'loss')
        .flatMap((e) => e.steps.map((s, i) => ({ arm: e.arm, s, l: e.losses[i] })))
        .filter((x) => x.s > step);

    const first = record(tiny, true);
    await first.ex.run((step) => step === 12 - 1 && first.ex.pause()); // stops at 11; last checkpoint at 10
    expect(first.ex.step).toBe(11);
    expect(Object.values(first.ex.checkpoints).map((c) => c.step)).toEqual([10, 10]);
    const second = record(tiny);
    second.ex.restore(first.ex);
    expect(of(second.events, 'rewound')).toEqual([
      { type: 'rewound', arm: 'cot', step: 10 },
      { type: 'rewound', arm: 'direct', step: 10 },
    ]);
    first.ex.dispose();
    expect(second.ex.step).toBe(10);
    await second.ex.run();
    expect(lossesAfter(second.events, 10)).toEqual(lossesAfter(reference.events, 10));
    expect(second.ex.history).toEqual(reference.ex.history);
    second.ex.dispose();
    reference.ex.dispose();
  });
});
