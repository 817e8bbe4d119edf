/**
 * The experiment CLI both ways on one tiny config with an RL stage, --lens and --trace: every arm in this thread
 * (`--jobs 1`) and each arm in its own worker thread (the default). Same seed, same backend: every history row
 * (losses, accuracies, RL metrics) and every lens and trace record must be the same numbers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cot-cli-threads-'));
const TINY =
  'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&evalEvery=2&evalEarly=off&dropout=0.1&steps=4&rlSteps=2&rlSamples=4';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(tsx, ['cli/experiment.ts', ...args], { cwd: root, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

interface ArmOut {
  stepsPerSec: number;
  history: { step: number; phase: string; loss: number | null }[];
  lens: unknown[];
  trace: unknown[];
  mechanismMs: unknown;
}

const gemmThreadsOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')).gemmThreads;

describe('the experiment CLI in worker threads', () => {
  it('gives the same numbers as in one thread, bit for bit: every metric row, loss, lens and trace', async () => {
    const one = join(dir, 'one.json');
    const threads = join(dir, 'threads.json');
    const [a, b] = await Promise.all([
      cli([TINY, '--lens', '--trace', '--json', one, '--jobs', '1', '--threads', '1']),
      cli([TINY, '--lens', '--trace', '--json', threads]),
    ]);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('final accuracy (cot at step 6, direct at step 6)');
      expect(r.stderr).toContain('step 6/6 (100%)');
    }
    expect(a.stdout).toMatch(/^backend wasm \(matrix products on 1 thread\)$/m);
    expect(b.stdout).toMatch(/^backend wasm \(cot and direct each in a worker thread of its own, matrix products on \d+ threads? each\)$/m);
    expect(gemmThreadsOf(one)).toBe(1);
    const ra = JSON.parse(readFileSync(one, 'utf8'));
    const rb = JSON.parse(readFileSync(threads, 'utf8'));
    expect(rb.link).toBe(ra.link);
    expect(rb.config).toEqual(ra.config);
    expect(rb.backend).toBe('wasm');
    expect(rb.dataset).toEqual(ra.dataset);
    expect(Object.keys(rb.arms)).toEqual(['cot', 'direct']);
    for (const arm of ['cot', 'direct']) {
      const x: ArmOut = ra.arms[arm];
      const y: ArmOut = rb.arms[arm];
      expect(x.history.map((h) => `${h.step} ${h.phase}`)).toEqual(['0 sft', '2 sft', '4 sft', '6 rl']);
      expect(x.history.filter((h) => h.loss !== null).length).toBe(3);
      expect(y.history).toEqual(x.history); // toEqual on numbers is Object.is: the same float, not a close one
      expect(y.lens).toEqual(x.lens);
      expect(y.trace).toEqual(x.trace);
      expect(x.lens.length).toBe(8); // 4 evaluations × 2 splits
      expect(y.stepsPerSec).toBeGreaterThan(0);
    }
    // the two arms differ (else the comparison above would not say much about which arm is which)
    expect(ra.arms.cot.history[1].loss).not.toBe(ra.arms.direct.history[1].loss);
  });

  it('--threads 2 splits the matrix products of a wider model over two threads: the same numbers as one thread', async () => {
    // d 128, batch 64: the MLP's GEMMs (384 × 128 × 512) are large enough to split (src/model/kernels/threads.ts)
    const WIDE = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=128&batch=64&evalSize=50&evalEvery=3&evalEarly=off&steps=6&arms=cot';
    const one = join(dir, 'wide-1.json');
    const two = join(dir, 'wide-2.json');
    const [a, b] = await Promise.all([cli([WIDE, '--json', one, '--threads', '1']), cli([WIDE, '--json', two, '--threads', '2'])]);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
    }
    expect(a.stdout).toMatch(/^backend wasm \(matrix products on 1 thread\)$/m);
    expect(b.stdout).toMatch(/^backend wasm \(matrix products on 2 threads\)$/m);
    expect(gemmThreadsOf(two)).toBe(2);
    const x: ArmOut = JSON.parse(readFileSync(one, 'utf8')).arms.cot;
    const y: ArmOut = JSON.parse(readFileSync(two, 'utf8')).arms.cot;
    expect(x.history.map((h) => h.step)).toEqual([0, 3, 6]);
    expect(y.history).toEqual(x.history);
  });
});
