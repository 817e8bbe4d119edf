import { describe, expect, it } from 'vitest';
import { buildReport } from './report';
import { rlSummaryHeader, rlSummaryRows, spreadTable, summaryHeader, summaryRow } from './summarize';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, taskDefaults } from '../src/experiment/schema';
import type { MetricRow } from '../src/experiment/domain';

const row = (step: number, ood: number, idTest = 0, oodAtomic = 1): MetricRow => {
  const acc = { idAtomic: 1, oodAtomic, trainTwoHop: 1, idTwoHop: idTest, oodTwoHop: ood };
  return { step, loss: 1, acc, answerAcc: acc };
};

describe('summaryRow', () => {
  it('finds the first step over 0.9, the peak, the slide after it and the direct maximum', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, seed: 7 };
    const r = buildReport({
      link: 'v=1',
      config,
      backend: 'wasm',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot', 'direct'],
      history: {
        cot: [row(0, 0), row(100, 0.5), row(200, 0.92), row(300, 0.97), row(400, 0.91)],
        direct: [row(0, 0, 0, 0), row(100, 0.02, 0, 0.2), row(200, 0.05, 0.3, 0.6), row(300, 0.01, 0.4, 0.95), row(400, 0.0, 0.45, 0.97)],
      },
      stepsPerSec: { cot: 5, direct: 6 },
      wallSeconds: 123.4,
    });
    const cells = summaryRow('f.json', r).split(' | ');
    expect(cells).toEqual(['f.json', '7', '200', '0.970 (300)', '0.910', '0.910 (400)', '0.050', '0.450', '300', '300', '123', '5.0 / 6.0', 'wasm']);
  });

  it('says never when the CoT arm did not reach 0.9', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3 };
    const r = buildReport({
      link: 'v=1',
      config,
      backend: 'cpu',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot'],
      history: { cot: [row(0, 0), row(100, 0.4)], direct: [] },
      stepsPerSec: { cot: 1 },
    });
    expect(summaryRow('g.json', r).split(' | ')[2]).toBe('never');
  });

  it("names the task's splits in the head; parity has no prerequisites, so its informed gap is its gap", () => {
    expect(summaryHeader(DEFAULT_CONFIG)).toMatch(
      /^\| run \| seed \| CoT first step OOD test multi-hop ≥ 0\.9 \| .* \| direct ID test multi-hop at end \| direct knows its prerequisites \(ID atomic, OOD atomic ≥ 0\.9\) from step \|/,
    );
    expect(rlSummaryHeader(DEFAULT_CONFIG)).toMatch(
      /lowest prerequisite at end \(ID atomic, OOD atomic\) \| ID test multi-hop at end \| .* \| RL right bridge \(last\) \|/,
    );
    const config = { ...taskDefaults('parity'), bits: 8, trainSize: 64, evalSize: 50 };
    const p = (step: number, test: number): MetricRow => ({ step, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test } });
    const r = buildReport({
      link: 'v=1',
      config,
      backend: 'cpu',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot', 'direct'],
      history: { cot: [p(0, 0.5), p(100, 0.95)], direct: [p(0, 0.5), p(100, 0.05)] },
      stepsPerSec: {},
    });
    expect(summaryHeader(config)).toMatch(
      /CoT first step Test strings ≥ 0\.9 .* direct other test at end \| direct knows its prerequisites \(none\) from step/,
    );
    expect(summaryRow('p.json', r).split(' | ').slice(2, 10)).toEqual(['100', '0.950 (100)', '0.950', '0.950 (100)', '0.500', '—', '—', '100']);
  });
});

