/** The CLI's memory check: pure, and end to end (a model too big is refused with exit 2 before tfjs loads). */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GiB, WASM_HEAP_MAX, estimateLockstepMemory, estimateTrainingMemory } from '../src/data/memoryBudget';
import { DEFAULT_CONFIG } from '../src/experiment/schema';
import { armThreadsOf, cliBackendOf, cliBudget } from './memoryCheck';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const HUGE = 'layers=8&dModel=512&batch=1024&mlpRatio=8&hops=3&entities=2000';

describe('cli memory budget', () => {
  it("wasm: both arms in one 4 GiB heap; cpu: the machine's memory", () => {
    const big = { ...DEFAULT_CONFIG, layers: 8, dModel: 512, batch: 1024, mlpRatio: 8, hops: '3' as const, entities: 2000 };
    const wasm = cliBudget(big, 'wasm', 64 * GiB);
    expect(wasm.ok).toBe(false);
    expect(wasm.budgetBytes).toBe(WASM_HEAP_MAX);
    expect(wasm.message).toMatch(
      /^estimated [\d.]+ GiB for training, above the 4 GiB the wasm backend's heap can hold \(this machine has 64 GiB\); lower batch or dModel$/,
    );
    // on a small machine the machine is the bound
    expect(cliBudget(big, 'wasm', 2 * GiB).budgetBytes).toBe(2 * GiB);
    expect(cliBudget(big, 'cpu', 1024 * GiB).ok).toBe(true);
    expect(cliBudget(big, 'cpu', 8 * GiB).message).toMatch(/above the 8 GiB this machine has \(os\.totalmem\)/);
    expect(cliBudget(DEFAULT_CONFIG, 'wasm', 4 * GiB).ok).toBe(true);
    expect(cliBackendOf({ backend: 'webgpu' })).toBe('wasm');
    expect(cliBackendOf({ backend: 'cpu' })).toBe('cpu');
    expect(cliBackendOf({ backend: 'cpu' }, 'wasm')).toBe('wasm');
  });

  it('each arm in its own thread: one arm per wasm heap, both arms at once in the machine', () => {
    const mid = { ...DEFAULT_CONFIG, dModel: 512, batch: 512 };
    const one = estimateTrainingMemory(mid, 'fused').totalBytes;
    expect(cliBudget(mid, 'wasm', 64 * GiB, false).estimate.totalBytes).toBe(estimateLockstepMemory(mid, 2, 'fused').totalBytes);
    expect(cliBudget(mid, 'wasm', 64 * GiB, true).estimate.totalBytes).toBe(2 * one);
    // fits one heap per arm, but not two arms stepping at once in this machine
    const small = cliBudget(mid, 'wasm', 1.5 * one, true);
    expect(small.ok).toBe(false);
    expect(small.message).toMatch(/above the [\d.]+ GiB this machine has \(os\.totalmem\)/);
    expect(cliBudget(mid, 'wasm', 1.5 * one, false).ok).toBe(estimateLockstepMemory(mid, 2, 'fused').totalBytes <= 1.5 * one);
    expect(armThreadsOf({ arms: 'both' })).toBe(true);
    expect(armThreadsOf({ arms: 'both' }, 1)).toBe(false);
    expect(armThreadsOf({ arms: 'cot' }, 4)).toBe(false);
  });

  it('the CLI refuses a model too big for the wasm heap: exit 2, the estimate and what to lower, nothing trained', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(tsx, ['cli/experiment.ts', HUGE], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: estimated [\d.]+ GiB for training, above the 4 GiB the wasm backend's heap can hold \(this machine has [\d.]+ GiB\); lower batch or dModel\nnothing was trained\n$/,
    );
    expect(r.stdout).toBe('');
  });
});
