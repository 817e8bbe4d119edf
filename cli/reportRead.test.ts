import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withMechanism } from './mechanismReport';
import { buildReport } from './report';
import type { MechanismRecord } from '../src/experiment/mechanism';
import { generateDataset } from '../src/data/dataset';
import type { MetricRow } from '../src/experiment/domain';
import { configToQuery } from '../src/experiment/link';
import { DEFAULT_CONFIG, PARAMS, taskDefaults, type Config } from '../src/experiment/schema';
import { checkValues } from '../src/experiment/validate';
import { taskOf } from '../src/tasks/registry';
import { MAX_REPORTS, readReports, readReportValue, REPORT_VERSION, reportJson } from '../src/runs/reportFormat';
import { kgLens, kgTrace } from '../tests/support/kgMechanism';

const tiny = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, evalSize: 50 };
const data = generateDataset(tiny);
const SPLITS = taskOf(tiny)
  .splits(tiny)
  .map((s) => s.id);

/** Any valid experiment: one value per parameter from its range, then the rules between parameters. */
const configArb: fc.Arbitrary<Config> = fc
  .record(
    Object.fromEntries(
      PARAMS.map((p) => [
        p.key,
        p.type === 'enum'
          ? fc.constantFrom(...p.options)
          : p.type === 'hex'
            ? fc.constantFrom('', '0123456789abcdef')
            : p.type === 'int'
              ? fc.integer({ min: p.min, max: p.max })
              : fc.double({ min: p.min, max: p.max, noNaN: true }),
      ]),
    ) as Record<string, fc.Arbitrary<unknown>>,
  )
  .map((raw) => checkValues(raw).config)
  // a checked config reads back without corrections, except where a rule's correction leaves a parameter's range
  // (parity with bits < 5: trainSize is corrected to at most 2^(bits−1), below its minimum 16; the schema's matter)
  .filter((c) => checkValues(c, 'keep').corrections.length === 0);

const scoreArb = fc.oneof({ weight: 9, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) });
const scoresArb = fc.tuple(...SPLITS.map(() => scoreArb)).map((v) => Object.fromEntries(SPLITS.map((s, i) => [s, v[i]])) as MetricRow['acc']);
const rowArb = (step: number): fc.Arbitrary<MetricRow> =>
  fc
    .record({
      loss: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: null }),
      acc: scoresArb,
      answerAcc: scoresArb,
      bridge: fc.option(scoreArb, { nil: undefined }),
      // an RL stage's row (phase 'rl' and its sample metrics), an SFT row, or one written before phases
      rl: fc.option(
        fc.oneof(
          fc.constant(null),
          fc.record({ reward: scoreArb, cotRate: scoreArb, stepsRightRate: scoreArb, kl: fc.double({ min: 0, max: 5, noNaN: true }) }),
        ),
        { nil: undefined },
      ),
      // an early evaluation on a smaller sample (evalEarly)
      sample: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }),
    })
    .map(({ bridge, rl, sample, ...r }) => ({
      step,
      ...(sample === undefined ? {} : { sample }),
      ...r,
      ...(bridge === undefined ? {} : { stepAcc: bridge }),
      ...(rl === undefined ? {} : rl === null ? { phase: 'sft' as const } : { phase: 'rl' as const, ...rl }),
    }));
const historyArb = fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i * 10))));

/** --lens / --trace records of one arm: a few evaluations, rows × positions of scores (NaN → null). */
const matrixArb = (rows: number, cols: number) =>
  fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
const mechanismArb: fc.Arbitrary<MechanismRecord[]> = fc.array(
  fc
    .record({ step: fc.nat(1000), rows: fc.integer({ min: 2, max: 9 }), queries: fc.nat(500), p: fc.double({ min: 0, max: 1, noNaN: true }) })
    .chain(({ step, rows, queries, p }) =>
      fc.record({ lens: matrixArb(rows, 5), answer: matrixArb(rows, 5), restored: matrixArb(rows, 5) }).map(
        (m): MechanismRecord => ({
          arm: 'cot',
          step,
          lens: [kgLens(step, [m.lens, m.answer], queries)],
          trace: [kgTrace(step, 'b', { restored: m.restored, pClean: p, pCorrupt: p / 2, queries }, { id: 'idTwoHop', label: 'ID' })],
          ms: { lens: 3, trace: 4 },
        }),
      ),
    ),
  { maxLength: 3 },
);

