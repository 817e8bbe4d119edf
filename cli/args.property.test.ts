/**
 * Property tests of the CLI's untrusted input: arbitrary argument vectors never make the parsers throw; a
 * refusal is one short printable line; an accepted --steps is a whole number in range; a link is accepted
 * strictly only when it needs no correction, and each problem line names its parameter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLI_BACKENDS, parseCliArgs } from './args';
import { readLink } from './readLink';
import { queryToConfig } from '../src/experiment/link';
import { argv, oneShortLine, word } from '../tests/support/argv';

const FLAGS = ['--steps', '--backend', '--json', '--dump-data', '--quiet', '--lenient', '--params', '-h', '--help', '--bogus', '--', '-'];

describe('CLI arguments, property-tested', () => {
  it('parseCliArgs never throws; a refusal is one short line; accepted values are in range', () => {
    fc.assert(
      fc.property(argv(FLAGS), (args) => {
        const r = parseCliArgs(args);
        if (!r.ok) {
          expect(oneShortLine(r.message), r.message).toBe(true);
          return;
        }
        const o = r.options;
        if (o.steps !== undefined) expect(Number.isInteger(o.steps) && o.steps >= 0 && o.steps <= 1_000_000).toBe(true);
        if (o.backend !== undefined) expect(CLI_BACKENDS).toContain(o.backend);
        expect(typeof o.link).toBe('string');
      }),
      { numRuns: 3_000 },
    );
  });

  it('a link is accepted strictly exactly when it needs no correction; each problem names a parameter', () => {
    const pair = fc.tuple(fc.constantFrom('entities', 'degree', 'relations', 'heads', 'lambda', 'noiseKind', 'colour', '__proto__', 'v'), word);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        const link = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const strict = readLink(link, false);
        const { corrections } = queryToConfig(link);
        expect(strict.ok).toBe(corrections.length === 0);
        if (!strict.ok) {
          expect(strict.problems).toHaveLength(corrections.length);
          strict.problems.forEach((p, i) => {
            expect(p.startsWith(corrections[i].key)).toBe(true);
            expect(p).toContain('allowed:');
            expect(oneShortLine(p)).toBe(true);
          });
        }
        const lenient = readLink(link, true);
        expect(lenient.ok).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});
