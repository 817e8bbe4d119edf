import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { figureOf, figureRows, maxStep, overlayKey, overlayRows, spreadOf } from './compare';
import { csvFields, readRunsCsv, runsCsv } from './csv';
import { diffLabel, diffTitle, legendLabels } from './diff';
import { browserReport, importedRecord, newRunId, RECORD_FORMAT, readStored, resumable, type RunRecord } from './record';

const SPLITS = taskOf(DEFAULT_CONFIG)
  .splits(DEFAULT_CONFIG)
  .map((s) => s.id);
const CSV_FIELDS = csvFields(SPLITS);
const scores = (x: number) => Object.fromEntries(SPLITS.map((s) => [s, x])) as MetricRow['acc'];
const row = (step: number, ood: number, loss: number | null = 1): MetricRow => ({
  step,
  loss,
  acc: { ...scores(0.5), oodTwoHop: ood },
  answerAcc: scores(0.6),
});
const report = (config = DEFAULT_CONFIG, cot = [row(0, 0, null), row(100, 0.8), row(200, 0.6)], direct = [row(0, 0, null), row(100, 0.01), row(200, NaN)]) =>
  browserReport({ config, backend: 'wasm', hash: 'abc', arms: ['cot', 'direct'], history: { cot, direct }, stepsPerSec: { cot: 5 }, wallSeconds: 12.345 });

describe('diff labels', () => {
  const now = DEFAULT_CONFIG;
  it('labels a run by what differs from the current experiment, in the schema order, short', () => {
    expect(diffLabel({ ...now, noise: 0.2, lambda: 3.6 }, now)).toBe('noise 0.2 · λ 3.6');
    expect(diffLabel(now, now)).toBe('same as now');
    expect(diffLabel({ ...now, seed: 1, entities: 100, relations: 10, degree: 5, layers: 2 }, now)).toBe(
      'seed 1 · entities 100 · relations 10 · degree 5 · +1 more',
    );
    expect(diffTitle({ ...now, lambda: 3.6 }, now)).toBe('λ 3.6 (now 2.4)');
  });
  it("another task reads first, by its id; only the run's task's parameters count", () => {
    // the table's defaults with another task (its preset would differ in more keys)
    const parity: Config = { ...DEFAULT_CONFIG, task: 'parity', bits: 8 };
    expect(diffLabel(parity, now)).toBe('parity · bits 8');
    expect(diffLabel({ ...parity, entities: 7 }, now)).toBe('parity · bits 8'); // a knowledge-graph parameter: unused by parity
    expect(diffLabel(now, parity)).toBe('kg');
    expect(diffTitle(parity, now)).toBe(`parity (now kg), bits 8 (now ${now.bits})`);
    expect(
      legendLabels([
        { config: now, name: 'a' },
        { config: parity, name: 'b' },
      ]),
    ).toEqual(['kg', 'parity · bits 8']);
    expect(legendLabels([{ config: parity, name: 'p' }])).toEqual(['parity · bits 8']);
  });
  it('legend: what varies among the compared runs; names where the same experiment ran twice', () => {
    expect(
      legendLabels([
        { config: { ...now, seed: 0 }, name: 'a' },
        { config: { ...now, seed: 1 }, name: 'b' },
      ]),
    ).toEqual(['seed 0', 'seed 1']);
    expect(legendLabels([{ config: { ...now, lambda: 3.6 }, name: 'a' }])).toEqual(['λ 3.6']);
    expect(legendLabels([{ config: now, name: 'Run 1' }])).toEqual(['Run 1']);
    expect(
      legendLabels([
        { config: now, name: 'Run 1' },
        { config: now, name: 'Run 2' },
      ]),
    ).toEqual(['Run 1', 'Run 2']);
    expect(
      legendLabels([
        { config: { ...now, lambda: 3.6 }, name: 'x' },
        { config: { ...now, lambda: 3.6 }, name: 'y' },
      ]),
    ).toEqual(['λ 3.6 (x)', 'λ 3.6 (y)']);
  });
});

