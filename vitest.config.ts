import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The unit files that take longest (tens of seconds each on a 2-core machine: PyTorch, SwiftShader, training
 * runs), started first so that the two workers end together. Vitest orders by the durations it cached on an
 * earlier run; a fresh clone (CI) has none, and its fallback (larger files first) leaves these to the end.
 */
const SLOWEST_FIRST = [
  'tests/pytorch/tasks.test.ts',
  'tests/pytorch/engine.test.ts',
  'cli/nodeWebgpu.test.ts',
  'cli/sessionGpuFault.test.ts',
  'src/train/rl.test.ts',
  'tests/pytorch/trainpy.test.ts',
  'cli/sweep.test.ts',
  'cli/experiment.test.ts',
  'cli/armThreads.test.ts',
  'src/train/arm.test.ts',
  'src/train/experimentLoop.test.ts',
  'src/train/resume.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(relative(f.project.config.root, f.moduleId));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    // stable: projects keep their order (unit, then e2e), the rest vitest's own
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (a.f.project.name === b.f.project.name ? rank(a.f) - rank(b.f) : 0) || a.i - b.i)
      .map((x) => x.f);
  }
}

const UNIT = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'cli/**/*.test.ts', 'bench/**/*.test.ts', 'tests/**/*.test.ts'];
/**
 * Unit files that need a process of their own: they set process-wide state (a V8 flag for relaxed SIMD, the
 * COT_KERNELS variable) or reach Dawn's WebGPU, which does not start in a worker thread. The rest run in worker
 * threads, which start faster than processes (a third of the unit tests' wall time on two cores).
 */
const OWN_PROCESS = [
  'src/model/kernels.test.ts',
  'src/model/kernels.relaxed.test.ts',
  'cli/nodeWebgpu.test.ts',
  'cli/sessionGpuFault.test.ts',
  'cli/wgslKernels.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    // expect.poll waits up to 1 s by default: far too little on a loaded 2-core machine (a bound that flips)
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 180_000,
    sequence: { sequencer: SlowestFirst },
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // first, two files at a time (two cores); then the browser tests, one file at a time
          sequence: { groupOrder: 0 },
          fileParallelism: true,
          pool: 'threads',
          include: UNIT,
          exclude: ['tests/e2e/**', '**/node_modules/**', ...OWN_PROCESS],
        },
      },
      {
        extends: true,
        test: { name: 'unit-process', sequence: { groupOrder: 0 }, fileParallelism: true, pool: 'forks', include: OWN_PROCESS },
      },
      {
        // browser tests: tests/e2e/setup.ts builds and serves the app once (only when e2e files are run)
        extends: true,
        // one file at a time: each trains in Chromium with two workers, which is all two cores can take
        test: { name: 'e2e', sequence: { groupOrder: 1 }, fileParallelism: false, include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/e2e/setup.ts'] },
      },
    ],
  },
});
