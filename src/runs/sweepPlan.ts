/**
 * Sweeps in the playground (pure): one parameter over a list of values, optionally several seeds, as a link
 * (`sweep=noise:0,0.2,0.4&seeds=0,1` beside the experiment's own keys), the plan of runs, and the points of the
 * sweep chart (a metric of each run against the parameter, per arm, one point per seed and their mean).
 * Untrusted input (a link) is checked through the schema; problems come back as plain-text lines.
 */
import { type Arm, ARMS, type MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, PARAM_BY_KEY, type Config, type ParamKey } from '../experiment/schema';
import { checkValues, closestKey, shown } from '../experiment/validate';

export interface SweepSpec {
  key: ParamKey;
  values: (string | number)[];
  /** Seeds each value runs with (at least one). */
  seeds: number[];
}
/** The link keys a sweep uses (beside the experiment's). */
export const SWEEP_KEYS = ['sweep', 'seeds'] as const;
export const MAX_SWEEP_RUNS = 60;
const MAX_ITEMS = 30;

export type SweepReading = { spec: SweepSpec | null; problems: string[] };

/** Splits a query into the experiment's part (what queryToConfig reads) and the sweep's keys. */
export function splitSweepQuery(search: string): { experiment: string; sweep: string | null; seeds: string | null } {
  const q = search.startsWith('?') ? search.slice(1) : search;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(q);
  } catch {
    return { experiment: search, sweep: null, seeds: null };
  }
  const sweep = params.get('sweep');
  const seeds = params.get('seeds');
  if (sweep === null && seeds === null) return { experiment: search, sweep: null, seeds: null };
  for (const k of SWEEP_KEYS) params.delete(k);
  return { experiment: params.toString(), sweep, seeds };
}

const items = (text: string) => text.split(',').map((s) => s.trim());

/**
 * Reads `sweep=KEY:v1,v2` and `seeds=0,1` (either may be null); `baseSeed` when no seeds are given. `task`: the
 * base experiment's (a parameter of another task is not swept: its values would change nothing).
 */
export function readSweep(sweep: string | null, seeds: string | null, baseSeed: number, task: Config['task'] = DEFAULT_CONFIG.task): SweepReading {
  const problems: string[] = [];
  if (sweep === null) {
    if (seeds !== null) problems.push('seeds= is only read with sweep=KEY:v1,v2,…; ignored.');
    return { spec: null, problems };
  }
  const m = /^([^:]{1,40}):(.{1,2000})$/s.exec(sweep);
  if (!m) return { spec: null, problems: [`sweep "${shown(sweep)}" is not KEY:v1,v2,…; no sweep.`] };
  const rawKey = m[1].trim();
  if (!Object.hasOwn(PARAM_BY_KEY, rawKey)) {
    const near = closestKey(rawKey);
    return { spec: null, problems: [`sweep: "${shown(rawKey)}" is not a parameter${near ? ` (did you mean ${near}?)` : ''}; no sweep.`] };
  }
  const key = rawKey as ParamKey;
  const values: (string | number)[] = [];
  for (const raw of items(m[2]).slice(0, MAX_ITEMS)) {
    if (raw === '') continue;
    const checked = checkValues(key === 'task' ? { task: raw } : { task, [key]: raw });
    const own = checked.corrections.filter((c) => c.key === key);
    if (own.length) {
      problems.push(`sweep: ${own[0].text.replace(/; using .*$/, '')}; left out.`);
      continue;
    }
    if (!values.includes(checked.config[key])) values.push(checked.config[key]);
  }
  if (items(m[2]).length > MAX_ITEMS) problems.push(`sweep: only the first ${MAX_ITEMS} values are read.`);
  let seedList = [baseSeed];
  if (key === 'seed' && seeds !== null) problems.push('seeds= is ignored when the sweep is over seed.');
  else if (seeds !== null) {
    const list: number[] = [];
    for (const raw of items(seeds).slice(0, MAX_ITEMS)) {
      if (raw === '') continue;
      const checked = checkValues({ seed: raw });
      if (!/^\d+$/.test(raw) || checked.corrections.length) problems.push(`seeds: "${shown(raw)}" is not a seed; left out.`);
      else if (!list.includes(checked.config.seed)) list.push(checked.config.seed);
    }
    if (list.length) seedList = list;
  }
  if (key === 'seed') seedList = [0];
  if (values.length === 0) return { spec: null, problems: [...problems, 'sweep: no valid value; no sweep.'] };
  const spec: SweepSpec = { key, values, seeds: seedList };
  const n = runCount(spec);
  if (n > MAX_SWEEP_RUNS)
    return {
      spec: null,
      problems: [...problems, `sweep: ${n} runs is more than ${MAX_SWEEP_RUNS} for a browser tab; no sweep (npm run sweep runs larger ones).`],
    };
  return { spec, problems };
}