describe('rlSummaryRows (--rl)', () => {
  it('one row per arm: CoT share (0 for direct), OOD at the end of SFT and at the end, the RL sample metrics', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, steps: 200, rlSteps: 100, cotShare: 0.1 };
    const rl = (step: number, ood: number, reward: number, cotRate: number): MetricRow => ({
      ...row(step, ood),
      phase: 'rl',
      reward,
      cotRate,
      stepsRightRate: cotRate / 2,
      kl: 0.01,
    });
    const r = buildReport({
      link: 'v=1',
      config,
      backend: 'wasm',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot', 'direct'],
      history: { cot: [row(0, 0), row(200, 0.3), rl(250, 0.4, 0.5, 0.2), rl(300, 0.6, 0.7, 0.4)], direct: [row(0, 0), row(200, 0.01), rl(300, 0.02, 0.1, 0)] },
      stepsPerSec: {},
    });
    const [cot, direct] = rlSummaryRows('f.json', r).map((x) => x.split(' | '));
    expect(cot).toEqual([
      'f.json',
      'cot',
      '0',
      '0.1',
      '200',
      '100',
      '0.300 / 0.300',
      '0.600 / 0.600 (300)',
      '1.000',
      '0.000',
      '0.500 → 0.700',
      '0.200 → 0.400',
      '0.200',
    ]);
    expect(direct.slice(1, 4)).toEqual(['direct', '0', '0']);
    expect(direct.slice(10)).toEqual(['0.100 → 0.100', '0.000 → 0.000', '0.000']);
    const sftOnly = buildReport({
      link: 'v=1',
      config: { ...config, rlSteps: 0 },
      backend: 'wasm',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot'],
      history: { cot: [row(0, 0), row(200, 0.3)], direct: [] },
      stepsPerSec: {},
    });
    expect(rlSummaryRows('g.json', sftOnly)[0].split(' | ').slice(10)).toEqual(['—', '—', '—']);
  });
});

describe('npm run summarize on files', () => {
  it('reads reports as untrusted (a bad file: exit 2 and why), and a list of reports (an export of all runs) row by row', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join, resolve } = await import('node:path');
    const { reportJson } = await import('./report');
    const dir = mkdtempSync(join(tmpdir(), 'cot-summarize-'));
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3 };
    const one = buildReport({
      link: 'v=1',
      config,
      backend: 'cpu',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot'],
      history: { cot: [row(0, 0), row(10, 0.95)], direct: [] },
      stepsPerSec: {},
    });
    writeFileSync(join(dir, 'bad.json'), '{"version": 1}');
    writeFileSync(join(dir, 'all.json'), reportJson([one, { ...one, name: 'b' }]));
    const run = (f: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(
          resolve(__dirname, '..', 'node_modules', '.bin', 'tsx'),
          ['cli/summarize.ts', join(dir, f)],
          { cwd: resolve(__dirname, '..') },
          (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr }),
        ),
      );
    const bad = await run('bad.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: not a run report \(link: missing/);
    const all = await run('all.json');
    expect(all.code).toBe(0);
    expect(
      all.stdout
        .trim()
        .split('\n')
        .slice(2)
        .map((l) => l.split(' | ')[0]),
    ).toEqual([`| ${join(dir, 'all.json')}#1`, `| ${join(dir, 'all.json')}#2`]);
  });
});

describe('spreadTable', () => {
  it('min / median / max over the runs, the shares over 0.9 and 0.95, the gap steps with the runs that never reach them', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3 };
    const data = generateDataset(config);
    const run = (cot: number[], direct: number[], directAtomic = 1) =>
      buildReport({
        link: 'v=2',
        config,
        backend: 'wasm',
        data,
        hash: 'h',
        arms: ['cot', 'direct'],
        history: { cot: cot.map((v, i) => row(i * 100, v)), direct: direct.map((v, i) => row(i * 100, v, 0, directAtomic)) },
        stepsPerSec: { cot: 5, direct: 5 },
        wallSeconds: 1,
      });
    const table = spreadTable([run([0, 0.92, 0.96], [0, 0, 0.01]), run([0, 0.5, 0.85], [0, 0, 0]), run([0, 0.3, 0.95], [0, 0.02, 0.03], 0.5)]).split('\n');
    expect(table[0]).toBe('| 3 runs of the knowledge graph | min / median / max |');
    expect(table).toContain('| CoT OOD test multi-hop where it first reaches 0.9 (2 of 3 reach it) | 0.920 / 0.935 / 0.950 |');
    expect(table).toContain('| CoT OOD test multi-hop at the end | 0.850 / 0.950 / 0.960 |');
    expect(table).toContain('| runs ending with CoT OOD test multi-hop ≥ 0.9 / ≥ 0.95 | 2 of 3 / 2 of 3 |');
    expect(table).toContain('| gap step (CoT ≥ 0.9, direct ≤ 0.1) | 100 / 150 / 200; never on 1 of 3 |');
    expect(table).toContain('| informed gap step (direct also knows its prerequisites) | 100 / 100 / 100; never on 2 of 3 |');
  });
});
