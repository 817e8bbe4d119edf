/**
 * Arguments of `npm run sweep` and the sweep's plan (pure, tfjs-free): the base link read strictly (like
 * `npm run experiment`: any correction refuses it), one parameter and its values, the seeds, and every
 * combination checked through the schema before anything runs. Returns the plan, or one plain-text line saying
 * what is wrong (the caller prints it with the usage and exits 2).
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configToQuery } from '../src/experiment/link';
import { PARAM_BY_KEY, type Config, type IntParam, type ParamKey } from '../src/experiment/schema';
import { checkValues, closestKey, shown, strictLine } from '../src/experiment/validate';
import { CLI_BACKENDS, type CliBackend } from './args';
import { readLink } from './readLink';

export const SWEEP_USAGE = `usage: npm run sweep -- '<link or query>' --vary KEY=v1,v2,… [--seeds 0,1,…] [--steps N] [--jobs N] [--backend wasm|cpu] --out DIR

  '<link>'          the experiment every run starts from (as for npm run experiment; default: the default experiment)
  --vary KEY=…      the parameter to sweep and its values, e.g. noise=0,0.2,0.4 or noiseKind=t,b
  --seeds LIST      seeds to run each value with, e.g. 0,1,2 (default: the link's seed)
  --steps N         train N steps per arm instead of the link's steps
  --jobs N          runs at once, each in its own worker thread (default: 2, at most the cores)
  --backend B       wasm (default), cpu or webgpu (a GPU through Dawn; SwiftShader where none)
  --out DIR         where the reports (one per run) and sweep.json go (created if missing)
  --lenient         correct a bad link as the browser does instead of refusing it
  -h, --help        show this help

Every combination of value and seed is one run of npm run experiment's code, written to DIR as its --json
report; DIR/sweep.json lists them: {key, values, seeds, runs: [{value, seed, file, final: {cot, direct}}]}.`;

/** Most runs in one sweep. */
export const MAX_RUNS = 1000;
const MAX_STEPS = 100_000;
const MAX_LIST = 200;

export interface PlannedRun {
  value: string | number;
  seed: number;
  config: Config;
  /** File name inside the output folder. */
  file: string;
}
export interface SweepPlan {
  /** The base experiment's canonical link (the swept key and the seed as the link had them). */
  link: string;
  key: ParamKey;
  values: (string | number)[];
  seeds: number[];
  steps: number;
  jobs: number;
  backend: CliBackend;
  out: string;
  runs: PlannedRun[];
  warnings: string[];
}
export type SweepArgs = { ok: true; help: true } | { ok: true; help: false; plan: SweepPlan } | { ok: false; message: string };

const PARSE = {
  options: {
    vary: { type: 'string', multiple: true },
    seeds: { type: 'string' },
    steps: { type: 'string' },
    jobs: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    lenient: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
  strict: true,
} as const;

function parseError(e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message;
}

/** "a,b,,c" → ['a','b','c'] trimmed; null when empty or too long. */
function list(text: string): string[] | null {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.length > MAX_LIST || items.some((s) => s === '')) return null;
  return items;
}

/** A name safe in a file name: "noise-0.2", "noiseKind-b". */
const fileSafe = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 40);

