/** A tiny SFT + RL run through the CLI (`tsx cli/experiment.ts`, wasm with our kernels): phases and RL metrics in the report. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cot-cli-rl-'));
const TINY = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&evalEvery=2&evalEarly=off';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(tsx, ['cli/experiment.ts', ...args], { cwd: root, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('the CLI with an RL stage', () => {
  it('trains SFT then RL; every history row has its phase, RL rows the RL metrics; the lines and the table show them', async () => {
    const json = join(dir, 'rl.json');
    const r = await cli([`${TINY}&steps=6&rlSteps=4&rlSamples=4`, '--json', json]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step\s+8\s+cot\s+loss -?\d\.\d{4} .* rl: reward \d\.\d{3} {2}cot \d\.\d{3} {2}bridge \d\.\d{3} {2}kl \d\.\d{4}/);
    expect(r.stdout).toContain('final accuracy (cot at step 10, direct at step 10)');
    expect(r.stdout).toMatch(/RL CoT rate\s+\d\.\d{3}\s+\d\.\d{3}/);
    expect(r.stderr).toContain('step 10/10 (100%)');
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.config.rlSteps).toBe(4);
    for (const arm of ['cot', 'direct']) {
      const h = rep.arms[arm].history as { step: number; phase: string; reward?: number; cotRate?: number; stepsRightRate?: number; kl?: number }[];
      expect(h.map((x) => x.step)).toEqual([0, 2, 4, 6, 8, 10]);
      expect(h.map((x) => x.phase)).toEqual(['sft', 'sft', 'sft', 'sft', 'rl', 'rl']);
      for (const x of h.slice(0, 4)) expect(x.reward).toBeUndefined();
      for (const x of h.slice(4))
        for (const k of ['reward', 'cotRate', 'stepsRightRate', 'kl'] as const) expect(typeof x[k], `${arm} ${x.step} ${k}`).toBe('number');
    }
  });
});
