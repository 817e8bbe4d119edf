import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../worker/protocol';
import { combine, initialProgress, markRunning, reduceProgress, type ProgressState } from './progressSlice';

const feed = (s: ProgressState, from: 'cot' | 'direct', now: number, ...ms: FromWorker[]) => ms.reduce((x, m) => combine(reduceProgress(x, m, now, from)), s);
const state = (running: boolean, step: number, done = false): FromWorker => ({ type: 'state', running, step, done });

describe('the progress slice', () => {
  it("each arm's status and step from its own worker; the run combined: the slower arm's step, running while either runs", () => {
    let s = feed(initialProgress(100, ['cot', 'direct']), 'cot', 0, state(true, 0));
    s = feed(s, 'direct', 0, state(true, 0));
    s = feed(s, 'cot', 100, { type: 'progress', step: 40, running: true });
    s = feed(s, 'direct', 100, { type: 'progress', step: 25, running: true });
    expect([s.armProgress.cot?.step, s.armProgress.direct?.step, s.step, s.status]).toEqual([40, 25, 25, 'running']);
    s = feed(s, 'cot', 200, state(false, 100, true));
    expect([s.armProgress.cot?.status, s.status]).toEqual(['done', 'running']);
    s = feed(s, 'direct', 300, state(false, 100, true));
    expect([s.status, s.etaSec]).toEqual(['done', 0]);
  });

  it('a worker that fails stops its arm with why, in words; once none is left, the run is an error', () => {
    let s = feed(initialProgress(100, ['cot', 'direct']), 'direct', 0, { type: 'progress', step: 12, running: true });
    s = feed(s, 'direct', 1, { type: 'error', message: 'out of memory.' });
    expect(s.armProgress.direct?.stopped).toEqual({ step: 12, why: "The direct arm's training worker failed at step 12: out of memory.", cause: 'crash' });
    expect(s.error).toBeNull();
    expect(markRunning(s).armProgress.direct?.status).not.toBe('running');
    s = feed(s, 'cot', 2, { type: 'error', message: 'gone' });
    expect([s.status, s.error]).toEqual(['error', 'gone']);
  });

  it('takes each worker backend, the run config and total steps; rewound moves the arm back; leaves the other concerns alone', () => {
    let s = feed(initialProgress(0, ['cot']), 'cot', 0, { type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not here'], threads: '2 threads' });
    expect([s.backend, s.threads, s.fallbacks, s.adapter]).toEqual(['wasm', '2 threads', ['webgpu: not here'], null]);
    const gpu = feed(initialProgress(0, ['cot']), 'cot', 0, {
      type: 'backend',
      backend: 'webgpu',
      fallbacks: [],
      adapter: { name: 'NVIDIA H100 (nvidia hopper)', software: false },
    });
    expect([gpu.backend, gpu.adapter]).toEqual(['webgpu', 'NVIDIA H100 (nvidia hopper)']);
    s = feed(s, 'cot', 0, { type: 'progress', step: 30, running: true }, { type: 'rewound', arm: 'cot', step: 20 });
    expect(s.armProgress.cot?.step).toBe(20);
    const same = reduceProgress(s, { type: 'lens' } as unknown as FromWorker, 0, 'cot');
    expect(same).toBe(s);
    expect(Object.keys(s).sort()).toEqual(Object.keys(initialProgress(0, [])).sort());
  });
});
