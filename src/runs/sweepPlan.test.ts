import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { metricOf, readSweep, splitSweepQuery, sweepJobs, sweepPoints, sweepQuery } from './sweepPlan';

const SPLITS = taskOf(DEFAULT_CONFIG)
  .splits(DEFAULT_CONFIG)
  .map((s) => s.id);
const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
const row = (step: number, ood: number): MetricRow => ({ step, loss: 1, acc: { ...scores(0.5), oodTwoHop: ood }, answerAcc: scores(0.5) });

describe('sweep links', () => {
  it('splits the sweep keys off a query and reads them back; the spec writes the same keys', () => {
    const q = '?v=1&entities=100&sweep=noise:0,0.2,0.4&seeds=0,1';
    const split = splitSweepQuery(q);
    expect(split).toEqual({ experiment: 'v=1&entities=100', sweep: 'noise:0,0.2,0.4', seeds: '0,1' });
    const r = readSweep(split.sweep, split.seeds, 7);
    expect(r).toEqual({ spec: { key: 'noise', values: [0, 0.2, 0.4], seeds: [0, 1] }, problems: [] });
    expect(sweepQuery(r.spec!)).toBe('sweep=noise:0,0.2,0.4&seeds=0,1');
    expect(splitSweepQuery('entities=100')).toEqual({ experiment: 'entities=100', sweep: null, seeds: null });
    expect(readSweep('noiseKind:t,b', null, 3).spec).toEqual({ key: 'noiseKind', values: ['t', 'b'], seeds: [3] });
  });
  it('reads an untrusted sweep: bad values are left out with a line each, a bad key or too many runs is no sweep', () => {
    expect(readSweep('noise:0,9,x,0.2,0', '1,-2,1', 0)).toEqual({
      spec: { key: 'noise', values: [0, 0.2], seeds: [1] },
      problems: ['sweep: noise: 9 is outside 0–0.9; left out.', 'sweep: noise: "x" is not a number; left out.', 'seeds: "-2" is not a seed; left out.'],
    });
    expect(readSweep('nosie:0,1', null, 0).problems).toEqual(['sweep: "nosie" is not a parameter (did you mean noise?); no sweep.']);
    expect(readSweep('noise', null, 0).spec).toBeNull();
    expect(readSweep('noise:9', null, 0).problems.at(-1)).toBe('sweep: no valid value; no sweep.');
    expect(readSweep(null, '0,1', 0)).toEqual({ spec: null, problems: ['seeds= is only read with sweep=KEY:v1,v2,…; ignored.'] });
    const many = readSweep(`lambda:${Array.from({ length: 30 }, (_, i) => i / 2).join(',')}`, '0,1,2', 0);
    expect(many.spec).toBeNull();
    expect(many.problems.at(-1)).toMatch(/90 runs is more than 60/);
    expect(readSweep('<script>:1', null, 0).problems[0]).toMatch(/^sweep: "<script>" is not a parameter/);
  });
  it("sweeps a parameter of the base's task only; the task itself can be swept", () => {
    expect(readSweep('bits:8,12', null, 0, 'parity').spec).toEqual({ key: 'bits', values: [8, 12], seeds: [0] });
    expect(readSweep('bits:8,12', null, 0).spec).toBeNull();
    expect(readSweep('bits:8,12', null, 0).problems[0]).toMatch(/^sweep: bits belongs to the parity task, not to kg/);
    expect(readSweep('task:kg,parity', null, 0).spec).toEqual({ key: 'task', values: ['kg', 'parity'], seeds: [0] });
    const parity = sweepJobs(taskDefaults('parity'), { key: 'bits', values: [16, 20], seeds: [0] });
    expect(parity.problems).toEqual([]);
    expect(parity.jobs.map((j) => [j.config.task, j.config.bits])).toEqual([
      ['parity', 16],
      ['parity', 20],
    ]);
  });
  it('plans value-major jobs from a base experiment; a sweep over seed uses each value as the seed', () => {
    const { jobs, problems } = sweepJobs({ ...DEFAULT_CONFIG, relations: 5, degree: 3 }, { key: 'degree', values: [2, 6], seeds: [0, 1] });
    expect(jobs.map((j) => [j.value, j.seed, j.config.degree, j.config.seed])).toEqual([
      [2, 0, 2, 0],
      [2, 1, 2, 1],
    ]);
    expect(problems).toEqual([
      'degree 6, seed 0: degree: 6 is more than relations (5); using 5.',
      'degree 6, seed 1: degree: 6 is more than relations (5); using 5.',
    ]);
    expect(sweepJobs(DEFAULT_CONFIG, { key: 'seed', values: [3, 4], seeds: [0] }).jobs.map((j) => j.config.seed)).toEqual([3, 4]);
  });
});

describe('sweep chart data', () => {
  const h = [row(0, 0), row(100, 0.9), row(200, 0.7)];
  it('final, best or at a step', () => {
    expect(metricOf(h, 'oodTwoHop', 'final')).toBe(0.7);
    expect(metricOf(h, 'oodTwoHop', 'best')).toBe(0.9);
    expect(metricOf(h, 'oodTwoHop', 'atStep', 150)).toBe(0.9);
    expect(metricOf(h, 'oodTwoHop', 'atStep', 50)).toBe(0);
    expect(metricOf([], 'oodTwoHop', 'final')).toBeNaN();
  });
  it("one point per run and arm, a mean per value and arm, in the spec's order", () => {
    const spec = { key: 'noise' as const, values: [0, 0.2], seeds: [0, 1] };
    const runs = [
      { value: 0.2, seed: 0, arms: { cot: { history: [row(10, 0.4)] }, direct: { history: [row(10, 0)] } } },
      { value: 0, seed: 0, arms: { cot: { history: [row(10, 0.8)] } } },
      { value: 0, seed: 1, arms: { cot: { history: [row(10, 0.6)] } } },
      { value: 0.9, seed: 0, arms: { cot: { history: [row(10, 1)] } } },
    ];
    const { points, means } = sweepPoints(spec, runs, 'oodTwoHop', 'final');
    expect(points).toHaveLength(4);
    expect(means).toEqual([
      { value: 0, arm: 'cot', mean: 0.7, n: 2 },
      { value: 0.2, arm: 'cot', mean: 0.4, n: 1 },
      { value: 0.2, arm: 'direct', mean: 0, n: 1 },
    ]);
  });
});
