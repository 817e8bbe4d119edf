import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    // expect.poll waits up to 1 s by default: far too little on a loaded 2-core machine (a bound that flips)
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 180_000,
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
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'cli/**/*.test.ts', 'bench/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', '**/node_modules/**'],
        },
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
