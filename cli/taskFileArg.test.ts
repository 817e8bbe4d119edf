/** Spawns the CLI with --task-file: a bad file or a mismatched link is refused (exit 2, a line per problem), a good one trains. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cot-taskfile-'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(tsx, ['cli/experiment.ts', ...args], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
const write = (name: string, lines: unknown[]) => {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return file;
};
const good = write(
  'good.jsonl',
  Array.from({ length: 27 }, (_, i) => {
    const d = [Math.floor(i / 9), Math.floor(i / 3) % 3, i % 3];
    const s = [d[0], (d[0] + d[1]) % 3, (d[0] + d[1] + d[2]) % 3];
    return { prompt: [...d.map(String), '='], cot: [`s${s[0]}`, `s${s[1]}`], answer: [`a${s[2]}`], split: i % 3 ? 'train' : 'held-out' };
  }),
);

describe('npm run experiment -- task=file --task-file F', () => {
  it('refuses a bad file before anything is built: exit 2, one line per problem naming line and field', async () => {
    const json = join(dir, 'bad.json');
    const bad = write('bad.jsonl', [
      { prompt: ['a'], cot: ['c'], answer: ['b'], split: 'train' },
      'oops',
      { prompt: ['a'], cot: [], answer: 'b', split: 'test' },
    ]);
    const r = await cli(['task=file', '--task-file', bad, '--json', json]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `error: --task-file ${bad}: line 2: not JSON (each line is one record, {"prompt": [...], "cot": [...], "answer": [...], "split": "train"})`,
      `error: --task-file ${bad}: line 3, field "answer": must be a list of token strings`,
      'nothing was trained',
    ]);
    expect(r.stdout).toBe('');
    expect(() => readFileSync(json)).toThrow();
  });

  it('refuses task=file without a file, a file for another task, and a link naming another file', async () => {
    const [none, other, mismatch] = await Promise.all([
      cli(['task=file']),
      cli(['task=parity', '--task-file', good]),
      cli(['task=file&taskFile=0123456789abcdef', '--task-file', good, '--steps', '0']),
    ]);
    for (const r of [none, other, mismatch]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: [^\n]+\nnothing was trained\n$/);
    }
    expect(none.stderr).toContain('give the task');
    expect(other.stderr).toContain('--task-file is for a task=file link, not task=parity');
    expect(mismatch.stderr).toContain('the link names another file');
  });

  it('trains a good file: the link gets its hash, every test split is evaluated and reported by id', async () => {
    const json = join(dir, 'good.json');
    const r = await cli([
      'task=file&layers=1&heads=2&dModel=32&batch=16&steps=6&evalEvery=3&evalSize=50&evalEarly=off',
      '--task-file',
      good,
      '--json',
      json,
      '--quiet',
      '--jobs',
      '1',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^experiment \?v=3&task=file&[^\n]*taskFile=[0-9a-f]{16}/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const last = report.arms.cot.history.at(-1);
    expect(last.step).toBe(6);
    expect(Object.keys(last.acc)).toEqual(['train', 'held-out']);
  }, 120_000);
});
