/** fast-check arbitraries for property tests of command-line parsers: argument vectors of flags, values and junk. */
import fc from 'fast-check';

/** One value: a plausible one, or arbitrary text. */
export const word = fc.oneof(
  fc.constantFrom('wasm', 'cpu', 'webgpu', '0', '-3', '1e9', '12.5', 'abc', '', ' ', '/nonexistent/dir/x.json', 'entities=30&steps=5', '__proto__=1'),
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
);

/** Up to 8 arguments: one of `flags`, a value, or `flag=value`. */
export const argv = (flags: string[]) =>
  fc.array(
    fc.oneof(
      fc.constantFrom(...flags),
      word,
      fc.tuple(fc.constantFrom(...flags), word).map(([f, w]) => `${f}=${w}`),
    ),
    { maxLength: 8 },
  );

/** A refusal's message: one printable line, not empty, under 300 characters. */
export const oneShortLine = (m: string) => m.length > 0 && m.length < 300 && !m.includes('\n');
