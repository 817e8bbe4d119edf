import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './main';
import { FIXED, stepFlops } from './measurements';

describe('npm run bench: arguments', () => {
  it('defaults: both headless backends, no extras', () => {
    const r = parseBenchArgs([]);
    expect(r).toEqual({
      ok: true,
      options: {
        backends: ['wasm', 'cpu'],
        naive: false,
        gap: false,
        json: null,
        relaxed: true,
        quick: false,
        calls: false,
        presetOnly: false,
        help: false,
        browser: [],
        ui: false,
        link: '',
        lenient: false,
        seed: null,
        gapBackend: 'auto',
        threads: 1,
      },
    });
  });

  it('parses every option, with = or a separate value', () => {
    const r = parseBenchArgs(['--backend=cpu', '--naive', '--gap', '--json', 'out.json', '--no-relaxed', '--quick', '--threads', '4', '--preset-only']);
    expect(r.ok && r.options).toEqual({
      backends: ['cpu'],
      naive: true,
      gap: true,
      json: 'out.json',
      relaxed: false,
      quick: true,
      calls: false,
      presetOnly: true,
      threads: 4,
      help: false,
      browser: [],
      ui: false,
      link: '',
      lenient: false,
      seed: null,
      gapBackend: 'auto',
    });
    const b = parseBenchArgs(['--browser']);
    expect(b.ok && b.options.browser).toEqual(['wasm']);
    const g = parseBenchArgs(['--backend', 'webgpu']);
    expect(g.ok && g.options.backends).toEqual(['webgpu']);
    const c = parseBenchArgs(['--browser=wasm,webgpu']);
    expect(c.ok && c.options.browser).toEqual(['wasm', 'webgpu']);
  });

  it('--ui: the UI benchmark, on wasm and webgpu unless --browser says otherwise, with --json', () => {
    const d = parseBenchArgs(['--ui']);
    expect(d.ok && d.options).toMatchObject({ ui: true, browser: ['wasm', 'webgpu'], json: null });
    const w = parseBenchArgs(['--ui', '--browser=wasm', '--json', 'ui.json']);
    expect(w.ok && w.options).toMatchObject({ ui: true, browser: ['wasm'], json: 'ui.json' });
    const order = parseBenchArgs(['--browser=webgpu,wasm', '--ui']);
    expect(order.ok && order.options.browser).toEqual(['webgpu', 'wasm']);
    expect(parseBenchArgs(['--ui', '--help'])).toMatchObject({ ok: true, options: { ui: true, help: true } });
  });

  it('--calls: the GPU calls of a preset step on each op path, on webgpu only', () => {
    const r = parseBenchArgs(['--backend', 'webgpu', '--calls', '--json', 'c.json']);
    expect(r.ok && r.options).toMatchObject({ calls: true, backends: ['webgpu'], json: 'c.json' });
  });

  it('rejects unknown arguments, bad backends and missing values with a message', () => {
    for (const [args, msg] of [
      [['--backend', 'metal'], /wasm, cpu or webgpu/],
      [['--backend'], /needs a value/],
      [['--json'], /needs a value/],
      [['--steps', '3'], /unknown argument '--steps'/],
      [['--gap=yes'], /takes no value/],
      [['--threads', '0'], /--threads must be a whole number in 1–8 \(got '0'\)/],
      [['--threads=9'], /--threads must be a whole number in 1–8/],
      [['--threads', '2.5'], /--threads must be a whole number/],
      [['--preset-only=yes'], /takes no value/],
      [['--ui', '--threads', '2'], /--ui takes only --browser and --json \(got --threads\)/],
      [['--browser=metal'], /--browser takes wasm, webgpu/],
      [['--ui=yes'], /--ui takes no value/],
      [['--ui', '--browser=metal'], /--browser takes wasm, webgpu/],
      [['--ui', '--json'], /needs a value/],
      [['--ui', '--gap'], /--ui takes only --browser and --json \(got --gap\)/],
      [['--quick', '--ui', '--backend', 'wasm'], /--ui takes only --browser and --json \(got --quick, --backend\)/],
      [['--calls'], /--calls counts on webgpu in Node: it needs --backend webgpu/],
      [['--calls', '--backend', 'wasm'], /needs --backend webgpu/],
      [['--calls', '--backend', 'webgpu', '--gap'], /takes no --browser, --ui or --gap/],
      [['--calls=yes'], /--calls takes no value/],
    ] as const) {
      const r = parseBenchArgs([...args]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(msg);
    }
  });

  it('exits with status 2 and the usage on bad arguments (before loading tfjs)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--backend', 'gpu'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error: --backend must be wasm, cpu or webgpu/);
    expect(r.stderr).toMatch(/usage: npm run bench/);
    const ui = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--ui', '--browser=metal'], { encoding: 'utf8', timeout: 60_000 });
    expect(ui.status).toBe(2);
    expect(ui.stderr).toMatch(/error: --browser takes wasm, webgpu/);
    expect(ui.stderr).toMatch(/--ui {2,}instead: build the app/);
    // a bad --link is refused like `npm run experiment` refuses it: one line per problem, nothing measured
    const link = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--link', 'entities=abc&colour=red'], { encoding: 'utf8', timeout: 60_000 });
    expect(link.status).toBe(2);
    expect(link.stderr.trim().split('\n')).toEqual([
      'error: entities "abc": is not a finite number (allowed: a whole number in 10–2000)',
      'error: colour: is not a parameter (allowed: a key listed by --params)',
      'the link was refused; nothing was measured (--lenient corrects it instead, as the browser does)',
    ]);
    expect(link.stdout).toBe('');
  });

  it('--link and --lenient are read', () => {
    expect(parseBenchArgs(['--link', 'seed=3', '--gap'])).toMatchObject({ ok: true, options: { link: 'seed=3', gap: true, lenient: false } });
    expect(parseBenchArgs(['--link=seed=3', '--lenient'])).toMatchObject({ ok: true, options: { link: 'seed=3', lenient: true } });
    expect(parseBenchArgs(['--link'])).toEqual({ ok: false, message: '--link needs a value' });
  });
});

