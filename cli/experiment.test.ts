/** Spawns the CLI (`tsx cli/experiment.ts`) on tiny experiments: argument errors, the data dump, the JSON report. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPLITS } from '../src/tasks/kg/generate';

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

  it("--params lists every parameter with its range and default: the shared keys, then each task's own under task=<id>", async () => {
    const r = await cli(['--params']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^entities\s+a whole number in 10–2000\s+200\s/m);
    expect(r.stdout).toMatch(/^noiseKind\s+one of t, b, both\s+t\s/m);
    expect(r.stdout).toMatch(/^bits\s+a whole number in /m);
    const at = (re: RegExp) => r.stdout.split('\n').findIndex((l) => re.test(l));
    const [seed, kg, entities, parity, bits] = [/^seed\s/, /^task=kg\b/, /^entities\s/, /^task=parity\b/, /^bits\s/].map(at);
    expect(seed).toBeGreaterThan(0);
    expect(kg).toBeGreaterThan(seed);
    expect(entities).toBeGreaterThan(kg);
    expect(parity).toBeGreaterThan(entities);
    expect(bits).toBeGreaterThan(parity);
  });

  it("a key of another task than the link's is refused: exit 2, one line naming both tasks", async () => {
    for (const [link, key, own, other] of [
      ['task=parity&bits=6&trainSize=16&entities=100', 'entities', 'kg', 'parity'],
      ['bits=6', 'bits', 'parity', 'kg'],
    ]) {
      const r = await cli([link, '--steps', '0']);
      expect(r.code, link).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(`^error: ${key} "\\d+": is a parameter of the ${own} task, not of ${other} \\(allowed: the parameters of ${other} \\(--params\\)\\)$`),
      );
      expect(lines.at(-1)).toContain('the link was refused; nothing was trained');
      expect(r.stdout).toBe('');
    }
  });

  it('parity: --steps 0 --dump-data writes its dataset (the task, its splits, bit strings then =)', async () => {
    const dump = join(dir, 'parity.json');
    const r = await cli(['task=parity&bits=6&trainSize=16&testBits=8&evalSize=50', '--steps', '0', '--dump-data', dump]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dataset [0-9a-f]{16} \(/m);
    const d = JSON.parse(readFileSync(dump, 'utf8'));
    expect(d.task).toBe('parity');
    expect(d.splits.map((s: { id: string }) => s.id)).toEqual(['train', 'test', 'length']);
    expect(d.train.cot).toHaveLength(16);
    expect(d.train.cot[0]).toHaveLength(6 + 1 + 6 + 1); // bits, =, running parities (the last the answer), </a>
    expect(d.train.direct[0]).toHaveLength(6 + 1 + 1 + 1);
    expect(d.vocab[d.train.cot[0][6]]).toBe('=');
  });

  it('--lenient --steps 0 --dump-data writes the dataset and trains nothing; link corrections go to stderr', async () => {
    const dump = join(dir, 'data.json');
    const json = join(dir, 'zero.json');
    const r = await cli([`?${TINY}&degree=9&colour=red`, '--lenient', '--steps', '0', '--dump-data', dump, '--json', json]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('link: degree: 9 is more than relations (6); using 6.');
    expect(r.stderr).toContain('link: Unknown parameter "colour" ignored.');
    expect(r.stdout).toMatch(/^dataset [0-9a-f]{16} \(/m);
    expect(r.stdout).toContain('no training');
    const d = JSON.parse(readFileSync(dump, 'utf8'));
    expect(Object.keys(d)).toEqual(['task', 'vocab', 'eos', 'pad', 'contextLength', 'train', 'splits']);
    expect(d.task).toBe('kg');
    expect(d.vocab).toHaveLength(30 + 6 + 2);
    // the atomic facts come first: h r t </a>, prompt h r
    const atomic = d.train.cot.filter((_: number[], i: number) => d.train.promptLength.cot[i] === 2);
    expect(atomic).toHaveLength(30 * 6);
    expect(d.vocab[atomic[0][1]]).toMatch(/^r\d$/);
    expect(d.train.cot.length).toBe(d.train.direct.length);
    expect(d.train.cot.at(-1)).toHaveLength(6); // h r1 r2 b t </a>
    expect(d.train.direct.at(-1)).toHaveLength(5);
    expect(d.splits.map((s: { id: string }) => s.id)).toEqual([...SPLITS]);
    for (const s of d.splits) for (const it of s.items) expect(d.vocab[it.target.at(-1)]).toBe('</a>');
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
    // the shared keys first, then the task's own (the schema's order)
    expect(rep.link).toBe(`v=3&${'evalSize=50&entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&steps=3&evalEvery=2'}`);
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
        expect(l.tracked.map((t: { name: string }) => t.name)).toEqual(['b', 'answer']); // the bridge, then the answer
        expect(l.top1).toHaveLength(2);
        for (const grid of l.top1) {
          expect(grid).toHaveLength(2); // embedding + 1 layer
          for (const row of grid) expect(row).toHaveLength(T);
        }
      }
      expect(a.trace).toHaveLength(8); // 2 evaluations × 2 splits × (bridge, answer)
      expect(new Set(a.trace.map((t: { target: string }) => t.target))).toEqual(new Set(['b', 'answer']));
      for (const t of a.trace) {
        expect(t.restored).toHaveLength(2);
        expect(t.positions).toHaveLength(T);
      }
      expect(a.mechanismMs.trace).toBeGreaterThanOrEqual(0);
    }
  });
});