export const runCount = (s: SweepSpec) => s.values.length * (s.key === 'seed' ? 1 : s.seeds.length);

/** The sweep's link keys: "sweep=noise:0,0.2&seeds=0,1" (seeds left out for a sweep over seed). */
export function sweepQuery(s: SweepSpec): string {
  const q = new URLSearchParams();
  q.set('sweep', `${s.key}:${s.values.join(',')}`);
  if (s.key !== 'seed') q.set('seeds', s.seeds.join(','));
  return q.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

export interface SweepJob {
  value: string | number;
  seed: number;
  config: Config;
}
/** Every run of a sweep from a base experiment, value-major; a combination the schema corrects is reported and left out. */
export function sweepJobs(base: Config, s: SweepSpec): { jobs: SweepJob[]; problems: string[] } {
  const jobs: SweepJob[] = [];
  const problems: string[] = [];
  for (const value of s.values) {
    for (const seed of s.key === 'seed' ? [value as number] : s.seeds) {
      // the base holds every task's parameters: those of other tasks are kept as they are, unused
      const checked = checkValues({ ...base, [s.key]: value, seed }, 'keep');
      if (checked.corrections.length) problems.push(`${s.key} ${String(value)}, seed ${seed}: ${checked.corrections[0].text}`);
      else jobs.push({ value, seed, config: checked.config });
    }
  }
  return { jobs, problems };
}

// ---- the sweep chart
export type SweepMetric = 'final' | 'best' | 'atStep';
export interface SweepPoint {
  value: string | number;
  seed: number;
  arm: Arm;
  y: number;
}
export interface SweepMean {
  value: string | number;
  arm: Arm;
  mean: number;
  n: number;
}

/** The metric of one arm's history: the last value, the highest, or the value at the last evaluation at or before `step`. */
export function metricOf(history: readonly MetricRow[], split: string, metric: SweepMetric, step = Infinity): number {
  let out = NaN;
  for (const r of history) {
    const v = r.acc[split];
    if (!Number.isFinite(v)) continue;
    if (metric === 'final') out = v;
    else if (metric === 'best') out = Number.isFinite(out) ? Math.max(out, v) : v;
    else if (r.step <= step) out = v;
  }
  return out;
}

/** Points (one per run and arm) and means per value and arm, in the spec's value order; runs outside the spec are ignored. */
export function sweepPoints(
  spec: SweepSpec,
  runs: readonly { value: string | number; seed: number; arms: Partial<Record<Arm, { history: MetricRow[] }>> }[],
  split: string,
  metric: SweepMetric,
  step?: number,
): { points: SweepPoint[]; means: SweepMean[] } {
  const points: SweepPoint[] = [];
  for (const r of runs) {
    if (!spec.values.includes(r.value)) continue;
    for (const arm of ARMS) {
      const h = r.arms[arm]?.history;
      if (!h) continue;
      const y = metricOf(h, split, metric, step);
      if (Number.isFinite(y)) points.push({ value: r.value, seed: r.seed, arm, y });
    }
  }
  const means: SweepMean[] = [];
  for (const value of spec.values) {
    for (const arm of ARMS) {
      const ys = points.filter((p) => p.value === value && p.arm === arm).map((p) => p.y);
      if (ys.length) means.push({ value, arm, mean: ys.reduce((a, b) => a + b, 0) / ys.length, n: ys.length });
    }
  }
  return { points, means };
}
