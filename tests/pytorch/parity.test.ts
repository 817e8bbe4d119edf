/**
 * Proof that python/train.py runs the same experiment as the playground's engine. From the same exported
 * dataset and the engine's own initial weights (`npm run export -- … --weights`, `train.py --init`):
 *
 * - the loss of the first batch at the initial weights ("step 0") and the loss of each of the next steps match
 *   the engine's (tfjs, cpu backend) within float32 tolerance: same model, same batches (the same seeded
 *   shuffle), same AdamW, schedule and clipping;
 * - the greedy evaluation of the same (trained) weights gives exactly the same accuracies on the five splits.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../../cli/export';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { ARMS, SPLITS, type MetricRow } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import type { Config } from '../../src/experiment/schema';
import { allVariables } from '../../src/model/gpt';
import { namedParameters, weightsFileOf } from '../../src/model/weightsFile';
import { Experiment } from '../../src/train/experiment';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from './python';

// tiny, with every part of the recipe switched on: warm-up then cosine, weight decay, a clip that bites (the
// first gradients' norm is above 0.5), two arms; dropout 0 (its random masks cannot be the same)
const LINK =
  'entities=40&relations=8&degree=4&layers=2&heads=2&dModel=32&mlpRatio=2&batch=32&evalSize=50&lr=0.01&warmup=3&lrSchedule=cosine&clip=0.5&steps=8&evalEvery=1&evalEarly=off';
const config = (link: string): Config => {
  const r = queryToConfig(link);
  expect(r.corrections).toEqual([]);
  return r.config;
};

async function engineRun(c: Config): Promise<Experiment> {
  const ex = new Experiment(c);
  await ex.run();
  return ex;
}

function readReport(file: string): Report {
  const r = readReports(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.message);
  expect(r.warnings).toEqual([]);
  return r.reports[0].report;
}

const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe.skipIf(!RUN_TORCH_TESTS)(`train.py against the engine${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cot-parity-'));

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('step-0 loss and the losses of the next steps match within float32 tolerance, from the same initial weights and batches', async () => {
    const c = config(LINK);
    const out = join(dir, 'losses');
    await writeExport(c, out, { weights: true });
    const ex = await engineRun(c);
    // the exported initial weights are the ones the engine's arms start from (checked on the first weights of each)
    const init = JSON.parse(readFileSync(join(out, 'init.json'), 'utf8'));
    const fresh = new Experiment(c);
    for (const t of fresh.trainers) {
      expect(allVariables(t.weights).length).toBe(Object.keys(init.params).length);
      const [wName, w] = namedParameters(t.weights).find(([n]) => n === 'blocks.0.wQKV')!;
      const bytes = Buffer.from(init.params[wName].data, 'base64');
      expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(Array.from(w.dataSync()));
    }
    fresh.dispose();

    const json = join(out, 'report.json');
    const r = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', join(out, 'init.json'), '--json', json, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(json);
    const worst: number[] = [];
    for (const arm of ARMS) {
      const ours = ex.history[arm];
      const theirs = report.arms[arm]!.history;
      expect(theirs.map((x) => x.step)).toEqual(ours.map((x) => x.step));
      expect(ours.map((x) => x.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      // step 1's loss is the first batch's at the initial weights: before any update
      expect(relativeError(theirs[1].loss!, ours[1].loss!), `${arm} step-0 loss ${theirs[1].loss} vs ${ours[1].loss}`).toBeLessThan(1e-5);
      for (let i = 1; i < ours.length; i++) {
        const e = relativeError(theirs[i].loss!, ours[i].loss!);
        worst.push(e);
        expect(e, `${arm} step ${ours[i].step}: loss ${theirs[i].loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
      }
      // the loss did move: eight steps at lr 0.01 are not a no-op that would make the comparison trivial
      expect(ours[1].loss! - ours.at(-1)!.loss!).toBeGreaterThan(0.05);
    }
    ex.dispose();
    writeFileSync(join(dir, 'worst-loss-error.txt'), `${Math.max(...worst)}\n`);
  });

  it('the same weights give the same accuracies on the five splits (trained weights, greedy exact match and answer-only)', async () => {
    // trained (on the wasm backend, our kernels: the browser's default path) long enough for accuracies well
    // away from 0; then train.py evaluates those very weights
    await tf.setBackend('wasm');
    await tf.ready();
    const c = config(
      'entities=40&relations=8&degree=4&layers=2&heads=2&dModel=32&batch=64&evalSize=50&lr=0.01&warmup=10&lrSchedule=constant&steps=200&evalEvery=200&evalEarly=off',
    );
    const out = join(dir, 'eval');
    await writeExport(c, out);
    const ex = await engineRun(c);
    const trained = join(out, 'trained.json');
    for (const t of ex.trainers) {
      writeFileSync(`${trained}.${t.arm}`, JSON.stringify(await weightsFileOf(t.model, t.weights)));
    }
    for (const t of ex.trainers) {
      const json = join(out, `eval-${t.arm}.json`);
      const r = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', `${trained}.${t.arm}`, '--steps', '0', '--json', json, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const theirs: MetricRow = readReport(json).arms[t.arm]!.history[0];
      const ours = ex.history[t.arm].at(-1)!;
      expect(theirs.step).toBe(0);
      expect(ours.step).toBe(200);
      for (const s of SPLITS) {
        expect(theirs.acc[s], `${t.arm} ${s} exact`).toBe(ours.acc[s]);
        expect(theirs.answerAcc[s], `${t.arm} ${s} answer`).toBe(ours.answerAcc[s]);
      }
      expect(theirs.oodBridgeAcc).toBe(ours.oodBridgeAcc);
      // not a trivial agreement: the trained model is right on some queries and wrong on others
      const accs = SPLITS.map((s) => ours.acc[s]);
      expect(
        accs.some((a) => a > 0.05 && a < 0.95),
        `${t.arm}: ${accs.join(', ')}`,
      ).toBe(true);
      if (t.arm === 'cot') expect(Math.max(...accs)).toBeGreaterThan(0.5);
    }
    ex.dispose();
  });
});
