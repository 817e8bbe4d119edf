/**
 * The fast path end to end on the tfjs wasm backend: training with our kernels gives the same losses as
 * the reference tfjs path, leaks no tensors, and the committed wasm binaries match their sources.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { headlineSplit } from '../tasks/registry';
import type { Config } from '../experiment/schema';
import { ArmTrainer } from './arm';
import { sourceHash } from '../model/kernels/build';
import { SOURCE_HASH } from '../model/kernels/wasm.generated';
import { gemmThreads, setGemmThreads } from '../model/kernels/wasm';
import { BLOCK_HOOKS, blockHook, forward, modelOf } from '../model/gpt';
import { fastKernelsActive, pickOps, setFastPath } from '../model/ops';
import { SMALL_KG } from '../../tests/support/configs';

const small: Config = { ...SMALL_KG, batch: 48, warmup: 3 };

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => setFastPath(true));

function losses(config: Config, arm: 'cot' | 'direct', steps: number, fastOn: boolean): number[] {
  setFastPath(fastOn);
  const t = new ArmTrainer(config, generateDataset(config), arm);
  const out: tf.Scalar[] = [];
  for (let i = 0; i < steps; i++) out.push(t.trainStep());
  const values = out.map((l) => l.dataSync()[0]);
  out.forEach((l) => l.dispose());
  t.dispose();
  setFastPath(true);
  return values;
}

describe('fast path (wasm kernels) vs tfjs reference', () => {
  it('is active on wasm, and off when switched off', () => {
    expect(fastKernelsActive()).toBe(true);
    setFastPath(false);
    expect(fastKernelsActive()).toBe(false);
    setFastPath(true);
  });

  for (const arm of ['cot', 'direct'] as const) {
    it(`${arm}: 8 training steps give the same losses (within float32 drift)`, () => {
      const a = losses(small, arm, 8, true);
      const b = losses(small, arm, 8, false);
      expect(a.every(Number.isFinite)).toBe(true);
      expect(a[a.length - 1]).toBeLessThan(a[0]); // it learns
      a.forEach((x, i) => expect(Math.abs(x - b[i]), `step ${i + 1}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i]))));
    });
  }

  it('with dropout both paths train, and fast-path losses stay close to the reference', () => {
    const cfg = { ...small, dropout: 0.1 };
    const a = losses(cfg, 'cot', 6, true);
    const b = losses(cfg, 'cot', 6, false);
    // different dropout masks (the fast path draws its own attention mask), so only loosely equal
    a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(0.25));
  });

  it('tensor count is flat across 25 training steps and back to the start after dispose', () => {
    for (const cfg of [small, { ...small, dropout: 0.1 }]) {
      const start = tf.memory().numTensors;
      const t = new ArmTrainer(cfg, generateDataset(cfg), 'cot');
      t.trainStep().dispose(); // warm-up
      const after1 = tf.memory().numTensors;
      for (let i = 0; i < 25; i++) t.trainStep().dispose();
      expect(tf.memory().numTensors).toBe(after1);
      t.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });
});

describe('GEMMs split over threads', () => {
  afterAll(() => setGemmThreads(1));

  it('training on 2 and 3 threads gives the one-thread losses bit for bit (every GEMM split)', async () => {
    const cfg = { ...small, dropout: 0.1 }; // the dropout masks come from the same seeds on every thread count
    const one = losses(cfg, 'cot', 6, true);
    for (const threads of [2, 3]) {
      expect(await setGemmThreads(threads, 0)).toBe(threads);
      const before = gemmThreads().splits;
      const many = losses(cfg, 'cot', 6, true);
      expect(gemmThreads().splits - before, 'GEMMs split').toBeGreaterThan(6 * 3 * small.layers);
      expect(many).toEqual(one);
    }
    expect(await setGemmThreads(1)).toBe(1);
    expect(gemmThreads()).toEqual({ threads: 1, splits: 0 });
  });
});

describe('inference on the fast path', () => {
  it('forward with every named intermediate and lastOnly equals the reference path, and leaks nothing', () => {
    const data = generateDataset(small);
    const t = new ArmTrainer(small, data, 'cot');
    expect(t.gpt.ops.path).toBe('fast'); // picked once, when the model was made
    for (let i = 0; i < 3; i++) t.trainStep().dispose();
    const tokens = tf.tensor2d(
      splitItems(data, headlineSplit(small).id)
        .slice(0, 7)
        .map((it) => it.prompt),
      undefined,
      'int32',
    );
    const names = [...Array.from({ length: small.layers }, (_, l) => BLOCK_HOOKS.map((h) => blockHook(l, h))).flat(), 'ln_final.hook_normalized' as const];
    const run = (path: 'fast' | 'reference') => {
      const m = modelOf(t.model, t.weights, pickOps(path));
      expect(m.ops.path).toBe(path);
      const r = forward(m, tokens, { keep: names });
      const last = forward(m, tokens, { lastOnly: true }).logits;
      return [r.logits, last, ...names.map((n) => r.cache[n]!)];
    };
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = run('fast');
      const b = run('reference');
      expect(a.length).toBe(2 + names.length);
      a.forEach((x, i) => {
        expect(x, `output ${i}`).toBeDefined();
        expect(x.shape).toEqual(b[i].shape);
        const d = tf.max(tf.abs(tf.sub(x, b[i]))).dataSync()[0];
        expect(d, `output ${i}`).toBeLessThan(1e-4);
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    tokens.dispose();
    t.dispose();
  });

  it('a full evaluation leaks no tensors', async () => {
    const data = generateDataset(small);
    const t = new ArmTrainer(small, data, 'cot');
    await t.evaluate();
    const before = tf.memory().numTensors;
    const r = await t.evaluate();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(r.acc[data.splits[0].id])).toBe(true);
    t.dispose();
  });
});

describe('committed kernels', () => {
  it('wasm.generated.ts was built from the current *.as sources (run npm run build:kernels)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });
});