describe('compare', () => {
  it('final is the last finite value, best the first step of the highest', () => {
    expect(figureOf([row(0, 0), row(100, 0.8), row(200, 0.8), row(300, 0.6)], 'oodTwoHop')).toEqual({
      final: { value: 0.6, step: 300 },
      best: { value: 0.8, step: 100 },
    });
    expect(figureOf([row(0, NaN), row(100, NaN)], 'oodTwoHop')).toEqual({ final: null, best: null });
    expect(figureOf([row(0, 0.1), row(100, NaN)], 'oodTwoHop').final).toEqual({ value: 0.1, step: 0 });
  });
  it('one figure row per run and arm; overlay columns per run × arm × split, NaN left out', () => {
    const a = report();
    const b = report({ ...DEFAULT_CONFIG, steps: 500 }, [row(0, 0), row(50, 0.3)], []);
    const rows = figureRows([a, b], ['oodTwoHop']);
    expect(rows.map((r) => [r.runIndex, r.arm, r.steps])).toEqual([
      [0, 'cot', 200],
      [0, 'direct', 200],
      [1, 'cot', 50],
      [1, 'direct', 0],
    ]);
    const o = overlayRows([a, b], ['oodTwoHop']);
    expect(o.map((r) => r.step)).toEqual([0, 50, 100, 200]);
    expect(o[3][overlayKey(0, 'cot', 'oodTwoHop')]).toBe(0.6);
    expect(overlayKey(0, 'direct', 'oodTwoHop') in o[3]).toBe(false);
    expect(o[1][overlayKey(1, 'cot', 'oodTwoHop')]).toBe(0.3);
    expect(maxStep([a, b])).toBe(DEFAULT_CONFIG.steps);
    const long = report(
      DEFAULT_CONFIG,
      Array.from({ length: 1000 }, (_, i) => row(i, 0.5)),
      [],
    );
    expect(overlayRows([long], ['oodTwoHop'], 50)).toHaveLength(50);
  });
});

describe('seed spread', () => {
  it('range and mean of the final values per arm and split; an arm in one run only is left out', () => {
    const a = report({ ...DEFAULT_CONFIG, seed: 0 }, [row(0, 0), row(100, 0.9)], []);
    const b = report({ ...DEFAULT_CONFIG, seed: 1 }, [row(0, 0), row(100, 0.7)], [row(100, 0.02)]);
    a.arms.direct = undefined;
    const s = spreadOf([a, b], ['oodTwoHop']);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ arm: 'cot', split: 'oodTwoHop', n: 2, min: 0.7, max: 0.9 });
    expect(s[0].mean).toBeCloseTo(0.8, 12);
  });
});

