/**
 * A task from a file through the PyTorch export: the file is loaded in this process, exported (data.json and the
 * engine's initial weights), and python/train.py trains both arms from those weights: each step's loss matches
 * the engine's within float32 tolerance, and the splits it reports are the file's.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../../cli/export';
import { ARMS } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import { readReports } from '../../src/runs/reportFormat';
import { loadTaskSource } from '../../src/tasks/registry';
import { Experiment } from '../../src/train/experimentLoop';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from './python';

// four digits mod 3, the cot their running sums; every fifth string a test string, 81 in all
const FILE = Array.from({ length: 81 }, (_, i) => {
  const d = [Math.floor(i / 27), Math.floor(i / 9) % 3, Math.floor(i / 3) % 3, i % 3];
  const s = d.map((_, k) => d.slice(0, k + 1).reduce((a, b) => a + b, 0) % 3);
  return JSON.stringify({ prompt: [...d.map(String), '='], cot: s.slice(0, 3).map((x) => `s${x}`), answer: [`s${s[3]}`], split: i % 5 ? 'train' : 'unseen' });
}).join('\n');
const RECIPE = 'layers=2&heads=2&dModel=32&mlpRatio=2&evalSize=50&lr=0.01&warmup=3&lrSchedule=cosine&clip=0.5&steps=8&evalEvery=4&evalEarly=off&batch=16';

describe.skipIf(!RUN_TORCH_TESTS)(`a task file in train.py${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('the same losses step by step from the same initial weights, on the same splits', async () => {
    const loaded = loadTaskSource(FILE);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const r = queryToConfig(`task=file&taskFile=${loaded.hash}&${RECIPE}`);
    expect(r.corrections).toEqual([]);
    const out = mkdtempSync(join(tmpdir(), 'cot-taskfile-torch-'));
    await writeExport(r.config, out, { weights: true });
    const ex = new Experiment(r.config);
    await ex.run();
    const json = join(out, 'report.json');
    const run = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', join(out, 'init.json'), '--json', json, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const read = readReports(readFileSync(json, 'utf8'));
    if (!read.ok) throw new Error(read.message);
    const report = read.reports[0].report;
    for (const arm of ARMS) {
      const ours = ex.history[arm];
      const theirs = report.arms[arm]!.history;
      expect(theirs.map((x) => x.step)).toEqual(ours.map((x) => x.step));
      expect(Object.keys(theirs.at(-1)!.acc)).toEqual(['train', 'unseen']);
      for (let i = 1; i < ours.length; i++) {
        const e = Math.abs(theirs[i].loss! - ours[i].loss!) / Math.abs(ours[i].loss!);
        expect(e, `${arm} step ${ours[i].step}: loss ${theirs[i].loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
      }
    }
    ex.dispose();
  }, 240_000);
});
