import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { RACE_BUDGET_MS, fastest, raceText, raceTimer, selectBackend, timeSteps, type RaceTiming } from './backend';

// a stand-in GPU backend for the race: it starts (a cpu backend under another name) but runs no kernels, so
// only injected timings are ever asked of it
const cpuBackend = () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)();
tf.registerBackend('webgl', cpuBackend);

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('auto backend: the race', () => {
  it('picks the fastest measured backend, the earlier on a tie, none when nothing was measured', () => {
    const t = (backend: RaceTiming['backend'], stepsPerSec: number | null): RaceTiming => ({ backend, stepsPerSec });
    expect(fastest([t('webgpu', 3.2), t('wasm', 5.1)])).toBe('wasm');
    expect(fastest([t('webgpu', 40), t('wasm', 5.1)])).toBe('webgpu');
    expect(fastest([t('webgpu', 5), t('wasm', 5)])).toBe('webgpu');
    expect(fastest([t('webgpu', null), t('wasm', 0.5)])).toBe('wasm');
    expect(fastest([t('webgpu', Number.NaN), t('wasm', null)])).toBe(null);
  });

  it('says what each did, fastest first', () => {
    expect(
      raceText(
        [
          { backend: 'webgpu', stepsPerSec: 3.24 },
          { backend: 'wasm', stepsPerSec: 5.12 },
        ],
        'wasm',
      ),
    ).toBe('auto: wasm 5.1 steps/s, webgpu 3.2 steps/s → wasm');
    expect(
      raceText(
        [
          { backend: 'webgpu', stepsPerSec: null, error: 'out of memory' },
          { backend: 'wasm', stepsPerSec: 0.4567 },
        ],
        'wasm',
      ),
    ).toBe('auto: wasm 0.46 steps/s, webgpu failed (out of memory) → wasm');
  });

  it('times every usable GPU backend and wasm (not cpu), shares the budget, and leaves the winner set', async () => {
    const asked: [string, number][] = [];
    const speeds: Record<string, number> = { webgl: 3.2, wasm: 5.1 };
    const r = await selectBackend('auto', {
      time: async (b, budget) => {
        asked.push([b, budget]);
        expect(tf.getBackend()).toBe(b); // timed on the backend itself
        return speeds[b];
      },
    });
    expect(asked).toEqual([
      ['webgl', RACE_BUDGET_MS / 2],
      ['wasm', RACE_BUDGET_MS / 2],
    ]);
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.race).toEqual([
      { backend: 'webgl', stepsPerSec: 3.2 },
      { backend: 'wasm', stepsPerSec: 5.1 },
    ]);
    expect(r.fallbacks).toEqual(['webgpu: not available here', 'auto: wasm 5.1 steps/s, webgl 3.2 steps/s → wasm']);

    speeds.webgl = 40;
    const gpu = await selectBackend('auto', { time: async (b) => speeds[b] });
    expect(gpu.backend).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
    expect(gpu.fallbacks.at(-1)).toBe('auto: webgl 40 steps/s, wasm 5.1 steps/s → webgl');
  });

  it('a backend whose timing fails loses the race and says why', async () => {
    const r = await selectBackend('auto', {
      time: async (b) => {
        if (b === 'webgl') throw new Error('shader did not compile');
        return 2;
      },
    });
    expect(r.backend).toBe('wasm');
    expect(r.fallbacks.at(-1)).toBe('auto: wasm 2.0 steps/s, webgl failed (shader did not compile) → wasm');
  });

  it('without a timer, or for a named backend, nothing is timed: the first that starts is used', async () => {
    expect(await selectBackend('auto')).toEqual({ backend: 'webgl', fallbacks: ['webgpu: not available here'] });
    let timed = 0;
    const named = await selectBackend('wasm', { time: async () => ++timed });
    expect(named).toEqual({ backend: 'wasm', fallbacks: [] });
    expect(timed).toBe(0);
  });

  it('timeSteps: a warm-up step, then at least one timed step, each read back, no tensor left', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    let calls = 0;
    const rate = await timeSteps(() => {
      calls++;
      return tf.tidy(() => tf.scalar(calls).mul(2) as tf.Scalar);
    }, 0);
    expect(calls).toBe(2); // budget spent: the warm-up and one timed step
    expect(rate).toBeGreaterThan(0);
    calls = 0;
    await timeSteps(() => tf.scalar(++calls), 60_000, 5);
    expect(calls).toBe(6); // capped at maxSteps timed steps
    expect(tf.memory().numTensors).toBe(before);
  });

  it("raceTimer: times the run's own model (a tiny config here) and leaves no tensor", async () => {
    await tf.setBackend('wasm');
    const tiny = { ...DEFAULT_CONFIG, entities: 20, relations: 4, degree: 2, layers: 1, dModel: 16, heads: 2, batch: 8, evalSize: 10 };
    const before = tf.memory().numTensors;
    const rate = await raceTimer(tiny, 'cot')('wasm', 0);
    expect(rate).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
