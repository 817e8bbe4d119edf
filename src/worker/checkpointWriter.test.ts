import { describe, expect, it } from 'vitest';
import { makeCheckpoint } from '../runs/checkpoints';
import { memoryRepo, StorageProblem, type RunsRepo } from '../runs/db';
import { checkpointWriter, type WriteOutcome } from './checkpointWriter';

const cp = (run: string, step: number) =>
  makeCheckpoint(run, 'cot', 'v=1', 'h', { step, weights: new Float32Array(4), optimizer: { m: new Float32Array(4), v: new Float32Array(4), t: step } });

describe('checkpointWriter', () => {
  it('writes one at a time; a newer checkpoint of a key replaces one still waiting; reads back', async () => {
    const repo = memoryRepo();
    const puts: number[] = [];
    const slow: RunsRepo = { ...repo, putCheckpoint: async (c) => (puts.push(c.step), repo.putCheckpoint(c)) };
    let opened = 0;
    const w = checkpointWriter(async () => (opened++, slow));
    const outcomes: [number, WriteOutcome][] = [];
    for (const step of [10, 20, 30]) w.write(cp('r', step), (o) => outcomes.push([step, o]));
    w.write(cp('s', 5), (o) => outcomes.push([5, o]));
    await w.idle();
    expect(puts).toEqual([10, 30, 5]); // 20 waited behind 10 and was replaced by 30
    expect(outcomes).toEqual([
      [10, { ok: true }],
      [30, { ok: true }],
      [5, { ok: true }],
    ]);
    expect(opened).toBe(1);
    const back = await w.read('r:cot');
    expect(back.ok && (back.raw as { step: number }).step).toBe(30);
    expect(await w.read('x:cot')).toEqual({ ok: true, raw: undefined });
  });

  it('a full disk and a window without IndexedDB are outcomes with a sentence, never a throw', async () => {
    const full: RunsRepo = {
      ...memoryRepo(),
      putCheckpoint: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    const w = checkpointWriter(async () => full);
    const got: WriteOutcome[] = [];
    w.write(cp('r', 10), (o) => got.push(o));
    await w.idle();
    expect(got).toEqual([{ ok: false, kind: 'quota', text: expect.stringMatching(/storage for this site is full/) }]);

    const none = checkpointWriter(async () => {
      throw new StorageProblem('unavailable', 'This browser window has no IndexedDB.');
    });
    none.write(cp('r', 10), (o) => got.push(o));
    await none.idle();
    expect(got[1]).toEqual({ ok: false, kind: 'unavailable', text: 'This browser window has no IndexedDB.' });
    expect(await none.read('r:cot')).toMatchObject({ ok: false, kind: 'unavailable' });
  });
});
