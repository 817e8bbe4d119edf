/**
 * Property test of `npm run bench`'s untrusted input (as cli/args.property.test.ts does for the CLI): arbitrary
 * argument vectors never make parseBenchArgs throw, and a refusal is one short printable line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './main';
import { argv, oneShortLine } from '../tests/support/argv';

const BENCH_FLAGS = ['--backend', '--naive', '--gap', '--json', '--no-relaxed', '--quick', '--browser', '--help', '--ui', '--bogus'];

describe('npm run bench arguments, property-tested', () => {
  it('parseBenchArgs never throws; a refusal is one short line', () => {
    fc.assert(
      fc.property(argv(BENCH_FLAGS), (args) => {
        const r = parseBenchArgs(args);
        if (!r.ok) expect(oneShortLine(r.message), r.message).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});