export function parseSweepArgs(argv: string[], cores = availableParallelism()): SweepArgs {
  let parsed: ReturnType<typeof parseArgs<typeof PARSE>>;
  try {
    parsed = parseArgs({ ...PARSE, args: argv });
  } catch (e) {
    return { ok: false, message: parseError(e) };
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { ok: true, help: true };
  if (positionals.length > 1) return { ok: false, message: `expected at most one link, got ${positionals.length} arguments (quote the link: '...&...')` };

  // ---- the base link, strictly
  const reading = readLink(positionals[0] ?? '', v.lenient ?? false);
  if (!reading.ok) return { ok: false, message: `the link was refused: ${reading.problems.join('; ')}` };
  const base = reading.config;
  const warnings = reading.warnings.map((w) => `link: ${w}`);

  // ---- --vary KEY=v1,v2
  if (!v.vary?.length) return { ok: false, message: '--vary KEY=v1,v2,… is required (e.g. --vary noise=0,0.2,0.4)' };
  if (v.vary.length > 1) return { ok: false, message: '--vary may be given once (one parameter per sweep)' };
  const m = /^([^=]+)=(.*)$/s.exec(v.vary[0]);
  if (!m) return { ok: false, message: `--vary must be KEY=v1,v2,…, got "${shown(v.vary[0])}"` };
  const rawKey = m[1].trim();
  if (!Object.hasOwn(PARAM_BY_KEY, rawKey)) {
    const near = closestKey(rawKey);
    return {
      ok: false,
      message: `--vary: "${shown(rawKey)}" is not a parameter${near ? ` (did you mean ${near}?)` : ''}; npm run experiment -- --params lists them`,
    };
  }
  const key = rawKey as ParamKey;
  const rawValues = list(m[2]);
  if (!rawValues) return { ok: false, message: `--vary ${key}: give 1–${MAX_LIST} comma-separated values, none empty` };
  const values: (string | number)[] = [];
  for (const raw of rawValues) {
    // read as a value of the base's task: a parameter of another task is refused (its values would change nothing)
    const checked = checkValues(key === 'task' ? { task: raw } : { task: base.task, [key]: raw });
    const own = checked.corrections.filter((c) => c.key === key);
    if (own.length) return { ok: false, message: `--vary ${strictLine(own[0])}` };
    const value = checked.config[key];
    if (values.includes(value)) return { ok: false, message: `--vary ${key}: ${String(value)} is listed twice` };
    values.push(value);
  }

  // ---- --seeds
  let seeds = [base.seed];
  if (v.seeds !== undefined) {
    if (key === 'seed') return { ok: false, message: '--seeds cannot be combined with --vary seed=…' };
    const items = list(v.seeds);
    if (!items) return { ok: false, message: `--seeds: give 1–${MAX_LIST} comma-separated seeds, none empty` };
    seeds = [];
    for (const s of items) {
      const checked = checkValues({ seed: s });
      if (!/^\d+$/.test(s) || checked.corrections.length)
        return { ok: false, message: `--seeds: "${shown(s)}" is not a seed (allowed: a whole number in 0–${(PARAM_BY_KEY.seed as IntParam).max})` };
      if (seeds.includes(checked.config.seed)) return { ok: false, message: `--seeds: ${s} is listed twice` };
      seeds.push(checked.config.seed);
    }
  }

  // ---- --steps, --jobs, --backend, --out
  let steps = base.steps;
  if (v.steps !== undefined) {
    const s = v.steps.trim();
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_STEPS)
      return { ok: false, message: `--steps must be a whole number in 1–${MAX_STEPS}, got "${shown(v.steps)}"` };
    steps = Number(s);
  }
  const maxJobs = Math.max(1, cores);
  let jobs = Math.min(2, maxJobs);
  if (v.jobs !== undefined) {
    const s = v.jobs.trim();
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > maxJobs)
      return { ok: false, message: `--jobs must be a whole number in 1–${maxJobs} (the cores here), got "${shown(v.jobs)}"` };
    jobs = Number(s);
  }
  let backend: CliBackend = base.backend === 'cpu' || base.backend === 'wasm' ? base.backend : 'wasm';
  if (v.backend !== undefined) {
    if (!(CLI_BACKENDS as readonly string[]).includes(v.backend))
      return { ok: false, message: `--backend must be one of ${CLI_BACKENDS.join(', ')}, got "${shown(v.backend)}"` };
    backend = v.backend as CliBackend;
  }
  if (v.out === undefined || v.out.trim() === '') return { ok: false, message: '--out DIR is required (where the reports and sweep.json go)' };
  const out = resolve(v.out);
  if (existsSync(out) && !statSync(out).isDirectory()) return { ok: false, message: `--out ${shown(v.out)}: is a file, not a directory` };
  if (!existsSync(out) && !existsSync(dirname(out)))
    return { ok: false, message: `--out ${shown(v.out)}: its parent directory ${dirname(out)} does not exist` };

  // ---- every combination, checked as a whole (e.g. degree above relations)
  if (values.length * seeds.length > MAX_RUNS)
    return { ok: false, message: `${values.length} values × ${seeds.length} seeds is ${values.length * seeds.length} runs; at most ${MAX_RUNS}` };
  const runs: PlannedRun[] = [];
  // a sweep over the seed itself: each value is its run's seed (not overridden by the link's seed)
  const seedSweep = key === 'seed';
  for (const value of values) {
    for (const seed of seedSweep ? [value as number] : seeds) {
      // the base holds every task's parameters: those of other tasks are kept as they are, unused
      const checked = checkValues({ ...base, [key]: value, seed, steps }, 'keep');
      if (checked.corrections.length) return { ok: false, message: `${key}=${String(value)}, seed ${seed}: ${strictLine(checked.corrections[0])}` };
      runs.push({ value, seed, config: checked.config, file: seedSweep ? `seed-${seed}.json` : `${fileSafe(`${key}-${String(value)}`)}-seed${seed}.json` });
    }
  }
  const planSeeds = seedSweep ? (values as number[]) : seeds;
  return { ok: true, help: false, plan: { link: configToQuery(base), key, values, seeds: planSeeds, steps, jobs, backend, out, runs, warnings } };
}
