/**
 * python/train.py on the group task (the same task-neutral data.json as every task: its own vocabulary of group
 * elements, words of several trained lengths, a longer test length): from the engine's exported initial weights
 * the losses of each step match the engine's, and train.py's greedy evaluation of the engine's trained weights
 * gives the same accuracies on every split. Small: S3 words of 3–5 elements, 8 steps, evaluated at steps 0, 4 and 8.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../../cli/export';
import { ARMS } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import { weightsFileOf } from '../../src/model/weightsFile';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { Experiment } from '../../src/train/experimentLoop';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from './python';

const LINK =
  'task=group&group=S3&wordLength=5&wordMinLength=3&wordTrain=64&wordTestLength=7&batch=16&layers=2&heads=2&dModel=32&mlpRatio=2&evalSize=50&lr=0.01&warmup=3&lrSchedule=cosine&clip=0.5&steps=8&evalEvery=4&evalEarly=off';

function readReport(file: string): Report {
  const r = readReports(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.reports[0].report;
}

describe.skipIf(!RUN_TORCH_TESTS)(`train.py on the group task${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const out = mkdtempSync(join(tmpdir(), 'cot-group-'));

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('the same losses step by step from the same initial weights, and the same accuracies of the weights reached', async () => {
    const { config, corrections } = queryToConfig(LINK);
    expect(corrections).toEqual([]);
    await writeExport(config, out, { weights: true });
    const ex = new Experiment(config);
    await ex.run();
    const json = join(out, 'report.json');
    const run = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', join(out, 'init.json'), '--json', json, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(json);
    for (const arm of ARMS) {
      const ours = ex.history[arm];
      const theirs = report.arms[arm]!.history;
      expect(theirs.map((x) => x.step)).toEqual(ours.map((x) => x.step));
      for (let i = 1; i < ours.length; i++) {
        const error = Math.abs(theirs[i].loss! - ours[i].loss!) / ours[i].loss!;
        expect(error, `${arm} step ${ours[i].step}: ${theirs[i].loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
      }
      expect(ours[1].loss! - ours.at(-1)!.loss!).toBeGreaterThan(0.05);
    }
    // train.py evaluates the weights the engine's arms hold now (--steps 0)
    for (const t of ex.trainers) {
      const weights = join(out, `trained.json.${t.arm}`);
      writeFileSync(weights, JSON.stringify(await weightsFileOf(t.model, t.weights)));
      const evalJson = join(out, `eval-${t.arm}.json`);
      const r = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', weights, '--steps', '0', '--json', evalJson, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const theirs = readReport(evalJson).arms[t.arm]!.history[0];
      const ours = ex.history[t.arm].at(-1)!;
      expect(Object.keys(ours.acc)).toEqual(['train', 'test', 'length']);
      for (const s of ['train', 'test', 'length']) {
        expect(theirs.acc[s], `${t.arm} ${s} exact`).toBe(ours.acc[s]);
        expect(theirs.answerAcc[s], `${t.arm} ${s} answer`).toBe(ours.answerAcc[s]);
      }
      expect(theirs.stepAcc).toBe(ours.stepAcc);
    }
    ex.dispose();
  }, 900_000); // 16 s on the quiet 2-core machine, 151 s under a load average near 40
});
