import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/experiment/schema';
import { parseSweepArgs } from './sweepArgs';
import { resultOf, sweepJson, sweepTable } from './sweepSummary';
import type { MetricRow } from '../src/experiment/domain';
import { taskOf } from '../src/tasks/registry';

const dir = mkdtempSync(join(tmpdir(), 'cot-sweep-args-'));
const out = join(dir, 'out');

function problem(argv: string[]): string {
  const r = parseSweepArgs(argv, 4);
  return r.ok ? 'ok' : r.message;
}

describe('parseSweepArgs', () => {
  it('plans every value × seed, each config checked, file names from key, value and seed', () => {
    const r = parseSweepArgs(['entities=100&lambda=3.6', '--vary', 'noise=0,0.2,0.4', '--seeds', '0,1', '--steps', '300', '--out', out], 4);
    expect(r.ok && !r.help).toBe(true);
    if (!r.ok || r.help) return;
    const p = r.plan;
    expect([p.key, p.values, p.seeds, p.steps, p.jobs, p.backend]).toEqual(['noise', [0, 0.2, 0.4], [0, 1], 300, 2, 'wasm']);
    expect(p.runs.map((x) => x.file)).toEqual([
      'noise-0-seed0.json',
      'noise-0-seed1.json',
      'noise-0.2-seed0.json',
      'noise-0.2-seed1.json',
      'noise-0.4-seed0.json',
      'noise-0.4-seed1.json',
    ]);
    expect(p.runs[3].config).toEqual({ ...DEFAULT_CONFIG, entities: 100, lambda: 3.6, noise: 0.2, seed: 1, steps: 300 });
    expect(p.link).toBe('v=3&entities=100&lambda=3.6');
    const kinds = parseSweepArgs(['seed=4', '--vary', 'noiseKind=t,b', '--jobs', '1', '--backend', 'cpu', '--out', out], 4);
    expect(kinds.ok && !kinds.help && [kinds.plan.values, kinds.plan.seeds, kinds.plan.jobs, kinds.plan.backend]).toEqual([['t', 'b'], [4], 1, 'cpu']);
  });

  it("a sweep over the seed runs each value as its seed (the link's seed does not override it)", () => {
    const r = parseSweepArgs(['seed=3', '--vary', 'seed=100,101,102', '--out', out], 4);
    expect(r.ok && !r.help).toBe(true);
    if (!r.ok || r.help) return;
    expect(r.plan.runs.map((x) => [x.file, x.seed, x.config.seed])).toEqual([
      ['seed-100.json', 100, 100],
      ['seed-101.json', 101, 101],
      ['seed-102.json', 102, 102],
    ]);
    expect(r.plan.seeds).toEqual([100, 101, 102]);
  });

  it('refuses bad arguments with one line naming the problem (nothing runs)', () => {
    writeFileSync(join(dir, 'file'), '');
    const cases: [string[], RegExp][] = [
      [['--vary', 'noise=0', '--out', out, '--bogus'], /^unknown option --bogus$/],
      [['--out', out], /^--vary KEY=v1,v2,… is required/],
      [['--vary', 'nosie=0,1', '--out', out], /^--vary: "nosie" is not a parameter \(did you mean noise\?\)/],
      [['--vary', 'noise', '--out', out], /^--vary must be KEY=v1,v2,…/],
      [['--vary', 'noise=0,,1', '--out', out], /none empty/],
      [['--vary', 'noise=0,1.5', '--out', out], /^--vary noise "1.5": is outside 0–0.9 \(allowed: a number in 0–0.9\)$/],
      [['--vary', 'noise=0,abc', '--out', out], /^--vary noise "abc": is not a finite number/],
      [['--vary', 'noise=0,0.0', '--out', out], /0 is listed twice/],
      [['--vary', 'noiseKind=t,x', '--out', out], /^--vary noiseKind "x": is not an option \(allowed: one of t, b, both\)$/],
      [['--vary', 'noise=0', '--vary', 'lambda=1', '--out', out], /once/],
      [['--vary', 'seed=0,1', '--seeds', '0', '--out', out], /cannot be combined/],
      [['--vary', 'noise=0', '--seeds', '0,-1', '--out', out], /^--seeds: "-1" is not a seed/],
      [['--vary', 'noise=0', '--seeds', '1,1', '--out', out], /listed twice/],
      [['--vary', 'noise=0', '--steps', '0', '--out', out], /^--steps must be a whole number in 1–100000/],
      [['--vary', 'noise=0', '--jobs', '5', '--out', out], /^--jobs must be a whole number in 1–4 \(the cores here\)/],
      [['--vary', 'noise=0', '--backend', 'webgl', '--out', out], /^--backend must be one of wasm, cpu/],
      [['--vary', 'noise=0'], /^--out DIR is required/],
      [['--vary', 'noise=0', '--out', join(dir, 'file')], /is a file/],
      [['--vary', 'noise=0', '--out', join(dir, 'no', 'such')], /parent directory .* does not exist/],
      [['entities=abc', '--vary', 'noise=0', '--out', out], /^the link was refused: entities "abc": is not a finite number/],
      [['relations=5&degree=3', '--vary', 'degree=4,6', '--out', out], /^degree=6, seed 0: degree "6": is more than relations \(5\)/],
      [['a=1', 'b=2', '--vary', 'noise=0', '--out', out], /at most one link/],
      [
        [
          '--vary',
          `noise=${Array.from({ length: 40 }, (_, i) => i / 50).join(',')}`,
          '--seeds',
          Array.from({ length: 30 }, (_, i) => i).join(','),
          '--out',
          out,
        ],
        /1200 runs; at most 1000/,
      ],
    ];
    for (const [argv, want] of cases) expect(problem(argv), argv.join(' ')).toMatch(want);
    expect(parseSweepArgs(['entities=abc', '--lenient', '--vary', 'noise=0', '--out', out], 4).ok).toBe(true);
    expect(parseSweepArgs(['-h'], 4)).toEqual({ ok: true, help: true });
  });
});

