/**
 * What a sweep writes and prints (pure): DIR/sweep.json — {version, link, key, values, seeds, steps, runs:
 * [{value, seed, file, final: {cot, direct}}]} with `final` as in each run's report (the last history row of the
 * arm, or null), plus `error` for a run that failed — and the table: one row per run, then the mean over seeds
 * of each value.
 */
import type { MetricRow } from '../src/experiment/domain';
import type { Report } from '../src/runs/reportFormat';
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
const ood = (r: MetricRow | null) => r?.acc.oodTwoHop ?? NaN;
const idt = (r: MetricRow | null) => r?.acc.idTwoHop ?? NaN;

/** The printed table: each run's final OOD and ID test accuracy per arm, then the mean over seeds per value. */
export function sweepTable(key: string, values: (string | number)[], results: readonly SweepRunResult[]): string {
  const w = Math.max(key.length, ...values.map((v) => String(v).length), 4);
  const head = `${key.padEnd(w)}  ${'seed'.padStart(6)}  ${'CoT OOD'.padStart(8)}  ${'dir OOD'.padStart(8)}  ${'CoT ID'.padStart(8)}  ${'dir ID'.padStart(8)}`;
  const line = (v: string, seed: string, a: number, b: number, c: number, d: number, note = '') =>
    `${v.padEnd(w)}  ${seed.padStart(6)}  ${f3(a).padStart(8)}  ${f3(b).padStart(8)}  ${f3(c).padStart(8)}  ${f3(d).padStart(8)}${note}`;
  const rows = results.map((r) =>
    line(String(r.value), String(r.seed), ood(r.final.cot), ood(r.final.direct), idt(r.final.cot), idt(r.final.direct), r.error ? `  failed: ${r.error}` : ''),
  );
  const out = ['final exact-match accuracy (OOD / ID test multi-hop) per run', head, ...rows];
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
          m((r) => ood(r.final.cot)),
          m((r) => ood(r.final.direct)),
          m((r) => idt(r.final.cot)),
          m((r) => idt(r.final.direct)),
        ),
      );
    }
  }
  return out.join('\n');
}