describe('records', () => {
  const r = importedRecord(report(), { id: 'r1', name: 'one', now: 5 });
  it('reads its own format; a run saved while training reads back interrupted', () => {
    const back = readStored(structuredClone(r));
    expect(back).toEqual({ ok: true, record: r });
    const live = readStored({ ...structuredClone(r), status: 'training' });
    expect(live.ok && live.record.status).toBe('interrupted');
  });
  it('reads a run saved before tasks were plug-ins: legacy metric names, lens and last look upgraded; lens and tracing kept', () => {
    const old = structuredClone(r) as unknown as { report: { config: Record<string, unknown>; arms: { cot: Record<string, unknown> } }; lens?: unknown };
    delete old.report.config.task;
    const cot = old.report.arms.cot as { history: Record<string, unknown>[]; final: Record<string, unknown>; lens?: unknown; trace?: unknown };
    cot.history[1] = { ...cot.history[1], oodBridgeAcc: 0.4, bridgeRightRate: 0.3 };
    cot.lens = [
      { step: 100, split: 'oodTwoHop', positions: ['h', 'r1', 'r2', 'b', 't'], bridgeTop1: [[0, 0, 1, 0, 0]], answerTop1: [[0, 0, 0, 1, 0]], queries: 5 },
    ];
    cot.trace = [];
    old.lens = { cot: { step: 100, query: 'e1 r1 r2', tracked: [{ label: 'bridge e4', role: 'bridge', ranks: [0] }] } };
    const read = readStored(old);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.record.report.config.task).toBe('kg');
    const h = read.record.report.arms.cot!.history[1];
    expect(h).toMatchObject({ stepAcc: 0.4, stepsRightRate: 0.3 });
    expect('oodBridgeAcc' in h || 'bridgeRightRate' in h).toBe(false);
    const lens = read.record.report.arms.cot!.lens!;
    expect(lens[0]).toMatchObject({
      split: 'oodTwoHop',
      headline: true,
      tracked: [
        { name: 'b', position: 2 },
        { name: 'answer', position: 3 },
      ],
    });
    expect(read.record.report.arms.cot!.trace).toEqual([]);
    expect(read.record.lens!.cot!.tracked[0].role).toBe('step');
  });
  it('refuses a newer format and a damaged record with a message, and never throws', () => {
    const newer = readStored({ ...r, format: RECORD_FORMAT + 1 });
    expect(newer).toMatchObject({ ok: false, id: 'r1' });
    expect(!newer.ok && newer.message).toMatch(/newer version of the playground \(format 2; this one reads 1\)/);
    for (const bad of [null, 3, 'x', [], {}, { ...r, report: null }, { ...r, name: 7 }, { ...r, format: 0 }]) expect(readStored(bad).ok).toBe(false);
  });
  it('a run can be resumed when it was trained here, is not finished and has a checkpoint of every arm', () => {
    const rep = report();
    const live: RunRecord = {
      ...importedRecord(rep, { id: 'b', name: 'b', now: 1 }),
      source: 'browser',
      status: 'interrupted',
      checkpoint: { cot: 2, direct: 2 },
    };
    const steps = rep.config.steps + rep.config.rlSteps;
    const at = (step: number, direct = step): RunRecord => ({
      ...live,
      report: {
        ...rep,
        arms: {
          cot: { ...rep.arms.cot!, final: { ...rep.arms.cot!.final!, step } },
          direct: { ...rep.arms.direct!, final: { ...rep.arms.direct!.final!, step: direct } },
        },
      },
    });
    expect(resumable(at(steps - 1))).toBe(true);
    expect(readStored(structuredClone(at(steps - 1)))).toEqual({ ok: true, record: at(steps - 1) }); // the checkpoint steps are kept
    expect(resumable({ ...at(steps - 1), status: 'paused' })).toBe(true);
    expect(resumable({ ...at(steps - 1), status: 'error' })).toBe(true);
    expect(resumable(at(steps))).toBe(false); // finished
    expect(resumable({ ...at(steps, 120), status: 'error' })).toBe(true); // one arm's worker crashed at 120, the other finished
    expect(resumable({ ...at(steps - 1), status: 'done' })).toBe(false);
    expect(resumable({ ...at(steps - 1), status: 'training' })).toBe(false); // training now
    expect(resumable({ ...at(steps - 1), checkpoint: { cot: 2 } })).toBe(false); // an arm without one
    expect(resumable({ ...at(steps - 1), checkpoint: undefined })).toBe(false);
    expect(resumable({ ...at(steps - 1), source: 'import' })).toBe(false);
  });
  it('ids are time-ordered and distinct', () => {
    expect(newRunId(1000, () => 0.5) < newRunId(2000, () => 0.1)).toBe(true);
    expect(newRunId(1000, () => 0.1)).not.toBe(newRunId(1000, () => 0.2));
  });
});