describe('sweep summary', () => {
  const SPLITS = taskOf(DEFAULT_CONFIG)
    .splits(DEFAULT_CONFIG)
    .map((s) => s.id);
  const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
  const row = (ood: number): MetricRow => ({ step: 10, loss: 1, acc: { ...scores(0.5), oodTwoHop: ood }, answerAcc: scores(0.5) });
  const report = (cot: number, direct: number) => ({ arms: { cot: { final: row(cot) }, direct: { final: row(direct) } } }) as never;
  it("sweep.json lists the finished runs in plan order with each arm's final row; the table has a mean per value", () => {
    const plan = {
      link: 'v=1',
      key: 'noise' as const,
      values: [0, 0.2],
      seeds: [0, 1],
      steps: 10,
      runs: [0, 0.2].flatMap((value) => [0, 1].map((seed) => ({ value, seed, file: `f${value}-${seed}`, config: DEFAULT_CONFIG }))),
    };
    const done = new Map([
      ['f0.2-1', resultOf({ value: 0.2, seed: 1, file: 'f0.2-1' }, report(0.5, 0.1), 12.34)],
      ['f0-0', resultOf({ value: 0, seed: 0, file: 'f0-0' }, report(0.9, 0), 10)],
      ['f0-1', resultOf({ value: 0, seed: 1, file: 'f0-1' }, report(0.7, 0.2))],
      ['f0.2-0', resultOf({ value: 0.2, seed: 0, file: 'f0.2-0' }, null, 1, 'exit code 1')],
    ]);
    const j = sweepJson(plan, done);
    expect(Object.keys(j)).toEqual(['version', 'link', 'key', 'values', 'seeds', 'steps', 'runs']);
    expect(j.runs.map((r) => r.file)).toEqual(['f0-0', 'f0-1', 'f0.2-0', 'f0.2-1']);
    expect(j.runs[0].final.cot).toEqual(row(0.9));
    expect(j.runs[2]).toEqual({ value: 0.2, seed: 0, file: 'f0.2-0', final: { cot: null, direct: null }, seconds: 1, error: 'exit code 1' });
    expect(j.runs[3].seconds).toBe(12.3);
    const table = sweepTable(plan, j.runs).split('\n');
    expect(table[0]).toBe('final exact-match accuracy per run: head = OOD test multi-hop, test = ID test multi-hop');
    expect(table[3]).toMatch(/^0\s+1\s+0\.700\s+0\.200\s+0\.500\s+0\.500$/);
    expect(table[4]).toMatch(/failed: exit code 1$/);
    expect(table.at(-2)).toMatch(/^0\s+2\s+0\.800\s+0\.100/);
    expect(table.at(-1)).toMatch(/^0\.2\s+1\s+0\.500\s+0\.100/); // the failed run is left out of the mean
  });
});