/** What the CLI writes: buildReport (+ --lens/--trace) → reportJson, for any experiment, arms and history. */
const cliReportArb = fc
  .record({
    mechanism: fc.option(mechanismArb, { nil: undefined }),
    config: configArb,
    arms: fc.constantFrom<('cot' | 'direct')[]>(['cot', 'direct'], ['cot'], ['direct']),
    cot: historyArb,
    direct: historyArb,
    sps: fc.record({ cot: fc.double({ min: 0, max: 1e4, noNaN: true }), direct: fc.double({ min: 0, max: 1e4, noNaN: true }) }),
    backend: fc.constantFrom('wasm', 'cpu'),
    wall: fc.double({ min: 0, max: 1e6, noNaN: true }),
  })
  .map((x) => {
    const report = buildReport({
      link: configToQuery(x.config),
      config: x.config,
      backend: x.backend,
      data,
      hash: 'abcdef0123456789',
      arms: x.arms,
      history: { cot: x.cot, direct: x.direct },
      stepsPerSec: x.sps,
      wallSeconds: x.wall,
    });
    return x.mechanism ? withMechanism(report, { cot: x.mechanism }, { lens: true, trace: true }) : report;
  });

describe('readReports', () => {
  it('accepts every report the CLI writes, and reads back exactly what was written (NaN for null)', () => {
    fc.assert(
      fc.property(cliReportArb, (report) => {
        const read = readReports(reportJson(report));
        expect(read.ok).toBe(true);
        if (!read.ok) return;
        expect(read.warnings).toEqual([]);
        expect(read.reports).toHaveLength(1);
        expect(read.reports[0].report).toEqual(report);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts a list of CLI reports (an export of all runs), with their names', () => {
    fc.assert(
      fc.property(fc.array(cliReportArb, { minLength: 1, maxLength: 4 }), (reports) => {
        const named = reports.map((r, i) => ({ ...r, name: `run ${i}` }));
        const read = readReports(reportJson(named));
        expect(read.ok).toBe(true);
        if (read.ok) expect(read.reports.map((x) => x.name)).toEqual(reports.map((_, i) => `run ${i}`));
      }),
      { numRuns: 30 },
    );
  });

  it('never throws on arbitrary input, and a refusal is one short line of plain text', () => {
    const check = (read: ReturnType<typeof readReports>) => {
      if (!read.ok) {
        expect(read.message.length).toBeGreaterThan(0);
        expect(read.message.length).toBeLessThan(600);
        expect(read.message).not.toMatch(/\n/);
      }
    };
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check(readReports(s))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json(), (s) => check(readReports(s))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => check(readReportValue(v))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => check(readReports(v as string))),
      { numRuns: 100 },
    );
  });

  it('never throws on a CLI report with one field replaced by anything', () => {
    const paths = (v: unknown, prefix: string[] = []): string[][] =>
      v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]) : [];
    fc.assert(
      fc.property(cliReportArb, fc.nat(), fc.anything(), (report, pick, junk) => {
        const value = JSON.parse(reportJson(report)) as Record<string, unknown>;
        const all = paths(value);
        const path = all[pick % all.length];
        let o = value as Record<string, unknown>;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[path.at(-1)!] = junk;
        const read = readReportValue(value);
        if (read.ok) expect(read.reports[0].report.version).toBe(REPORT_VERSION);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses with a clear message: not JSON, not a report, a newer format, a sweep summary, too many, too big', () => {
    const one = (text: string) => {
      const r = readReports(text);
      return r.ok ? 'ok' : r.message;
    };
    expect(one('{oops')).toMatch(/^the file is not JSON/);
    expect(one('{"hello": 1}')).toMatch(/^not a run report \(/);
    expect(one('[]')).toMatch(/empty list/);
    expect(one(JSON.stringify({ version: 2, link: '' }))).toBe(
      'this is a report of format 2; this playground reads format 1 (the file was written by a newer version).',
    );
    expect(one(JSON.stringify({ key: 'noise', values: [0], seeds: [0], runs: [] }))).toMatch(/sweep summary/);
    expect(one(JSON.stringify(Array.from({ length: MAX_REPORTS + 1 }, () => ({}))))).toMatch(/at most 500/);
    expect(one(' '.repeat(26 * 1024 * 1024))).toMatch(/MB; at most 25 MB/);
    const ok = buildReport({ link: '', config: tiny, backend: 'cpu', data, hash: 'h', arms: ['cot'], history: { cot: [], direct: [] }, stepsPerSec: {} });
    const noArms = { ...JSON.parse(reportJson(ok)), arms: {} };
    expect(one(JSON.stringify(noArms))).toMatch(/no arm/);
    expect(one(JSON.stringify([ok, { version: 1 }]))).toMatch(/^report 2: not a run report/);
  });

  it('reads the experiment through the schema: a bad value is corrected with a warning, the link rebuilt', () => {
    const r = buildReport({ link: 'x', config: tiny, backend: 'cpu', data, hash: 'h', arms: ['cot'], history: { cot: [], direct: [] }, stepsPerSec: {} });
    const value = JSON.parse(reportJson(r));
    value.config.layers = 99;
    // biome-ignore lint/suspicious/noProto: the hostile input under test
    value.config.__proto__ = { polluted: true };
    value.link = '<script>';
    const read = readReportValue(value);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const layersMax = (PARAMS.find((p) => p.key === 'layers') as { max: number }).max; // 99 is clamped to it
    expect(read.reports[0].report.config.layers).toBe(layersMax);
    expect(read.reports[0].report.link).toBe(configToQuery({ ...tiny, layers: layersMax }));
    expect(read.warnings.join(' ')).toMatch(/layers: 99 is outside 1–\d+/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('reports of other tasks and of earlier versions', () => {
  it('a parity report round-trips: its splits, its counts, its config', () => {
    const config = { ...taskDefaults('parity'), bits: 8, trainSize: 64, evalSize: 50 };
    const row = (step: number, test: number): MetricRow => ({ step, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test: NaN }, stepAcc: 0.5 });
    const r = buildReport({
      link: configToQuery(config),
      config,
      backend: 'wasm',
      data: generateDataset(config),
      hash: 'p',
      arms: ['cot', 'direct'],
      history: { cot: [row(0, 0.5), row(10, 1)], direct: [row(0, 0.5), row(10, 0.5)] },
      stepsPerSec: { cot: 2 },
    });
    expect(r.dataset.counts).toEqual({ train: 64, test: 50 });
    const read = readReports(reportJson(r));
    expect(read).toEqual({ ok: true, reports: [{ report: r }], warnings: [] });
  });

  it('an old-format report (no task, oodBridgeAcc, bridgeRightRate, the old lens and trace) imports with the new names', () => {
    const scores = Object.fromEntries(SPLITS.map((s) => [s, 0.5]));
    const oldRow = {
      step: 10,
      loss: 1,
      acc: scores,
      answerAcc: scores,
      oodBridgeAcc: 0.75,
      phase: 'rl',
      reward: 0.5,
      cotRate: 1,
      bridgeRightRate: 0.25,
      kl: 0.01,
    };
    const { task: _task, ...oldConfig } = DEFAULT_CONFIG;
    const old = {
      version: 1,
      link: 'v=2',
      config: oldConfig,
      backend: 'wasm',
      dataset: { hash: 'h', counts: Object.fromEntries(SPLITS.map((s) => [s, 10])) },
      arms: {
        cot: {
          stepsPerSec: 3,
          history: [{ ...oldRow, step: 0, phase: 'sft', reward: undefined, cotRate: undefined, bridgeRightRate: undefined, kl: undefined }, oldRow],
          final: oldRow,
          lens: [
            {
              step: 10,
              split: 'oodTwoHop',
              positions: ['h', 'r1', 'r2', 'b', 't'],
              bridgeTop1: [[0, 0, 1, 0, 0]],
              answerTop1: [[0, 0, 0, 0.5, 0]],
              queries: 5,
            },
          ],
          trace: [
            {
              step: 10,
              split: 'idTwoHop',
              target: 'bridge',
              positions: ['h', 'r1', 'r2', 'b', 't'],
              restored: [[null, 0, 1, 0, 0]],
              pClean: 0.9,
              pCorrupt: 0.1,
              queries: 5,
            },
          ],
        },
      },
      wallSeconds: 5,
    };
    const read = readReports(JSON.stringify(old));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.warnings).toEqual([]);
    const r = read.reports[0].report;
    expect(r.config.task).toBe('kg');
    const cot = r.arms.cot!;
    expect(cot.final).toEqual({
      step: 10,
      loss: 1,
      acc: scores,
      answerAcc: scores,
      stepAcc: 0.75,
      phase: 'rl',
      reward: 0.5,
      cotRate: 1,
      stepsRightRate: 0.25,
      kl: 0.01,
    });
    expect(cot.history[0]).toEqual({ step: 0, loss: 1, acc: scores, answerAcc: scores, stepAcc: 0.75, phase: 'sft' });
    expect(cot.lens![0]).toMatchObject({
      split: 'oodTwoHop',
      headline: true,
      tracked: [
        { name: 'b', position: 2 },
        { name: 'answer', position: 3 },
      ],
      top1: [[[0, 0, 1, 0, 0]], [[0, 0, 0, 0.5, 0]]],
    });
    expect(cot.trace![0]).toMatchObject({ split: 'idTwoHop', target: 'b', position: 2, restored: [[null, 0, 1, 0, 0]] });
    // written back, it is a report of today's format: read again, the same
    expect(readReports(reportJson(r))).toEqual({ ok: true, reports: [{ report: r }], warnings: [] });
  });

  it('refuses a split id that could be a prototype key or is not an identifier', () => {
    const ok = buildReport({ link: '', config: tiny, backend: 'cpu', data, hash: 'h', arms: ['cot'], history: { cot: [], direct: [] }, stepsPerSec: {} });
    const bad = JSON.parse(reportJson(ok));
    bad.dataset.counts = { 'not an id': 1 };
    const r = readReportValue(bad);
    expect(r.ok).toBe(false);
  });
});
