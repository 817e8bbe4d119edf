import { describe, expect, it } from 'vitest';
import { generateDataset } from '../src/data/distribution';
import { DEFAULT_CONFIG } from '../src/experiment/schema';
import { buildReport, datasetCounts, datasetLine, evalLine, finalTable, reportJson } from './report';
import { type MetricRow, SPLITS } from '../src/experiment/domain';

const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, evalSize: 50 };
const data = generateDataset(config);
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
    expect(r.dataset.counts.trainTwoHop).toBe(data.train.length);
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
    expect(datasetLine(data, 'h1')).toContain(`${data.stats.trainTwoHop} train multi-hop`);
    const line = evalLine('cot', row(10, 0.5), 12.34);
    expect(line).toMatch(/step\s+10\s+cot\s+loss 1\.5000/);
    expect(line).toContain('idAtom 0.500');
    expect(line).toContain('oodTest   -  ');
    expect(line).toContain('12.3 steps/s');
    const table = finalTable(['cot', 'direct'], { cot: [row(5, 1)], direct: [row(5, 0)] });
    const lines = table.split('\n');
    expect(lines).toHaveLength(3 + SPLITS.length);
    expect(lines[0]).toBe('final accuracy (cot at step 5, direct at step 5)');
    expect(lines[3]).toMatch(/^ID atomic\s+1\.000\s+0\.000\s+1\.100\s+0\.100$/);
    expect(lines.at(-1)).toMatch(/^OOD test multi-hop\s+-\s+-\s+1\.100\s+0\.100$/);
  });
});

describe('report with an RL stage', () => {
  const rlRow = (step: number): MetricRow => ({ ...row(step, 0.5, -0.01), phase: 'rl', reward: 0.625, cotRate: 0.75, bridgeRightRate: 0.5, kl: 0.0123 });

  it('RL rows keep phase and the RL metrics in the JSON; the line and the table show them', () => {
    const history = { cot: [{ ...row(0, 0, null), phase: 'sft' as const }, rlRow(20)], direct: [] };
    const r = buildReport({ link: 'v=1', config, backend: 'cpu', data, hash: 'abc', arms: ['cot'], history, stepsPerSec: {} });
    const parsed = JSON.parse(reportJson(r));
    expect(parsed.arms.cot.history.map((x: MetricRow) => x.phase)).toEqual(['sft', 'rl']);
    expect(parsed.arms.cot.final).toMatchObject({ phase: 'rl', reward: 0.625, cotRate: 0.75, bridgeRightRate: 0.5, kl: 0.0123 });
    expect(evalLine('cot', rlRow(20), 0)).toContain('rl: reward 0.625  cot 0.750  bridge 0.500  kl 0.0123');
    expect(evalLine('cot', row(20, 0.5), 0)).not.toContain('rl:');
    const lines = finalTable(['cot'], history).split('\n');
    expect(lines.slice(-3).map((l) => l.replace(/\s+/g, ' '))).toEqual(['RL reward 0.625', 'RL CoT rate 0.750', 'RL bridge right 0.500']);
  });
});