describe('npm run bench -- --browser --gap: arguments', () => {
  it('the page as a user opens it (backend auto) unless --browser names one; --seed, --link and --json go with it', () => {
    expect(parseBenchArgs(['--browser', '--gap'])).toMatchObject({ ok: true, options: { gap: true, browser: ['wasm'], gapBackend: 'auto', seed: null } });
    expect(parseBenchArgs(['--browser=webgpu', '--gap', '--seed', '3', '--json', 'g.json'])).toMatchObject({
      ok: true,
      options: { gapBackend: 'webgpu', seed: 3, json: 'g.json' },
    });
    expect(parseBenchArgs(['--gap', '--browser', '--seed=0', '--link', 'entities=100'])).toMatchObject({
      ok: true,
      options: { gapBackend: 'auto', seed: 0, link: 'entities=100' },
    });
    // Node's --gap takes a seed too
    expect(parseBenchArgs(['--gap', '--seed', '7'])).toMatchObject({ ok: true, options: { gap: true, browser: [], seed: 7 } });
  });

  it('refuses what the browser run cannot honour, with a message', () => {
    for (const [args, msg] of [
      [['--seed', '3'], /--seed goes with --gap/],
      [['--gap', '--seed', '-1'], /--seed must be a whole number in 0–999999 \(got '-1'\)/],
      [['--gap', '--seed', '1e3'], /--seed must be a whole number/],
      [['--gap', '--seed', '1000000'], /--seed must be a whole number/],
      [['--gap', '--seed'], /--seed needs a value/],
      [['--browser', '--gap', '--quick'], /--browser --gap takes only --seed, --link, --lenient and --json \(got --quick\)/],
      [['--browser', '--gap', '--backend', 'wasm', '--naive'], /\(got --backend, --naive\)/],
      [['--browser=wasm,webgpu', '--gap'], /--browser --gap runs one backend \(got wasm,webgpu\)/],
      [['--ui', '--seed', '2', '--gap'], /--ui takes only --browser and --json/],
    ] as const) {
      const r = parseBenchArgs([...args]);
      expect(r.ok, args.join(' ')).toBe(false);
      if (!r.ok) expect(r.message).toMatch(msg);
    }
  });
});

describe('analytic FLOPs', () => {
  it('fixed shapes: 6 × matmul parameters × tokens + attention', () => {
    const m = { vocabSize: FIXED.vocab, maxLength: 8, layers: 2, heads: 4, dModel: 64, mlpRatio: 4, dropout: 0, seed: 0 };
    const params = 2 * (64 * 192 + 64 * 64 + 2 * 64 * 256) + 252 * 64;
    expect(stepFlops(m, 64, 8)).toBe(6 * params * 512 + 2 * 12 * 64 * 8 * 8 * 64);
  });
});
