import { describe, expect, it } from 'vitest';
import {
  BROWSER_WORKER_BUDGET,
  GiB,
  checkBrowserBudget,
  checkBudget,
  cotInputLength,
  estimateLockstepMemory,
  estimateTrainingMemory,
  formatGiB,
  modelContextOf,
} from './memoryBudget';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';

const huge: Config = { ...DEFAULT_CONFIG, layers: 8, dModel: 512, batch: 1024 };

describe('training memory budget', () => {
  it('the default preset fits a browser tab on every backend', () => {
    for (const backend of ['auto', 'webgpu', 'wasm'] as const) expect(checkBrowserBudget({ ...DEFAULT_CONFIG, backend }).ok, backend).toBe(true);
  });

  it('8 layers × 512 × batch 1024 is refused, with the estimate, the budget and what to lower, in plain text', () => {
    const c = checkBrowserBudget({ ...huge, backend: 'wasm' });
    expect(c.ok).toBe(false);
    expect(c.estimate.totalBytes).toBeGreaterThan(BROWSER_WORKER_BUDGET);
    expect(c.message).toMatch(/^estimated \d+(\.\d)? GiB for training, above the 2 GiB a browser tab can count on; lower batch or dModel$/);
    expect(c.lower).toEqual(['batch', 'dModel']);
  });

  it('on a GPU backend (plain tfjs ops, 4× the activations) a config that fits wasm says so', () => {
    const c = { ...DEFAULT_CONFIG, layers: 8, dModel: 512, batch: 256 };
    expect(checkBrowserBudget({ ...c, backend: 'wasm' }).ok).toBe(true);
    const gpu = checkBrowserBudget({ ...c, backend: 'auto' });
    expect(gpu.ok).toBe(false);
    expect(gpu.message).toMatch(/; lower batch or dModel, or set Backend to wasm \(estimated [\d.]+ (GiB|MiB) there\)$/);
  });

  it('a model whose weights dominate names dModel and layers', () => {
    const c = checkBudget({ ...DEFAULT_CONFIG, layers: 8, dModel: 512, mlpRatio: 8, batch: 8 }, 0.1 * GiB);
    expect(c.ok).toBe(false);
    expect(c.lower).toEqual(['dModel', 'layers']);
  });

  it("grows with batch, width, layers and hops; lockstep (the CLI) holds both arms' state", () => {
    const base = estimateTrainingMemory(DEFAULT_CONFIG).totalBytes;
    for (const p of [{ batch: 512 }, { dModel: 256 }, { layers: 8 }, { hops: '3' as const }]) {
      expect(estimateTrainingMemory({ ...DEFAULT_CONFIG, ...p }).totalBytes, JSON.stringify(p)).toBeGreaterThan(base);
    }
    const one = estimateTrainingMemory(huge);
    const two = estimateLockstepMemory(huge, 2, 'fused');
    expect(two.totalBytes - one.totalBytes).toBe(one.stateBytes);
  });

  it("reads the task's sequence lengths: the knowledge graph's hops, parity's bits", () => {
    expect(cotInputLength(DEFAULT_CONFIG)).toBe(5); // h r1 r2 b t
    expect(cotInputLength({ ...DEFAULT_CONFIG, hops: '3' })).toBe(7); // h r1 r2 r3 b1 b2 t
    expect(modelContextOf(DEFAULT_CONFIG)).toBe(8);
    const parity: Config = { ...taskDefaults('parity'), bits: 16, testBits: 0 };
    expect(cotInputLength(parity)).toBe(16 + 1 + 15 + 1); // the bits, =, the running parities, the answer
    expect(modelContextOf({ ...parity, testBits: 24 })).toBe(2 * 24 + 2);
    const long = { ...parity, bits: 48 };
    expect(estimateTrainingMemory(long).activationBytes).toBeGreaterThan(2.5 * estimateTrainingMemory(parity).activationBytes);
    expect(checkBrowserBudget({ ...parity, backend: 'wasm' }).ok).toBe(true);
    expect(checkBrowserBudget({ ...long, layers: 8, dModel: 512, batch: 1024, backend: 'wasm' }).ok).toBe(false);
  });

  it('formats sizes', () => {
    expect(formatGiB(2 * GiB)).toBe('2 GiB');
    expect(formatGiB(5.12 * GiB)).toBe('5.1 GiB');
    expect(formatGiB(457 * 2 ** 20)).toBe('457 MiB');
  });
});
