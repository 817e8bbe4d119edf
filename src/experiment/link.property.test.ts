/**
 * Property tests of the link codec, the one door through which untrusted experiments come in (the address
 * bar, a shared link, the CLI). Generated links mix real keys with arbitrary ones (unicode, prototype names,
 * repeats), real values with junk (huge and tiny numbers, NaN, exponents, unicode), and come bare, with "?"
 * or as full URLs with a fragment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configToQuery, MAX_LINK_LENGTH, queryToConfig } from './link';
import { PARAMS, paramApplies, taskDefaults, type Config } from './schema';
import { configSchema } from './validate';

const RUNS = 10_000;
const KEYS = PARAMS.map((p) => p.key);
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'v', '', ' seed', 'SEED', 'entities[]'];

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const number = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('1e400', '-1e400', 'NaN', 'Infinity', '-0', '0x10', '1_000', '٣', '１２', '.5', '5.', '1e-400', '9'.repeat(40)),
);
const value = fc.oneof(
  { weight: 4, arbitrary: number },
  { weight: 2, arbitrary: fc.constantFrom('t', 'b', 'both', 'cot', 'direct', 'auto', 'wasm', 'webgpu', 'cosine', 'constant', '2', '3') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
/** A link as text: pairs joined raw (so that &, =, % and # inside keys and values break it up as a browser would). */
const link = fc
  .tuple(
    fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 14 }),
    fc.constantFrom('', '?', 'https://example.org/play/?', 'http://localhost:5173/?v=1&', '?v=3&'),
    fc.constantFrom('', '#story', '#a=b&entities=5'),
  )
  .map(
    ([pairs, prefix, hash]) => prefix + pairs.map(([k, v, enc]) => (enc ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&') + hash,
  );

/** What is wrong with a config (every value in its type and range, the rules between parameters), or null. */
function problem(c: Config): string | null {
  if (!configSchema.safeParse(c).success) return 'fails the zod schema';
  for (const p of PARAMS) {
    const v = c[p.key];
    if (
      p.type === 'enum'
        ? !(p.options as readonly unknown[]).includes(v)
        : p.type === 'hex'
          ? typeof v !== 'string' || !(v === '' || new RegExp(`^[0-9a-f]{${p.length}}$`).test(v))
          : typeof v !== 'number' || !Number.isFinite(v) || (p.type === 'int' && !Number.isInteger(v))
    ) {
      return `${p.key} = ${String(v)}`;
    }
  }
  if (c.degree > c.relations) return 'degree > relations';
  if (c.dModel % c.heads !== 0) return 'heads do not divide dModel';
  if (Object.keys(c).length !== PARAMS.length || Object.getPrototypeOf(c) !== Object.prototype) return 'not a plain config';
  return null;
}
const expectValid = (c: Config) => expect(problem(c)).toBeNull();

describe('link codec, property-tested', () => {
  it(`never throws on ${RUNS.toLocaleString('en-US')} generated links; every value valid; short messages; the corrected config is stable`, () => {
    fc.assert(
      fc.property(link, (text) => {
        const r = queryToConfig(text);
        const bad = problem(r.config);
        if (bad) throw new Error(`invalid config: ${bad}`);
        for (const c of r.corrections) {
          if (c.text.length >= 200 || /[\u0000-\u001f]/.test(c.text) || c.key.length > 25) throw new Error(`bad message: ${JSON.stringify(c)}`);
        }
        // the corrected experiment, written as a link and read back, is the same experiment and needs no correction
        const back = queryToConfig(configToQuery(r.config));
        expect(back.corrections).toEqual([]);
        expect(back.config).toEqual(r.config);
      }),
      { numRuns: RUNS },
    );
  });

  it('valid configs survive config → link → config exactly, with no correction', () => {
    const config = fc.record(
      Object.fromEntries(
        PARAMS.map((p) => [
          p.key,
          p.type === 'enum'
            ? fc.constantFrom(...p.options)
            : p.type === 'hex'
              ? fc.constantFrom('', '0123456789abcdef')
              : p.type === 'int'
                ? fc.integer({ min: p.min, max: p.max })
                : fc.double({ min: p.min, max: p.max, noNaN: true }),
        ]),
      ),
    ) as fc.Arbitrary<Config>;
    // a link carries only its task's parameters: the other tasks' stay at their defaults
    const ofItsTask = config.map((c) => {
      const defaults = taskDefaults(c.task);
      return Object.fromEntries(PARAMS.map((p) => [p.key, paramApplies(p, c.task) ? c[p.key] : defaults[p.key]])) as Config;
    });
    const valid = ofItsTask.filter((c) => c.degree <= c.relations && c.dModel % c.heads === 0 && c.trainSize <= 2 ** (c.bits - 1));
    fc.assert(
      fc.property(valid, (c) => {
        const r = queryToConfig(configToQuery(c));
        expect(r.corrections).toEqual([]);
        expect(r.config).toEqual(c);
      }),
      { numRuns: 2_000 },
    );
  });

  it('huge links are cut, not parsed whole, and say so', () => {
    fc.assert(
      fc.property(fc.string({ minLength: MAX_LINK_LENGTH + 1, maxLength: MAX_LINK_LENGTH * 3 }), (text) => {
        const r = queryToConfig(text);
        expectValid(r.config);
        expect(r.corrections[0].text).toContain(String(MAX_LINK_LENGTH));
      }),
      { numRuns: 50 },
    );
  });
});
