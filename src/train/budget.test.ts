/**
 * The tfjs-free memory estimate (src/data/memoryBudget.ts) against the real model: its parameter count is
 * exact, and its peak-memory estimate is within a factor of the peak tf.profile measures during one training
 * step, on the fused wasm path and on the plain-tfjs path (cpu here; webgpu and webgl run the same ops).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { generateDataset, trainingSequences } from '../data/dataset';
import { cotInputLength, estimateTrainingMemory, modelContextOf, parameterCountOf, type TrainingPath } from '../data/memoryBudget';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { ArmTrainer } from './arm';

const CONFIGS: Partial<Config>[] = [
  { entities: 40, relations: 8, degree: 4, layers: 1, dModel: 32, heads: 2, batch: 32 },
  { entities: 100, relations: 10, degree: 5, layers: 2, dModel: 64, heads: 4, batch: 64, hops: '3' },
  { entities: 300, relations: 12, degree: 5, layers: 1, dModel: 128, heads: 8, mlpRatio: 8, batch: 16 },
];
const cfg = (p: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...p });

async function peakOfOneStep(backend: string, c: Config): Promise<{ peak: number; parameters: number }> {
  await tf.setBackend(backend);
  await tf.ready();
  const t = new ArmTrainer(c, generateDataset(c), 'cot');
  t.trainStep().dispose(); // the first step creates the optimiser's lazily made tensors, if any
  const info = await tf.profile(() => {
    t.trainStep().dispose();
  });
  const parameters = t.parameters;
  t.dispose();
  return { peak: info.peakBytes, parameters };
}

describe('memory estimate vs the real model', () => {
  it("parameterCountOf equals the model's parameter count", async () => {
    await tf.setBackend('cpu');
    for (const p of [...CONFIGS, {}, { layers: 3, dModel: 256, mlpRatio: 8, entities: 2000, relations: 200, degree: 5 }]) {
      const c = cfg(p);
      // only the weights are needed: a trainer with a small batch on a small graph of the same vocabulary size
      const t = new ArmTrainer({ ...c, batch: 8 }, generateDataset(c), 'cot');
      expect(t.parameters, JSON.stringify(p)).toBe(parameterCountOf(c));
      t.dispose();
    }
  });

  it("the estimate reads the sequences the arms train on and the model's context, for every task", () => {
    for (const c of [cfg({}), cfg({ hops: '3' }), { ...taskDefaults('parity'), bits: 10, trainSize: 64, testBits: 14 }]) {
      const d = generateDataset(c);
      const width = (cot: boolean) => Math.max(...trainingSequences(d, cot).map((s) => s.tokens.length)) - 1;
      expect(cotInputLength(c), c.task).toBe(Math.max(width(true), width(false)));
      expect(modelContextOf(c), c.task).toBe(d.contextLength);
    }
  });

  for (const [backend, path] of [
    ['wasm', 'fused'],
    ['cpu', 'reference'],
  ] as [string, TrainingPath][]) {
    it(`${backend} (${path} path): the estimate is 0.8–1.6× the measured peak of a training step`, async () => {
      for (const p of CONFIGS) {
        const c = cfg(p);
        const { peak } = await peakOfOneStep(backend, c);
        const ratio = estimateTrainingMemory(c, path).totalBytes / peak;
        expect(ratio, `${JSON.stringify(p)}: estimate / peak`).toBeGreaterThan(0.8);
        expect(ratio, `${JSON.stringify(p)}: estimate / peak`).toBeLessThan(1.6);
      }
    });
  }
});
