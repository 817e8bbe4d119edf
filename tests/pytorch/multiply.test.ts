/**
 * python/train.py on multiplication (as tests/pytorch/parity.test.ts on parity): a task whose answer is a span
 * of several digits and whose CoT is a long run of intermediate digits, through the same task-neutral data.json.
 * From the engine's exported initial weights, the loss of every step matches the engine's (tfjs, wasm) within
 * float32 tolerance, and train.py's greedy evaluation of the engine's trained weights gives the same exact-match,
 * answer and step accuracies.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../../cli/export';
import { ARMS, type MetricRow } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import { weightsFileOf } from '../../src/model/weightsFile';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { Experiment } from '../../src/train/experimentLoop';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from './python';

// 64 pairs of 2 × 2 digits in batches of 16, every part of the recipe on (warm-up then cosine, weight decay, a
// clip that bites), 5 steps evaluated at each (the engine evaluates on cpu: each evaluation costs seconds); dropout 0. Sequences of 16 tokens, answers of 4 digits after 6 intermediate ones.
const LINK =
  'task=multiply&digitsA=2&digitsB=2&trainPairs=64&batch=16&layers=2&heads=2&dModel=32&mlpRatio=2&evalSize=50&lr=0.01&warmup=2&lrSchedule=cosine&clip=0.5&steps=5&evalEvery=1&evalEarly=off';

function readReport(file: string): Report {
  const r = readReports(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.message);
  expect(r.warnings).toEqual([]);
  return r.reports[0].report;
}
const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe.skipIf(!RUN_TORCH_TESTS)(`train.py against the engine on multiplication${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cot-multiply-'));

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('the same losses step by step from the same initial weights, and the same accuracies of the weights reached', async () => {
    const r = queryToConfig(LINK);
    expect(r.corrections).toEqual([]);
    const c = r.config;
    await writeExport(c, dir, { weights: true });
    const ex = new Experiment(c);
    await ex.run();

    const json = join(dir, 'report.json');
    const run = await python([TRAIN_PY, '--export', dir, '--device', 'cpu', '--init', join(dir, 'init.json'), '--json', json, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(json);
    for (const arm of ARMS) {
      const ours = ex.history[arm];
      const theirs = report.arms[arm]!.history;
      expect(theirs.map((x) => x.step)).toEqual(ours.map((x) => x.step));
      for (let i = 1; i < ours.length; i++) {
        expect(relativeError(theirs[i].loss!, ours[i].loss!), `${arm} step ${ours[i].step}: loss ${theirs[i].loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
      }
      expect(ours[1].loss! - ours.at(-1)!.loss!).toBeGreaterThan(0.05);
    }

    // train.py evaluates the weights each arm holds now (`--steps 0`)
    for (const t of ex.trainers) {
      const weights = join(dir, `trained.json.${t.arm}`);
      writeFileSync(weights, JSON.stringify(await weightsFileOf(t.model, t.weights)));
      const evalJson = join(dir, `eval-${t.arm}.json`);
      const e = await python([TRAIN_PY, '--export', dir, '--device', 'cpu', '--init', weights, '--steps', '0', '--json', evalJson, '--quiet']);
      expect(e.code, e.stderr).toBe(0);
      const theirs: MetricRow = readReport(evalJson).arms[t.arm]!.history[0];
      const ours = ex.history[t.arm].at(-1)!;
      expect(Object.keys(ours.acc)).toEqual(['train', 'test']);
      for (const s of ['train', 'test']) {
        expect(theirs.acc[s], `${t.arm} ${s} exact`).toBe(ours.acc[s]);
        expect(theirs.answerAcc[s], `${t.arm} ${s} answer`).toBe(ours.answerAcc[s]);
      }
      expect(theirs.stepAcc, `${t.arm} step`).toBe(ours.stepAcc);
    }
    expect(ex.history.cot.at(-1)!.stepAcc).toBeTypeOf('number');
    ex.dispose();
  }, 600_000); // three train.py runs: minutes on a loaded 2-core machine
});
