/** Spawns the CLI (`tsx cli/experiment.ts`) on tiny experiments: argument errors, the data dump, the JSON report. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPLITS } from '../src/experiment/domain';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cot-cli-'));
const TINY = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&evalEvery=2';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(tsx, ['cli/experiment.ts', ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('cli/experiment.ts', () => {
  it('bad arguments: exit 2, one message and the usage on stderr, no stack trace', async () => {
    const cases: [string[], string][] = [
      [['--bogus'], 'unknown option --bogus'],
      [['--steps', '-3'], '--steps must be a whole number'],
      [['--steps', 'abc'], '--steps must be a whole number'],
      [['--backend', 'webgl'], '--backend must be one of wasm, cpu'],
      [['--json', join(dir, 'no', 'such', 'r.json')], 'does not exist'],
      [['a=1', 'b=2'], 'at most one link'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((r, i) => {
      const [args, text] = cases[i];
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error: [^\n]+\n\nusage: /);
      expect(r.stderr.split('\n')[0]).toContain(text);
      expect(r.stderr).toContain('usage: npm run experiment');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  });

  it('a bad link is refused: exit 2, one line per problem naming the parameter, its value and what is allowed, nothing trained', async () => {
    const json = join(dir, 'refused.json');
    const r = await cli(['entities=abc&lambda=1e400&colour=red&degree=30', '--steps', '0', '--json', json]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'error: entities "abc": is not a finite number (allowed: a whole number in 10–2000)',
      'error: lambda "1e400": is not a finite number (allowed: a number in 0–20)',
      'error: colour: is not a parameter (allowed: a key listed by --params)',
      'error: degree "30": is more than relations (20) (allowed: at most relations)',
      'the link was refused; nothing was trained (--lenient corrects it instead, as the browser does)',
    ]);
    expect(r.stdout).toBe('');
    expect(existsSync(json)).toBe(false);
  });

  it('--params lists every parameter with its range and default', async () => {
    const r = await cli(['--params']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^entities\s+a whole number in 10–2000\s+200\s/m);
    expect(r.stdout).toMatch(/^noiseKind\s+one of t, b, both\s+t\s/m);
  });

  it('--lenient --steps 0 --dump-data writes the dataset and trains nothing; link corrections go to stderr', async () => {
    const dump = join(dir, 'data.json');
    const json = join(dir, 'zero.json');
    const r = await cli([`?${TINY}&degree=9&colour=red`, '--lenient', '--steps', '0', '--dump-data', dump, '--json', json]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('link: degree: 9 is more than relations (6); using 6.');
    expect(r.stderr).toContain('link: Unknown parameter "colour" ignored.');
    expect(r.stdout).toMatch(/^dataset [0-9a-f]{16}: /m);
    expect(r.stdout).toContain('no training');
    const d = JSON.parse(readFileSync(dump, 'utf8'));
    expect(Object.keys(d)).toEqual(['vocab', 'atomic', 'train', 'splits']);
    expect(d.vocab).toHaveLength(30 + 6 + 2);
    expect(d.atomic).toHaveLength(30 * 6);
    expect(d.atomic[0]).toEqual({ h: expect.any(Number), r: expect.any(Number), t: expect.any(Number), ood: expect.any(Boolean) });
    expect(d.vocab[d.atomic[0].r]).toMatch(/^r\d$/);
    expect(d.train.cot.length).toBe(d.train.direct.length);
    expect(d.train.cot.at(-1)).toHaveLength(6); // h r1 r2 b t </a>
    expect(d.train.direct.at(-1)).toHaveLength(5);
    expect(Object.keys(d.splits)).toEqual([...SPLITS]);
    for (const s of SPLITS) for (const it of d.splits[s]) expect(d.vocab[it.target.at(-1)]).toBe('</a>');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.arms.cot).toEqual({ stepsPerSec: 0, history: [], final: null });
  });

  it('a 3-step tiny run with --json writes the documented report', async () => {
    const json = join(dir, 'run.json');
    const r = await cli([TINY, '--steps', '3', '--json', json]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('backend wasm');
    expect(r.stdout).toMatch(/step\s+2\s+cot\s+loss/);
    expect(r.stdout).toContain('final accuracy (cot at step 3, direct at step 3)');
    expect(r.stderr).toContain('step 3/3 (100%)'); // not a terminal: plain progress lines
    expect(existsSync(json)).toBe(true);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(rep)).toEqual(['version', 'link', 'config', 'backend', 'gemmThreads', 'dataset', 'arms', 'wallSeconds']);
    expect(rep.gemmThreads).toBeGreaterThanOrEqual(1);
    expect(rep.version).toBe(1);
    expect(rep.wallSeconds).toBeGreaterThan(0);
    expect(rep.link).toBe(`v=2&${'entities=30&relations=6&degree=3&evalSize=50&layers=1&heads=2&dModel=32&batch=32&steps=3&evalEvery=2'}`);
    expect(rep.config.steps).toBe(3);
    expect(rep.backend).toBe('wasm');
    expect(rep.dataset.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(rep.dataset.counts)).toEqual([...SPLITS]);
    expect(Object.keys(rep.arms)).toEqual(['cot', 'direct']);
    for (const arm of ['cot', 'direct']) {
      const a = rep.arms[arm];
      expect(a.stepsPerSec).toBeGreaterThan(0);
      expect(a.history.map((h: { step: number }) => h.step)).toEqual([0, 2, 3]);
      expect(a.history[0].loss).toBeNull();
      for (const h of a.history) {
        expect(Object.keys(h.acc)).toEqual([...SPLITS]);
        expect(Object.keys(h.answerAcc)).toEqual([...SPLITS]);
      }
      expect(a.history[2].loss).toBeGreaterThan(0);
      expect(a.final).toEqual(a.history.at(-1));
    }
  });
  it('--lens --trace add per arm, at every evaluation and test split, the lens and the trace in the documented shape', async () => {
    const json = join(dir, 'mech.json');
    const r = await cli([TINY, '--steps', '2', '--lens', '--trace', '--json', json]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mechanism: 4 measurements; lens/m);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    for (const arm of ['cot', 'direct']) {
      const a = rep.arms[arm];
      const T = arm === 'cot' ? 5 : 4;
      expect(a.lens.map((l: { step: number; split: string }) => `${l.step} ${l.split}`)).toEqual(['0 idTwoHop', '0 oodTwoHop', '2 idTwoHop', '2 oodTwoHop']);
      for (const l of a.lens) {
        expect(l.positions).toEqual(arm === 'cot' ? ['h', 'r1', 'r2', 'b', 't'] : ['h', 'r1', 'r2', 't']);
        for (const grid of [l.bridgeTop1, l.answerTop1]) {
          expect(grid).toHaveLength(2); // embedding + 1 layer
          for (const row of grid) expect(row).toHaveLength(T);
        }
      }
      expect(a.trace).toHaveLength(8); // 2 evaluations × 2 splits × (bridge, answer)
      expect(new Set(a.trace.map((t: { target: string }) => t.target))).toEqual(new Set(['bridge', 'answer']));
      for (const t of a.trace) {
        expect(t.restored).toHaveLength(2);
        expect(t.positions).toHaveLength(T);
      }
      expect(a.mechanismMs.trace).toBeGreaterThanOrEqual(0);
    }
  });
});
