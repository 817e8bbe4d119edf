/**
 * What the PyTorch tests compare: the engine (tfjs) and python/train.py on the same export. From the engine's
 * exported initial weights (`writeExport(…, { weights: true })`, `train.py --init`) the loss of every step
 * matches within float32 tolerance; train.py's greedy evaluation (`--steps 0`) of the weights the engine reached
 * gives exactly its accuracies.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeExport } from '../../cli/export';
import { ARMS, type MetricRow } from '../../src/experiment/domain';
import { queryToConfig } from '../../src/experiment/link';
import type { Config } from '../../src/experiment/schema';
import { allVariables } from '../../src/model/gpt';
import { namedParameters, weightsFileOf } from '../../src/model/weightsFile';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { taskOf } from '../../src/tasks/registry';
import { Experiment } from '../../src/train/experimentLoop';
import { TRAIN_PY, python } from './python';

/** The config of a link that must need no correction. */
export function configOf(link: string): Config {
  const r = queryToConfig(link);
  expect(r.corrections).toEqual([]);
  return r.config;
}

export function readReport(file: string): Report {
  const r = readReports(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.message);
  expect(r.warnings).toEqual([]);
  return r.reports[0].report;
}

const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
export const splitIds = (c: Config) =>
  taskOf(c)
    .splits(c)
    .map((s) => s.id);

/**
 * Both arms of `c` in the engine (on tfjs's current backend) and in train.py from the engine's exported initial
 * weights: the loss of every step matches. Returns the engine's run (to dispose) and the largest relative difference.
 */
export async function lossesMatch(c: Config, out: string): Promise<{ ex: Experiment; worst: number }> {
  await writeExport(c, out, { weights: true });
  const ex = new Experiment(c);
  await ex.run();
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
    expect(Object.keys(theirs.at(-1)!.acc)).toEqual(splitIds(c));
    for (let i = 1; i < ours.length; i++) {
      const e = relativeError(theirs[i].loss!, ours[i].loss!);
      worst.push(e);
      expect(e, `${arm} step ${ours[i].step}: loss ${theirs[i].loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
    }
    // the loss did move: the steps are not a no-op that would make the comparison trivial
    expect(ours[1].loss! - ours.at(-1)!.loss!).toBeGreaterThan(0.05);
  }
  return { ex, worst: Math.max(...worst) };
}

/** train.py evaluates the weights the engine's arms hold now (`--steps 0`): its accuracies, as it reports them. */
export async function evaluatedByTrainPy(ex: Experiment, out: string): Promise<Partial<Record<string, MetricRow>>> {
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
export function sameAccuracies(c: Config, theirs: MetricRow, ours: MetricRow, arm: string): void {
  for (const s of splitIds(c)) {
    expect(theirs.acc[s], `${arm} ${s} exact`).toBe(ours.acc[s]);
    expect(theirs.answerAcc[s], `${arm} ${s} answer`).toBe(ours.answerAcc[s]);
  }
  expect(theirs.stepAcc, `${arm} step`).toBe(ours.stepAcc);
}
