/**
 * Resume: a run interrupted at an evaluation (the tab closed) and resumed from the checkpoints it left in
 * IndexedDB (src/runs/checkpoints.ts, through fake-indexeddb here) ends on exactly the curve of a run never
 * interrupted: same seed → same weights, the same AdamW state, the same batches from the same step (on wasm).
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { Config } from '../experiment/schema';
import { configToQuery } from '../experiment/link';
import { checkpointKey, makeCheckpoint, readCheckpoint } from '../runs/checkpoints';
import { openRunsRepo } from '../runs/db';
import { Experiment } from './experimentLoop';
import { TINY_KG } from '../../tests/support/configs';

const config: Config = { ...TINY_KG, steps: 30, evalEvery: 10, evalEarly: 'off' };

describe('resume', () => {
  it('a run interrupted at an evaluation and resumed from its IndexedDB checkpoints ends on the same curve', async () => {
    await tf.setBackend('wasm');
    const whole = new Experiment(config);
    await whole.run();
    const want = structuredClone(whole.history);
    whole.dispose();
    expect(want.cot.map((r) => r.step)).toEqual([0, 10, 20, 30]);

    const first = new Experiment(config, () => {}, undefined, { checkpoints: true });
    while (first.step < 20) await first.stepOnce();
    const repo = await openRunsRepo('resume-test');
    const link = configToQuery(config);
    for (const t of first.trainers) await repo.putCheckpoint(makeCheckpoint('run', t.arm, link, first.hash, first.checkpoints[t.arm]!));
    const history = structuredClone(first.history);
    first.dispose(); // the tab closes

    const again = new Experiment(config, () => {}, undefined, { checkpoints: true });
    const checkpoints: Partial<Record<'cot' | 'direct', Awaited<ReturnType<typeof readCheckpoint>> & { ok: true }>> = {};
    for (const t of again.trainers) {
      const read = readCheckpoint(await repo.getCheckpoint(checkpointKey('run', t.arm)), { link, hash: again.hash, parameters: t.parameters });
      expect(read.ok, t.arm).toBe(true);
      if (read.ok) checkpoints[t.arm] = read;
    }
    again.restore({ checkpoints: { cot: checkpoints.cot?.checkpoint, direct: checkpoints.direct?.checkpoint }, history });
    expect(again.step).toBe(20);
    await again.run();
    expect(again.history).toEqual(want);
    again.dispose();
  });
});
