/**
 * The payoff of a TrainingSession that runs in Node: "a lost WebGPU device moves the arm to wasm from its last
 * checkpoint" tested on Dawn's WebGPU (cli/nodeWebgpu.ts; SwiftShader where there is no GPU) instead of in
 * Chromium. The session is the browser worker's (src/worker/training.worker.ts is a shell around it), with the
 * page's test switch for faults. Skipped without an adapter, unless COT_REQUIRE_WEBGPU=1.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import type { FromWorkerTagged } from '../src/worker/protocol';
import { selectBackend } from '../src/train/backend';
import { createTrainingSession } from '../src/worker/session';
import { installNodeWebgpu, type NodeAdapter } from './nodeWebgpu';

tf.env().set('PROD', true);
const adapter: NodeAdapter | null = await installNodeWebgpu().catch((e: Error) => {
  if (process.env.COT_REQUIRE_WEBGPU === '1') throw e;
  return null;
});

const config: Config = {
  ...DEFAULT_CONFIG,
  entities: 40,
  relations: 8,
  degree: 4,
  layers: 1,
  heads: 2,
  dModel: 32,
  batch: 32,
  evalSize: 50,
  steps: 9,
  evalEvery: 3,
  evalEarly: 'off',
  backend: 'webgpu',
};

type Of<T extends FromWorkerTagged['type']> = Extract<FromWorkerTagged, { type: T }>;

describe.skipIf(adapter === null)(`a training session on webgpu in Node (${adapter?.name ?? 'no adapter'})`, () => {
  it('a lost device mid-run: the arm goes on on wasm from its last checkpoint, says so, and finishes', { timeout: 300_000 }, async () => {
    const got: FromWorkerTagged[] = [];
    const of = <T extends FromWorkerTagged['type']>(type: T) => got.filter((m): m is Of<T> => m.type === type);
    // no self-check of the backend (cli/nodeWebgpu.test.ts has it; on SwiftShader it costs half a minute)
    const session = createTrainingSession({ post: (m) => got.push(m), chooseBackend: (choice) => selectBackend(choice) });
    session.receive({ type: 'init', config, run: 5, arm: 'cot', test: { faults: true } });
    await session.settled();
    expect(of('backend').map((m) => m.backend)).toEqual(['webgpu']);
    session.receive({ type: 'play' });
    // the checkpoint of step 3's evaluation is taken: a fault now goes back to 3 (or 6, if it already got there)
    // (an evaluation's row is sent before its checkpoint is taken; a step's progress after)
    await expect.poll(() => of('progress').some((p) => p.step >= 3), { timeout: 240_000, interval: 100 }).toBe(true);
    session.receive({ type: 'fault', fault: 'device-lost' });
    await expect.poll(() => of('backend').length, { timeout: 60_000 }).toBe(2);
    const moved = of('backend')[1];
    expect(moved.backend).toBe('wasm');
    expect(moved.fallbacks[0]).toMatch(
      /^webgpu: the CoT arm lost the GPU at step [3-9]: its WebGPU device was lost \(destroyed[^)]*\); it goes on on wasm from step [36], its last checkpoint$/,
    );
    await expect.poll(() => of('state').at(-1), { timeout: 120_000 }).toMatchObject({ running: false, step: 9, done: true });
    await session.settled();
    const rewound = of('rewound').map((m) => m.step);
    expect(rewound).toHaveLength(1);
    expect([3, 6]).toContain(rewound[0]);
    // after the rewind: the rows from the checkpoint on again, on wasm, to the end; and no error
    const evals = of('eval').map((e) => e.row.step);
    expect(evals.slice(evals.lastIndexOf(rewound[0]) + 1)).toEqual([3, 6, 9].filter((s) => s > rewound[0]));
    expect(of('error')).toEqual([]);
    expect(got.every((m) => m.run === 5)).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
  });
});
