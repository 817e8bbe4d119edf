/**
 * Command-line arguments of `npm run experiment`, parsed with node's util.parseArgs. Pure: returns either
 * the options or one plain-text line saying what is wrong (the caller prints it with the usage, exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PARAM_BY_KEY, type IntParam } from '../src/experiment/schema';

export const CLI_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

export interface CliOptions {
  /** The link or query string (empty: the default experiment). */
  link: string;
  /** Overrides config.steps; 0 = generate the data (and dump it) without training. */
  steps?: number;
  /** Set when --backend was given; otherwise the link's backend if wasm or cpu, else wasm. */
  backend?: CliBackend;
  json?: string;
  dumpData?: string;
  quiet: boolean;
  /** Correct a bad link like the browser does (warn and go on) instead of refusing it. */
  lenient: boolean;
  help: boolean;
  /** Print the parameter table and exit. */
  params: boolean;
  /** Add the aggregated logit lens / causal tracing of every evaluation to the report (set only when given). */
  lens?: boolean;
  trace?: boolean;
  /** How many threads train the arms: 1 = all in this thread, in lockstep; more (the default) = each arm in its own worker thread. */
  jobs?: number;
  /** Threads each arm's GEMMs are split over on wasm (set only when given; default: the cores shared among the arms' threads). */
  threads?: number;
  /** The JSON Lines file a `task=file` link's task is read from (cli/taskFileArg.ts). */
  taskFile?: string;
}

export type ParsedArgs = { ok: true; options: CliOptions } | { ok: false; message: string };

/** Beyond this the GEMM helpers mostly wait on each other at these matrix sizes (src/model/kernels/threadPolicy.ts). */
export const MAX_GEMM_THREADS = 8;

export const USAGE = `usage: npm run experiment -- ['<link or query string>'] [options]

  '<link>'            an experiment link or its query, e.g. 'entities=100&steps=500' or 'task=parity&bits=12'
                      (default: the default experiment)
  --steps N           train N steps per arm instead of the link's steps; 0 = build the data only
  --backend B         wasm (default), cpu or webgpu (a GPU through Dawn; SwiftShader where none)
  --json FILE         write the results as JSON after every evaluation and at the end
  --dump-data FILE    write the generated dataset (token ids) as JSON
  --quiet             no progress bar and no per-evaluation lines
  --lens              at every evaluation, the aggregated logit lens of each arm on the task's test queries
  --trace             at every evaluation, causal tracing of each arm (each intermediate result and the answer) on
                      the task's test queries
  --jobs N            threads for the arms: 1 = all arms in this thread, in lockstep; default: each arm in its own
                      worker thread (so on its own core); the results are the same either way
  --threads N         threads each arm's matrix products are split over on wasm (1–${MAX_GEMM_THREADS}); default: the
                      machine's cores shared among the arms that train at once; the results are the same either way
  --task-file F       the JSON Lines file of a 'task=file' link (docs/own-task.md); the link's taskFile is
                      its sha-256 prefix (filled in when the link has none); a bad file is refused, one line per problem
  --lenient           correct a bad link as the browser does (warn, clamp, go on) instead of refusing it
  --params            list every link parameter with its allowed values and default, each task's own under task=<id>
  -h, --help          show this help

A link with an unknown key, a key of another task than its own, a value that is not a number or out of
range, or a broken rule between parameters is refused (exit 2, one line per problem) unless --lenient is given.`;

/** More threads than arms (two) add nothing; the bound only keeps the number sane. */
const MAX_JOBS = 64;
/** --steps follows the schema's range of steps (0 = data only). */
const MAX_STEPS = (PARAM_BY_KEY.steps as IntParam).max;

