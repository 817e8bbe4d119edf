import { describe, expect, it } from 'vitest';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, taskDefaults } from '../src/experiment/schema';
import { taskOf } from '../src/tasks/registry';
import { buildReport, datasetCounts, datasetLine, evalLine, finalTable, reportJson } from './report';
import type { MetricRow } from '../src/experiment/domain';

const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, evalSize: 50 };
const data = generateDataset(config);
const SPLITS = taskOf(config)
  .splits(config)
  .map((s) => s.id);
const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
const row = (step: number, acc: number, loss: number | null = 1.5): MetricRow => ({
  step,
  loss,
  acc: { ...scores(acc), oodTwoHop: NaN },
  answerAcc: scores(acc + 0.1),
});

describe('report', () => {
  it('buildReport has the documented shape; final is the last history row', () => {
    const history = { cot: [row(0, 0, null), row(10, 0.5)], direct: [row(0, 0, null), row(10, 0.25)] };
    const r = buildReport({ link: 'v=1', config, backend: 'cpu', data, hash: 'abc', arms: ['cot', 'direct'], history, stepsPerSec: { cot: 3 } });
    expect(Object.keys(r)).toEqual(['version', 'link', 'config', 'backend', 'dataset', 'arms', 'wallSeconds']);
    expect(r.dataset).toEqual({ hash: 'abc', counts: datasetCounts(data) });
    expect(Object.keys(r.dataset.counts)).toEqual(['idAtomic', 'oodAtomic', 'trainTwoHop', 'idTwoHop', 'oodTwoHop']);
    // the knowledge graph counts whole sets (every multi-hop training fact), not the queries evaluated
    expect(r.dataset.counts.trainTwoHop).toBe(data.train.cot.length - data.stats.atomic);
    expect(r.dataset.counts.trainTwoHop).toBe(data.stats.trainTwoHop);
    expect(r.arms.cot).toEqual({ stepsPerSec: 3, history: history.cot, final: history.cot[1] });
    expect(r.arms.direct!.stepsPerSec).toBe(0);
    const one = buildReport({ link: 'v=1', config, backend: 'cpu', data, hash: 'abc', arms: ['cot'], history: { cot: [], direct: [] }, stepsPerSec: {} });
    expect(Object.keys(one.arms)).toEqual(['cot']);
    expect(one.arms.cot!.final).toBeNull();
  });

  it('reportJson writes NaN and infinities as null', () => {
    const parsed = JSON.parse(reportJson({ a: NaN, b: [Infinity, -Infinity, 1.5], c: { d: NaN } }));
    expect(parsed).toEqual({ a: null, b: [null, null, 1.5], c: { d: null } });
  });

  it('lines and table show every split, with "-" for a missing score', () => {
    expect(datasetLine(data, 'h1')).toContain(`Train multi-hop ${data.stats.trainTwoHop}`);
    expect(datasetLine(data, 'h1')).toMatch(/^dataset h1 \(Knowledge graph \(k-hop\)\): ID atomic \d+, .*lambdaEffective \d\.\d\d.*; vocabulary \d+$/);
    const line = evalLine('cot', row(10, 0.5), 12.34, config);
    expect(line).toMatch(/step\s+10\s+cot\s+loss 1\.5000/);
    expect(line).toContain('idAtomic 0.500');
    expect(line).toContain('oodTwoHop   -  ');
    expect(line).toContain('(oodTwoHop answer 0.600)');
    expect(line).toContain('12.3 steps/s');
    const table = finalTable(['cot', 'direct'], { cot: [row(5, 1)], direct: [row(5, 0)] }, config);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3 + SPLITS.length);
    expect(lines[0]).toBe('final accuracy (cot at step 5, direct at step 5)');
    expect(lines[3]).toMatch(/^ID atomic\s+1\.000\s+0\.000\s+1\.100\s+0\.100$/);
    expect(lines.at(-1)).toMatch(/^OOD test multi-hop\s+-\s+-\s+1\.100\s+0\.100$/);
  });

  it("parity: the task's splits, labels and counts", () => {
    const parity = { ...taskDefaults('parity'), bits: 8, trainSize: 64, evalSize: 50 };
    const d = generateDataset(parity);
    expect(datasetCounts(d)).toEqual({ train: 64, test: 50 });
    expect(datasetLine(d, 'h')).toMatch(/^dataset h \(Parity of n bits\): Training strings 64, Test strings 50; bits 8, .*; vocabulary 7$/);
    const r = (test: number): MetricRow => ({ step: 5, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test } });
    expect(evalLine('direct', r(0.5), 0, parity)).toMatch(/loss 1\.0000 {2}train 1\.000 {2}test 0\.500 {2}\(test answer 0\.500\)$/);
    const lines = finalTable(['cot', 'direct'], { cot: [r(1)], direct: [r(0.5)] }, parity).split('\n');
    expect(lines.slice(3)).toHaveLength(2);
    expect(lines[4]).toMatch(/^Test strings\s+1\.000\s+0\.500\s+1\.000\s+0\.500$/);
  });
});

describe('report with an RL stage', () => {
  const rlRow = (step: number): MetricRow => ({ ...row(step, 0.5, -0.01), phase: 'rl', reward: 0.625, cotRate: 0.75, stepsRightRate: 0.5, kl: 0.0123 });

  it('RL rows keep phase and the RL metrics in the JSON; the line and the table show them', () => {
    const history = { cot: [{ ...row(0, 0, null), phase: 'sft' as const }, rlRow(20)], direct: [] };
    const r = buildReport({ link: 'v=1', config, backend: 'cpu', data, hash: 'abc', arms: ['cot'], history, stepsPerSec: {} });
    const parsed = JSON.parse(reportJson(r));
    expect(parsed.arms.cot.history.map((x: MetricRow) => x.phase)).toEqual(['sft', 'rl']);
    expect(parsed.arms.cot.final).toMatchObject({ phase: 'rl', reward: 0.625, cotRate: 0.75, stepsRightRate: 0.5, kl: 0.0123 });
    expect(evalLine('cot', rlRow(20), 0, config)).toContain('rl: reward 0.625  cot 0.750  bridge 0.500  kl 0.0123');
    expect(evalLine('cot', row(20, 0.5), 0, config)).not.toContain('rl:');
    const lines = finalTable(['cot'], history, config).split('\n');
    expect(lines.slice(-3).map((l) => l.replace(/\s+/g, ' '))).toEqual(['RL reward 0.625', 'RL CoT rate 0.750', 'RL bridge right 0.500']);
  });
});
