/**
 * What a sweep writes and prints (pure): DIR/sweep.json — {version, link, key, values, seeds, steps, runs:
 * [{value, seed, file, final: {cot, direct}}]} with `final` as in each run's report (the last history row of the
 * arm, or null), plus `error` for a run that failed — and the table: one row per run, then the mean over seeds
 * of each value. The table reads each run's task: its headline split and its first other test split.
 */
import type { MetricRow } from '../src/experiment/domain';
import type { Config } from '../src/experiment/schema';
import type { Report } from '../src/runs/reportFormat';
import { firstTestSplit, headlineSplit } from '../src/tasks/registry';
import type { SweepPlan } from './sweepArgs';

export const SWEEP_VERSION = 1;

export interface SweepRunResult {
  value: string | number;
  seed: number;
  file: string;
  final: { cot: MetricRow | null; direct: MetricRow | null };
  /** Seconds the run took (wall, both arms). */
  seconds?: number;
  error?: string;
}
export interface SweepJson {
  version: number;
  link: string;
  key: string;
  values: (string | number)[];
  seeds: number[];
  steps: number;
  runs: SweepRunResult[];
}

/** The result of one run from its report (null finals for arms it does not train). */
export function resultOf(run: { value: string | number; seed: number; file: string }, report: Report | null, seconds?: number, error?: string): SweepRunResult {
  return {
    value: run.value,
    seed: run.seed,
    file: run.file,
    final: { cot: report?.arms.cot?.final ?? null, direct: report?.arms.direct?.final ?? null },
    ...(seconds === undefined ? {} : { seconds: Math.round(seconds * 10) / 10 }),
    ...(error === undefined ? {} : { error }),
  };
}

/** sweep.json: the runs finished so far, in the plan's order. */
export function sweepJson(plan: Pick<SweepPlan, 'link' | 'key' | 'values' | 'seeds' | 'steps' | 'runs'>, done: ReadonlyMap<string, SweepRunResult>): SweepJson {
  return {
    version: SWEEP_VERSION,
    link: plan.link,
    key: plan.key,
    values: plan.values,
    seeds: plan.seeds,
    steps: plan.steps,
    runs: plan.runs.map((r) => done.get(r.file)).filter((r): r is SweepRunResult => r !== undefined),
  };
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '  -  ' : x.toFixed(3));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
/** The splits the table reads of a config: its headline split and its first other test split (null: none). */
function tableSplits(c: Config) {
  return {
    headline: headlineSplit(c),
    test: firstTestSplit(c),
  };
}

/**
 * The printed table: each run's final accuracy per arm on the headline split ("head") and on the other test split
 * ("test"), then the mean over seeds per value. A run's splits are those of its config in the plan.
 */
export function sweepTable(plan: Pick<SweepPlan, 'key' | 'values' | 'runs'>, results: readonly SweepRunResult[]): string {
  const { key, values } = plan;
  const configOf = new Map(plan.runs.map((r) => [r.file, r.config]));
  const splitsOf = (r: SweepRunResult) => {
    const c = configOf.get(r.file);
    return c ? tableSplits(c) : null;
  };
  const head_ = (r: SweepRunResult, m: MetricRow | null) => {
    const s = splitsOf(r);
    return s && m ? (m.acc[s.headline.id] ?? NaN) : NaN;
  };
  const test_ = (r: SweepRunResult, m: MetricRow | null) => {
    const s = splitsOf(r);
    return s?.test && m ? (m.acc[s.test.id] ?? NaN) : NaN;
  };
  const ood = (r: SweepRunResult, arm: 'cot' | 'direct') => head_(r, r.final[arm]);
  const idt = (r: SweepRunResult, arm: 'cot' | 'direct') => test_(r, r.final[arm]);
  // the title names the splits; runs of different tasks (a sweep over task) each read their own
  const named = [...new Set(plan.runs.map((r) => JSON.stringify(tableSplits(r.config))))];
  const first = plan.runs[0] ? tableSplits(plan.runs[0].config) : null;
  const title =
    named.length === 1 && first
      ? `final exact-match accuracy per run: head = ${first.headline.label}, test = ${first.test?.label ?? '(none)'}`
      : "final exact-match accuracy per run: head = each run's headline split, test = its other test split";
  const w = Math.max(key.length, ...values.map((v) => String(v).length), 4);
  const head = `${key.padEnd(w)}  ${'seed'.padStart(6)}  ${'CoT head'.padStart(8)}  ${'dir head'.padStart(8)}  ${'CoT test'.padStart(8)}  ${'dir test'.padStart(8)}`;
  const line = (v: string, seed: string, a: number, b: number, c: number, d: number, note = '') =>
    `${v.padEnd(w)}  ${seed.padStart(6)}  ${f3(a).padStart(8)}  ${f3(b).padStart(8)}  ${f3(c).padStart(8)}  ${f3(d).padStart(8)}${note}`;
  const rows = results.map((r) =>
    line(String(r.value), String(r.seed), ood(r, 'cot'), ood(r, 'direct'), idt(r, 'cot'), idt(r, 'direct'), r.error ? `  failed: ${r.error}` : ''),
  );
  const out = [title, head, ...rows];
  const seeds = new Set(results.map((r) => r.seed));
  if (seeds.size > 1) {
    out.push('', `mean over seeds`, head.replace('  seed', '     n'));
    for (const v of values) {
      const rs = results.filter((r) => r.value === v && !r.error);
      if (!rs.length) continue;
      const m = (f: (r: SweepRunResult) => number) => mean(rs.map(f).filter(Number.isFinite));
      out.push(
        line(
          String(v),
          String(rs.length),
          m((r) => ood(r, 'cot')),
          m((r) => ood(r, 'direct')),
          m((r) => idt(r, 'cot')),
          m((r) => idt(r, 'direct')),
        ),
      );
    }
  }
  return out.join('\n');
}