describe('CSV', () => {
  it('writes one row per run × arm × evaluation and reads back the same histories and experiment', () => {
    const a = report({ ...DEFAULT_CONFIG, lambda: 3.6 });
    const text = runsCsv([{ id: 'r1', name: '=cmd|x', report: a }]);
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]).toBe(CSV_FIELDS.join(','));
    expect(lines).toHaveLength(1 + 6);
    expect(text).toContain("'=cmd|x"); // no formula for a spreadsheet
    const back = readRunsCsv(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const got = back.reports[0].report;
    expect(got.config).toEqual(a.config);
    expect(got.link).toBe(a.link);
    expect(got.arms.cot!.history).toEqual(a.arms.cot!.history);
    expect(got.arms.direct!.history).toEqual(a.arms.direct!.history);
    // the training recipes' fields: phase, an early evaluation's sample, the RL metrics
    const rl = report(
      DEFAULT_CONFIG,
      [
        { ...row(10, 0.2), sample: 100, phase: 'sft' },
        { ...row(20, 0.3), phase: 'rl', reward: 0.5, cotRate: 0.9, stepsRightRate: 0.7, stepAcc: 0.4, kl: 0.01 },
      ],
      [],
    );
    const back2 = readRunsCsv(runsCsv([{ id: 'r2', name: 'rl', report: rl }]));
    expect(back2.ok && back2.reports[0].report.arms.cot!.history).toEqual(rl.arms.cot!.history);
  });
  it("parity: its splits' columns; a file of two tasks reads each run with its own splits", () => {
    const p = (step: number, test: number): MetricRow => ({ step, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test } });
    const parity = browserReport({
      config: taskDefaults('parity'),
      backend: 'wasm',
      hash: 'p',
      arms: ['cot'],
      history: { cot: [p(0, 0.5), p(10, 0.75)], direct: [] },
      stepsPerSec: {},
      wallSeconds: 1,
    });
    const only = runsCsv([{ id: 'p', name: 'p', report: parity }]);
    expect(only.split(/\r?\n/)[0]).toBe(csvFields(['train', 'test']).join(','));
    const both = readRunsCsv(
      runsCsv([
        { id: 'p', name: 'p', report: parity },
        { id: 'k', name: 'k', report: report() },
      ]),
    );
    expect(both.ok).toBe(true);
    if (!both.ok) return;
    expect(both.reports[0].report.config.task).toBe('parity');
    expect(both.reports[0].report.arms.cot!.history).toEqual(parity.arms.cot!.history);
    expect(both.reports[1].report.arms.cot!.history).toEqual(report().arms.cot!.history);
  });
  it('reads a CSV written before tasks were plug-ins (ood_bridge_acc, bridge_right_rate)', () => {
    const text = runsCsv([
      { id: 'r', name: 'n', report: report(DEFAULT_CONFIG, [{ ...row(20, 0.3), phase: 'rl', reward: 0.5, stepAcc: 0.4, stepsRightRate: 0.7 }], []) },
    ]);
    const old = text.replace('step_acc', 'ood_bridge_acc').replace('steps_right_rate', 'bridge_right_rate');
    const back = readRunsCsv(old);
    expect(back.ok && back.reports[0].report.arms.cot!.history[0]).toMatchObject({ stepAcc: 0.4, stepsRightRate: 0.7 });
  });
  it('refuses a file that is not a runs CSV, with the reason', () => {
    const no = (t: string) => {
      const r = readRunsCsv(t);
      return r.ok ? 'ok' : r.message;
    };
    expect(no('a,b\n1,2')).toMatch(/^not a runs CSV: the columns run, link, arm, step, … are missing/);
    expect(no(`${CSV_FIELDS.join(',')}\n`)).toMatch(/no rows/);
    const good = runsCsv([{ id: 'r', name: 'n', report: report() }]).split('\n');
    expect(no([good[0], good[1].replace(',cot,', ',bogus,')].join('\n'))).toMatch(/^line 2: arm "bogus"/);
    expect(no([good[0], good[1].replace(',cot,0,', ',cot,-1,')].join('\n'))).toMatch(/^line 2: step "-1"/);
  });
});
