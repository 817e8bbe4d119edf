import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../worker/protocol';
import { noticesOf } from './notices';
import { initialTrainingData, reduce, type TrainingData } from './reduce';

/** The state after the messages (each from its arm), and the notices of the last one. */
function fed(...ms: [FromWorker, 'cot' | 'direct'][]): { s: TrainingData; last: ReturnType<typeof noticesOf> } {
  let s = initialTrainingData(100, ['cot', 'direct']);
  for (const [m, from] of ms) s = reduce(s, m, 0, from);
  const [m, from] = ms[ms.length - 1];
  return { s, last: noticesOf(m, from, s, 'webgpu') };
}

describe('notices', () => {
  it("a backend's fallbacks, in the page's words: a warning when a backend was named, information from auto", () => {
    const m: FromWorker = { type: 'backend', backend: 'wasm', fallbacks: ['webgpu: not available here'] };
    const { s, last } = fed([m, 'cot']);
    expect(last).toEqual([{ text: 'Training on wasm: webgpu: not available here.', kind: 'warning', once: 'backend' }]);
    expect(noticesOf(m, 'cot', s, 'auto')[0].kind).toBe('info');
    expect(noticesOf({ type: 'backend', backend: 'wasm', fallbacks: [] }, 'cot', s, 'wasm')).toEqual([]);
  });

  it('arms on different backends: their speeds are not comparable', () => {
    const { last } = fed([{ type: 'backend', backend: 'webgpu', fallbacks: [] }, 'cot'], [{ type: 'backend', backend: 'wasm', fallbacks: [] }, 'direct']);
    expect(last).toEqual([
      { text: 'The arms train on different backends (CoT on webgpu, direct on wasm), so their speeds are not comparable.', kind: 'info', once: 'run' },
    ]);
  });

  it('a failed worker: its arm stopped at its step, the other goes on; once per run', () => {
    const { last } = fed([{ type: 'progress', step: 30, running: true }, 'direct'], [{ type: 'error', message: 'out of memory.' }, 'direct']);
    expect(last).toEqual([
      {
        text: 'The direct arm stopped at step 30: out of memory. The CoT arm goes on; its curves and what direct drew so far stay. Reset starts a fresh run.',
        kind: 'warning',
        once: 'run',
      },
    ]);
  });

  it('storage problems once for the client’s life (no IndexedDB is information); a failed resume says why', () => {
    const full = fed([{ type: 'checkpoint', arm: 'cot', step: 10, problem: { kind: 'quota', text: 'full' } }, 'cot']).last[0];
    expect(full).toMatchObject({ kind: 'warning', once: 'life' });
    expect(full.text).toMatch(/^The browser's storage for this site is full/);
    expect(fed([{ type: 'checkpoint', arm: 'cot', step: 10, problem: { kind: 'unavailable', text: '' } }, 'cot']).last[0].kind).toBe('info');
    expect(fed([{ type: 'checkpoint', arm: 'cot', step: 10 }, 'cot']).last).toEqual([]);
    const resumed = fed([{ type: 'resumed', arm: 'direct', step: 0, history: [], problem: 'no checkpoint of it was saved' }, 'direct']).last;
    expect(resumed.map((n) => n.text)).toEqual(['The direct arm could not resume: no checkpoint of it was saved.']);
  });

  it('different dataset hashes, once both workers said theirs; config corrections as they came', () => {
    const ready = (hash: string): FromWorker => ({ type: 'ready', hash, arms: [] });
    expect(fed([ready('a'), 'cot']).last).toEqual([]);
    expect(fed([ready('a'), 'cot'], [ready('b'), 'direct']).last[0].text).toBe(
      "The two arms' workers generated different datasets (hashes CoT a, direct b); the comparison is not fair. Please report this.",
    );
    expect(fed([{ type: 'notice', messages: ['batch: 5000 is above 1024; set to 1024.'] }, 'cot']).last).toEqual([
      { text: 'batch: 5000 is above 1024; set to 1024.', kind: 'warning', once: 'run' },
    ]);
  });
});
