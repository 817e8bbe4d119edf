/**
 * Property test of `npm run bench`'s untrusted input (as cli/args.property.test.ts does for the CLI): arbitrary
 * argument vectors never make parseBenchArgs throw, and a refusal is one short printable line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './main';

const BENCH_FLAGS = ['--backend', '--naive', '--gap', '--json', '--no-relaxed', '--quick', '--browser', '--help', '--ui', '--bogus'];
const word = fc.oneof(
  fc.constantFrom('wasm', 'cpu', 'webgpu', '0', '-3', '1e9', '12.5', 'abc', '', ' ', '/nonexistent/dir/x.json', 'entities=30&steps=5', '__proto__=1'),
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
);
const argv = (flags: string[]) =>
  fc.array(
    fc.oneof(
      fc.constantFrom(...flags),
      word,
      fc.tuple(fc.constantFrom(...flags), word).map(([f, w]) => `${f}=${w}`),
    ),
    { maxLength: 8 },
  );
const oneShortLine = (m: string) => m.length > 0 && m.length < 300 && !m.includes('\n');

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
