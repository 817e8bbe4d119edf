import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../data/dataset';
import type { Config } from '../experiment/schema';
import { kgOf } from '../tasks/kg';
import { ArmTrainer, modelConfigOf } from './arm';
import { armsOf } from '../experiment/domain';
import { TINY_KG, onWasmBackend } from '../../tests/support/configs';

const tiny: Config = TINY_KG;

onWasmBackend();

/** Runs `n` steps and reads the losses back once at the end (as the runner does). */
function train(t: ArmTrainer, n: number): number[] {
  const losses: tf.Scalar[] = [];
  for (let i = 0; i < n; i++) losses.push(t.trainStep());
  const values = losses.map((l) => l.dataSync()[0]);
  losses.forEach((l) => l.dispose());
  return values;
}

describe('ArmTrainer', () => {
  const data = generateDataset(tiny);

  it('the loss decreases over 40 steps', () => {
    const t = new ArmTrainer(tiny, data, 'cot');
    const losses = train(t, 40);
    t.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // starts near ln(vocab) and falls clearly
    expect(losses[0]).toBeGreaterThan(Math.log(data.vocab.size) - 0.5);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.5);
  });

  it('leaks no tensors: the count is the same before and after 30 steps, and zero after dispose', () => {
    const before0 = tf.memory().numTensors;
    const t = new ArmTrainer(tiny, data, 'direct');
    const before = tf.memory().numTensors;
    train(t, 30);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before0);
  });

  it('same config → identical loss sequence; another seed → a different one', () => {
    const a = new ArmTrainer(tiny, data, 'cot');
    const b = new ArmTrainer(tiny, data, 'cot');
    const la = train(a, 8);
    const lb = train(b, 8);
    a.dispose();
    b.dispose();
    expect(lb).toEqual(la);
    const c = new ArmTrainer({ ...tiny, seed: 5 }, data, 'cot');
    const lc = train(c, 8);
    c.dispose();
    expect(lc).not.toEqual(la);
  });

  it('both arms start from the same weights and train on the same number of examples', () => {
    const cot = new ArmTrainer(tiny, data, 'cot');
    const direct = new ArmTrainer(tiny, data, 'direct');
    expect(direct.trainExamples).toBe(cot.trainExamples);
    expect(direct.trainExamples).toBe(kgOf(data).atomic.length + kgOf(data).train.length);
    expect(direct.parameters).toBe(cot.parameters);
    expect(Array.from(direct.weights.tokenEmbedding.dataSync())).toEqual(Array.from(cot.weights.tokenEmbedding.dataSync()));
    cot.dispose();
    direct.dispose();
  });

  it('learning rate: linear warm-up, then constant (lrSchedule=constant)', () => {
    const t = new ArmTrainer({ ...tiny, warmup: 10, lr: 1e-3, lrSchedule: 'constant' }, data, 'cot');
    expect(t.learningRate(0)).toBe(0);
    expect(t.learningRate(5)).toBeCloseTo(5e-4, 12);
    expect(t.learningRate(10)).toBe(1e-3);
    expect(t.learningRate(1000)).toBe(1e-3);
    t.dispose();
    const noWarmup = new ArmTrainer({ ...tiny, warmup: 0, lrSchedule: 'constant' }, data, 'cot');
    expect(noWarmup.learningRate(1)).toBe(tiny.lr);
    noWarmup.dispose();
  });

  it('armsOf and modelConfigOf follow the config', () => {
    expect(armsOf({ ...tiny, arms: 'both' })).toEqual(['cot', 'direct']);
    expect(armsOf({ ...tiny, arms: 'direct' })).toEqual(['direct']);
    const m = modelConfigOf(tiny, data);
    expect(m).toMatchObject({ vocabSize: data.vocab.size, layers: 1, heads: 2, dModel: 32, seed: tiny.seed });
    expect(m.maxLength).toBe(data.contextLength);
    expect(m.maxLength).toBeGreaterThanOrEqual(8); // room for three-hop CoT sequences
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, then stays constant or decays by a cosine to 10% at the last step', () => {
    const base = { ...tiny, warmup: 10, steps: 110, lr: 0.01 };
    const data = generateDataset(base);
    const constant = new ArmTrainer({ ...base, lrSchedule: 'constant' }, data, 'cot');
    const cosine = new ArmTrainer({ ...base, lrSchedule: 'cosine' }, data, 'cot');
    try {
      expect(constant.learningRate(5)).toBeCloseTo(0.005, 9);
      expect(cosine.learningRate(5)).toBeCloseTo(0.005, 9);
      expect(constant.learningRate(10)).toBeCloseTo(0.01, 9);
      expect(cosine.learningRate(10)).toBeCloseTo(0.01, 9);
      expect(constant.learningRate(110)).toBeCloseTo(0.01, 9);
      expect(cosine.learningRate(60)).toBeCloseTo(0.01 * 0.55, 9); // half way: 0.1 + 0.9 × 0.5
      expect(cosine.learningRate(110)).toBeCloseTo(0.001, 9);
      expect(cosine.learningRate(500)).toBeCloseTo(0.001, 9); // stepped past the end: stays at the floor
    } finally {
      constant.dispose();
      cosine.dispose();
    }
  });
});