function checkOutputFile(flag: string, file: string): string | undefined {
  if (file.trim() === '') return `${flag} needs a file name`;
  const dir = dirname(resolve(file));
  if (!existsSync(dir)) return `${flag} ${file}: directory ${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `${flag} ${file}: ${dir} is not a directory`;
  if (existsSync(file) && statSync(file).isDirectory()) return `${flag} ${file}: is a directory`;
  return undefined;
}

/** parseArgs' error as one short line. */
function parseError(e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message;
}

/** "--steps -3" → "--steps=-3" (and --jobs, --threads), so that a negative number is reported as such, not as a missing value. */
const NUMBER_FLAGS = new Set(['--steps', '--jobs', '--threads']);
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (NUMBER_FLAGS.has(argv[i]) && i + 1 < argv.length && /^-[\d.]/.test(argv[i + 1])) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

const PARSE_CONFIG = {
  options: {
    steps: { type: 'string' },
    jobs: { type: 'string' },
    threads: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'string' },
    'dump-data': { type: 'string' },
    'task-file': { type: 'string' },
    quiet: { type: 'boolean' },
    lens: { type: 'boolean' },
    trace: { type: 'boolean' },
    lenient: { type: 'boolean' },
    params: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
  strict: true,
} as const;

export function parseCliArgs(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<typeof PARSE_CONFIG>>;
  try {
    parsed = parseArgs({ ...PARSE_CONFIG, args: joinNegativeValues(argv) });
  } catch (e) {
    return { ok: false, message: parseError(e) };
  }
  const { values, positionals } = parsed;
  if (values.help || values.params) {
    return { ok: true, options: { link: '', quiet: false, lenient: false, help: values.help ?? false, params: !values.help && (values.params ?? false) } };
  }
  if (positionals.length > 1) {
    return { ok: false, message: `expected at most one link, got ${positionals.length} arguments (quote the link: '...&...')` };
  }
  const options: CliOptions = { link: positionals[0] ?? '', quiet: values.quiet ?? false, lenient: values.lenient ?? false, help: false, params: false };

  if (values.steps !== undefined) {
    const s = values.steps.trim();
    if (!/^\d+$/.test(s)) return { ok: false, message: `--steps must be a whole number ≥ 0, got "${values.steps.slice(0, 24)}"` };
    const n = Number(s);
    if (n > MAX_STEPS) return { ok: false, message: `--steps must be at most ${MAX_STEPS}, got ${s.slice(0, 24)}` };
    options.steps = n;
  }
  if (values.jobs !== undefined) {
    const j = values.jobs.trim();
    if (!/^\d+$/.test(j) || Number(j) < 1 || Number(j) > MAX_JOBS)
      return { ok: false, message: `--jobs must be a whole number in 1–${MAX_JOBS}, got "${values.jobs.slice(0, 24)}"` };
    options.jobs = Number(j);
  }
  if (values.threads !== undefined) {
    const t = values.threads.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > MAX_GEMM_THREADS)
      return { ok: false, message: `--threads must be a whole number in 1–${MAX_GEMM_THREADS}, got "${values.threads.slice(0, 24)}"` };
    options.threads = Number(t);
  }
  if (values.backend !== undefined) {
    if (!(CLI_BACKENDS as readonly string[]).includes(values.backend)) {
      return { ok: false, message: `--backend must be one of ${CLI_BACKENDS.join(', ')}, got "${values.backend.slice(0, 24)}"` };
    }
    options.backend = values.backend as CliBackend;
  }
  for (const [flag, file] of [
    ['--json', values.json],
    ['--dump-data', values['dump-data']],
  ] as const) {
    if (file === undefined) continue;
    const problem = checkOutputFile(flag, file);
    if (problem) return { ok: false, message: problem };
  }
  const taskFile = values['task-file'];
  if (taskFile !== undefined) {
    if (taskFile.trim() === '') return { ok: false, message: '--task-file needs a file name' };
    if (!existsSync(taskFile)) return { ok: false, message: `--task-file ${taskFile.slice(0, 200)}: no such file` };
    if (!statSync(taskFile).isFile()) return { ok: false, message: `--task-file ${taskFile.slice(0, 200)}: not a file` };
    options.taskFile = taskFile;
  }
  if (values.lens) options.lens = true;
  if (values.trace) options.trace = true;
  options.json = values.json;
  options.dumpData = values['dump-data'];
  return { ok: true, options };
}
