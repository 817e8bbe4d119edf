import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { checkpointKey, makeCheckpoint, readCheckpoint } from './checkpoints';
import { memoryRepo, openRunsRepo, type RunsRepo } from './db';
import { browserReport, importedRecord } from './record';

let n = 0;
const data = (size: number, step = 40) => ({
  step,
  weights: Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 1e-3),
  optimizer: { m: Float32Array.from({ length: size }, (_, i) => i * 1e-7), v: Float32Array.from({ length: size }, (_, i) => i * 1e-9), t: step },
});
const record = (id: string) =>
  importedRecord(
    browserReport({ config: DEFAULT_CONFIG, backend: 'wasm', hash: 'h', arms: ['cot'], history: { cot: [], direct: [] }, stepsPerSec: {}, wallSeconds: 0 }),
    { id, name: id, now: 1 },
  );

async function roundTrip(repo: RunsRepo) {
  const c = makeCheckpoint('r1', 'cot', 'v=1', 'h', data(1000));
  await repo.putCheckpoint(c);
  await repo.putCheckpoint(makeCheckpoint('r1', 'cot', 'v=1', 'h', data(1000, 80))); // the latest replaces the one before
  await repo.putCheckpoint(makeCheckpoint('r2', 'direct', 'v=1', 'h', data(10)));
  const back = readCheckpoint(await repo.getCheckpoint(checkpointKey('r1', 'cot')), { link: 'v=1', hash: 'h', parameters: 1000 });
  expect(back.ok).toBe(true);
  if (!back.ok) return;
  expect(back.checkpoint.step).toBe(80);
  expect(back.checkpoint.weights).toBeInstanceOf(Float32Array);
  expect(Array.from(back.checkpoint.weights)).toEqual(Array.from(data(1000).weights)); // every bit
  expect(back.checkpoint.optimizer.t).toBe(80);
  // deleting a run deletes its checkpoints, not the others'
  await repo.put([record('r1'), record('r2')]);
  await repo.delete(['r1']);
  expect(await repo.getCheckpoint(checkpointKey('r1', 'cot'))).toBeUndefined();
  expect(await repo.getCheckpoint(checkpointKey('r2', 'direct'))).toBeDefined();
  // a checkpoint written after its run was deleted is pruned; those of kept runs stay
  await repo.putCheckpoint(makeCheckpoint('r1', 'cot', 'v=1', 'h', data(10)));
  expect(await repo.pruneCheckpoints(new Set(['r2']))).toBe(1);
  expect(await repo.getCheckpoint(checkpointKey('r1', 'cot'))).toBeUndefined();
  expect(await repo.getCheckpoint(checkpointKey('r2', 'direct'))).toBeDefined();
}

describe('checkpoints', () => {
  it('round-trip through IndexedDB and memory, latest per arm, deleted with their run', async () => {
    await roundTrip(await openRunsRepo(`cp-${++n}`));
    await roundTrip(memoryRepo());
  });

  it('a database of version 1 (runs only) is upgraded: its runs stay, checkpoints can be kept', async () => {
    const name = `cp-${++n}`;
    await new Promise<void>((done, fail) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('runs', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      req.onsuccess = () => {
        const tx = req.result.transaction('runs', 'readwrite');
        tx.objectStore('runs').put(record('old'));
        tx.oncomplete = () => (req.result.close(), done());
        tx.onerror = () => fail(tx.error);
      };
      req.onerror = () => fail(req.error);
    });
    const repo = await openRunsRepo(name);
    expect(((await repo.list()) as { id: string }[]).map((r) => r.id)).toEqual(['old']);
    await repo.putCheckpoint(makeCheckpoint('old', 'cot', 'v=1', 'h', data(4)));
    expect(await repo.getCheckpoint(checkpointKey('old', 'cot'))).toBeDefined();
  });

  it('refuses a checkpoint of another run, dataset, size or format, or a damaged one, with a message', () => {
    const c = makeCheckpoint('r', 'cot', 'v=1&seed=1', 'h', data(8));
    const want = { link: 'v=1&seed=1', hash: 'h', parameters: 8 };
    expect(readCheckpoint(c, want).ok).toBe(true);
    const no = (raw: unknown, w = want) => {
      const r = readCheckpoint(raw, w);
      return r.ok ? 'ok' : r.message;
    };
    expect(no(c, { ...want, link: 'v=1' })).toBe('the checkpoint belongs to another experiment.');
    expect(no(c, { ...want, hash: 'x' })).toBe('the checkpoint was made on another dataset.');
    expect(no(c, { ...want, parameters: 9 })).toBe('the checkpoint holds 8 weights; this model has 9.');
    expect(no({ ...c, format: 2 })).toBe('the checkpoint has format 2; this playground reads 1.');
    expect(no({ ...c, optimizer: { ...c.optimizer, m: new Float32Array(3) } })).toMatch(/does not match its weights/);
    for (const bad of [null, 1, 'x', {}, { ...c, weights: [1, 2] }]) expect(no(bad)).toBe('the checkpoint is damaged.');
  });
});
