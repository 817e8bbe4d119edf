/** Spawns `node --import tsx cli/sweep.ts` on a tiny sweep: bad arguments, and the reports it writes. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReports } from '../src/runs/reportFormat';

const root = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'cot-sweep-'));
const TINY = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&evalEvery=2';

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, timeout: 240_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('cli/sweep.ts', () => {
  it('bad arguments: exit 2, one message and the usage, nothing written', async () => {
    const out = join(dir, 'refused');
    const r = await run('cli/sweep.ts', [`${TINY}&colour=red`, '--vary', 'noise=0,0.2', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the link was refused: colour: is not a parameter[^\n]*\n\nusage: npm run sweep/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('runs every value × seed in worker threads: one report per run, identical to npm run experiment, and sweep.json', async () => {
    const out = join(dir, 'noise');
    const r = await run('cli/sweep.ts', [TINY, '--vary', 'noise=0,0.4', '--seeds', '1,2', '--steps', '3', '--jobs', '2', '--backend', 'cpu', '--out', out]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(sweep).toMatchObject({ version: 1, key: 'noise', values: [0, 0.4], seeds: [1, 2], steps: 3 });
    expect(sweep.runs.map((x: { value: number; seed: number; file: string }) => [x.value, x.seed, x.file])).toEqual([
      [0, 1, 'noise-0-seed1.json'],
      [0, 2, 'noise-0-seed2.json'],
      [0.4, 1, 'noise-0.4-seed1.json'],
      [0.4, 2, 'noise-0.4-seed2.json'],
    ]);
    for (const x of sweep.runs) {
      const read = readReports(readFileSync(join(out, x.file), 'utf8'));
      expect(read.ok).toBe(true);
      if (!read.ok) continue;
      const rep = read.reports[0].report;
      expect([rep.config.noise, rep.config.seed, rep.config.steps]).toEqual([x.value, x.seed, 3]);
      expect(JSON.parse(JSON.stringify(rep.arms.cot!.final))).toEqual(x.final.cot);
      expect(x.final.cot.step).toBe(3);
      expect(x.final.direct.step).toBe(3);
    }
    // the table: one line per run, and the mean of each value over its two seeds
    expect(r.stdout).toMatch(/^noise\s+seed\s+CoT head\s+dir head\s+CoT test\s+dir test$/m);
    expect(r.stdout).toMatch(/^mean over seeds$/m);
    expect(r.stdout).toMatch(/^\[4\/4\] noise=/m);

    // the same run by the experiment CLI: the same histories (the cpu backend is exactly reproducible)
    const single = join(dir, 'single.json');
    const e = await run('cli/experiment.ts', [`${TINY}&noise=0.4&seed=2&steps=3`, '--backend', 'cpu', '--json', single, '--quiet']);
    expect(e.code).toBe(0);
    const a = JSON.parse(readFileSync(single, 'utf8'));
    const b = JSON.parse(readFileSync(join(out, 'noise-0.4-seed2.json'), 'utf8'));
    expect(b.link).toBe(a.link);
    expect(b.dataset).toEqual(a.dataset);
    expect(b.arms.cot.history).toEqual(a.arms.cot.history);
    expect(b.arms.direct.history).toEqual(a.arms.direct.history);
  });
});
