/**
 * Proof that python/train.py runs the same experiment as the playground's engine. From the same exported
 * dataset and the engine's own initial weights (`npm run export -- … --weights`, `train.py --init`):
 *
 * - the loss of the first batch at the initial weights ("step 0") and the loss of each of the next steps match
 *   the engine's (tfjs, cpu backend) within float32 tolerance: same model, same batches (the same seeded
 *   shuffle), same AdamW, schedule and clipping;
 * - the greedy evaluation of the same (trained) weights gives exactly the same accuracies on every split.
 *
 * The knowledge graph, and parity (another task through the same task-neutral data.json: its own vocabulary,
 * context, prompt lengths and splits).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../../cli/export';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { ARMS, type MetricRow } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import type { Config } from '../../src/experiment/schema';
import { allVariables } from '../../src/model/gpt';
import { taskOf } from '../../src/tasks/registry';
import { namedParameters, weightsFileOf } from '../../src/model/weightsFile';
import { Experiment } from '../../src/train/experimentLoop';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from './python';

// tiny, with every part of the recipe switched on: warm-up then cosine, weight decay, a clip that bites (the
// first gradients' norm is above 0.5), two arms; dropout 0 (its random masks cannot be the same)
const RECIPE = 'layers=2&heads=2&dModel=32&mlpRatio=2&evalSize=50&lr=0.01&warmup=3&lrSchedule=cosine&clip=0.5&steps=8&evalEvery=1&evalEarly=off';
const LINK = `entities=40&relations=8&degree=4&batch=32&${RECIPE}`;
// parity: 32 strings of 6 bits in batches of 16 (four epochs in 8 steps), tested on 8 bits too (a context of 18
// positions, longer than any training sequence)
const PARITY_LINK = `task=parity&bits=6&trainSize=32&testBits=8&batch=16&${RECIPE}`;
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
const splitIds = (c: Config) =>
  taskOf(c)
    .splits(c)
    .map((s) => s.id);

/**
 * Both arms of `c` in the engine (on tfjs's current backend) and in train.py from the engine's exported initial weights:
 * the loss of every step matches. Returns the engine's run (to dispose) and the largest relative difference.
 */
async function lossesMatch(c: Config, out: string): Promise<{ ex: Experiment; worst: number }> {
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
  return { ex, worst: Math.max(...worst) };
}

/** train.py evaluates the weights the engine's arms hold now (`--steps 0`): its accuracies, as it reports them. */
async function evaluatedByTrainPy(ex: Experiment, out: string): Promise<Partial<Record<string, MetricRow>>> {
  const rows: Partial<Record<string, MetricRow>> = {};
  for (const t of ex.trainers) {
    const weights = join(out, `trained.json.${t.arm}`);
    writeFileSync(weights, JSON.stringify(await weightsFileOf(t.model, t.weights)));
    const json = join(out, `eval-${t.arm}.json`);
    const r = await python([TRAIN_PY, '--export', out, '--device', 'cpu', '--init', weights, '--steps', '0', '--json', json, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    rows[t.arm] = readReport(json).arms[t.arm]!.history[0];
  }
  return rows;
}

/** The same exact-match, answer and step accuracies on every split. */
function sameAccuracies(c: Config, theirs: MetricRow, ours: MetricRow, arm: string): void {
  for (const s of splitIds(c)) {
    expect(theirs.acc[s], `${arm} ${s} exact`).toBe(ours.acc[s]);
    expect(theirs.answerAcc[s], `${arm} ${s} answer`).toBe(ours.answerAcc[s]);
  }
  expect(theirs.stepAcc, `${arm} step`).toBe(ours.stepAcc);
}

describe.skipIf(!RUN_TORCH_TESTS)(`train.py against the engine${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cot-parity-'));

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('step-0 loss and the losses of the next steps match within float32 tolerance, from the same initial weights and batches', async () => {
    const { ex, worst } = await lossesMatch(config(LINK), join(dir, 'losses'));
    ex.dispose();
    writeFileSync(join(dir, 'worst-loss-error.txt'), `${worst}\n`);
  });

  it('parity: the same losses step by step, and the same accuracies of the weights reached', async () => {
    // on the wasm backend (our kernels, the browser's default path): the cpu backend's per-token generation
    // makes the nine evaluations of each arm take a minute on a loaded machine, wasm's a second
    await tf.setBackend('wasm');
    await tf.ready();
    const c = config(PARITY_LINK);
    const out = join(dir, 'parity');
    const { ex, worst } = await lossesMatch(c, out);
    writeFileSync(join(dir, 'worst-loss-error-parity.txt'), `${worst}\n`);
    const theirs = await evaluatedByTrainPy(ex, out);
    for (const arm of ARMS) {
      const ours = ex.history[arm].at(-1)!;
      expect(Object.keys(ours.acc)).toEqual(['train', 'test', 'length']);
      sameAccuracies(c, theirs[arm]!, ours, arm);
    }
    expect(ex.history.cot.at(-1)!.stepAcc).toBeTypeOf('number');
    expect(ex.history.direct.at(-1)!.stepAcc).toBeUndefined();
    ex.dispose();
  }, 240_000); // three train.py runs: a minute on a loaded 2-core machine

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
    const evaluated = await evaluatedByTrainPy(ex, out);
    for (const t of ex.trainers) {
      const theirs = evaluated[t.arm]!;
      const ours = ex.history[t.arm].at(-1)!;
      expect(theirs.step).toBe(0);
      expect(ours.step).toBe(200);
      sameAccuracies(c, theirs, ours, t.arm);
      // not a trivial agreement: the trained model is right on some queries and wrong on others
      const accs = splitIds(c).map((s) => ours.acc[s]);
      expect(
        accs.some((a) => a > 0.05 && a < 0.95),
        `${t.arm}: ${accs.join(', ')}`,
      ).toBe(true);
      if (t.arm === 'cot') expect(Math.max(...accs)).toBeGreaterThan(0.5);
    }
    ex.dispose();
  });
});
