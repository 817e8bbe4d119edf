import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args';

const dir = mkdtempSync(join(tmpdir(), 'cot-args-'));
const bad = (argv: string[]) => {
  const r = parseCliArgs(argv);
  if (r.ok) throw new Error(`accepted ${argv.join(' ')}`);
  return r.message;
};

describe('parseCliArgs', () => {
  it('reads a link and every option', () => {
    const json = join(dir, 'r.json');
    const dump = join(dir, 'd.json');
    const r = parseCliArgs(['entities=30&seed=2', '--steps', '40', '--backend', 'cpu', '--json', json, '--dump-data', dump, '--quiet', '--lens', '--trace']);
    expect(r).toEqual({
      ok: true,
      options: {
        link: 'entities=30&seed=2',
        steps: 40,
        backend: 'cpu',
        json,
        dumpData: dump,
        quiet: true,
        lenient: false,
        help: false,
        params: false,
        lens: true,
        trace: true,
      },
    });
  });

  it('defaults: no link, no steps override, no backend, not quiet', () => {
    expect(parseCliArgs([])).toEqual({
      ok: true,
      options: { link: '', quiet: false, lenient: false, help: false, params: false, json: undefined, dumpData: undefined },
    });
    expect(parseCliArgs(['--steps=0'])).toMatchObject({ ok: true, options: { steps: 0 } });
    expect(parseCliArgs(['-h'])).toMatchObject({ ok: true, options: { help: true } });
    expect(parseCliArgs(['x=1', '--lenient'])).toMatchObject({ ok: true, options: { link: 'x=1', lenient: true } });
    expect(parseCliArgs(['--params'])).toMatchObject({ ok: true, options: { params: true, help: false } });
    const plain = parseCliArgs(['x=1']);
    expect(plain.ok && plain.options.lens === undefined && plain.options.trace === undefined).toBe(true);
    expect(parseCliArgs(['--trace'])).toMatchObject({ ok: true, options: { trace: true } });
    expect(plain.ok && plain.options.jobs === undefined).toBe(true); // each arm in its own thread
    expect(parseCliArgs(['--jobs', '1'])).toMatchObject({ ok: true, options: { jobs: 1 } });
  });

  it('rejects bad arguments with one short line', () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^unknown option --bogus$/],
      [['-x'], /^unknown option -x$/],
      [['--steps', '-3'], /^--steps must be a whole number ≥ 0, got "-3"$/],
      [['--steps=-3'], /--steps must be a whole number/],
      [['--steps', 'abc'], /--steps must be a whole number/],
      [['--steps', '2.5'], /--steps must be a whole number/],
      [['--steps', '1e3'], /--steps must be a whole number/],
      [['--steps', '1000001'], /--steps must be at most 1000000/],
      [['--jobs', '0'], /^--jobs must be a whole number in 1–64, got "0"$/],
      [['--jobs', '-1'], /^--jobs must be a whole number in 1–64, got "-1"$/],
      [['--jobs', 'two'], /--jobs must be a whole number/],
      [['--jobs', '65'], /--jobs must be a whole number in 1–64/],
      [['--steps'], /^--steps needs a value$/],
      [['--backend', 'webgl'], /^--backend must be one of wasm, cpu/],
      [['--json', '/no/such/dir/r.json'], /^--json .*does not exist$/],
      [['--dump-data', join(dir, 'missing', 'd.json')], /^--dump-data .*does not exist$/],
      [['--json', dir], /is a directory$/],
      [['--json', ''], /needs a file name/],
      [['a=1', 'b=2'], /at most one link, got 2/],
      [['--quiet=yes'], /quiet/],
      [['--lens=3'], /lens/],
    ];
    for (const [argv, re] of cases) {
      const m = bad(argv);
      expect(m, argv.join(' ')).toMatch(re);
      expect(m.includes('\n'), argv.join(' ')).toBe(false);
    }
  });

  it('never echoes a huge value whole', () => {
    const m = bad(['--backend', 'x'.repeat(5000)]);
    expect(m.length).toBeLessThan(120);
  });
});
