/**
 * The run report: the one file format of a run, written by `npm run experiment -- … --json FILE` (cli/report.ts
 * builds it), by the sweep CLI, and by the playground's run export; read back by the playground's run import
 * and by `npm run summarize`. tfjs-free (zod and src/experiment only), so the CLI and the page share it.
 *
 * Reading is for untrusted input: `readReports` never throws, checks sizes before parsing, checks the shape
 * with zod, reads the experiment through the schema (corrections become warnings), turns every null score
 * back into NaN, and answers with one plain-text message per problem.
 *
 * Scores are keyed by the task's split ids (a report's config names its task; one without `task` is a
 * knowledge-graph report, the only task there was). Reports written before tasks were plug-ins still read: their
 * metric names are mapped to today's (LEGACY_ROW_FIELDS) and their lens and tracing records upgraded
 * (src/experiment/mechanism.ts).
 */
import { z } from 'zod';
import { type Arm, ARMS, type MetricRow } from '../experiment/domain';
import { configToQuery } from '../experiment/link';
import {
  type LegacyLensSummary,
  type LegacyTraceSummary,
  type LensSummary,
  type TraceSummary,
  upgradeLensSummary,
  upgradeTraceSummary,
} from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import { checkValues, shown } from '../experiment/validate';

/** Version of the report format; bump when a field changes meaning. */
export const REPORT_VERSION = 1;

export interface ArmReport {
  /** Training-only steps per second of the arm (0 when not measured). */
  stepsPerSec: number;
  history: MetricRow[];
  /** The last history row (null before any). */
  final: MetricRow | null;
  /** `--lens` / `--trace` (cli/README.md): the aggregated logit lens and causal tracing at each evaluation. */
  lens?: LensSummary[];
  trace?: TraceSummary[];
  mechanismMs?: { lens: number; trace: number };
}
export interface Report {
  version: number;
  /** The canonical query of the experiment (`v=1&…`, non-default values only). */
  link: string;
  config: Config;
  backend: string;
  /** The GPU adapter trained on (webgpu), as its driver names it: "SwiftShader driver 5.0.0 (google swiftshader)". */
  adapter?: string;
  /** Threads each arm's matrix products were split over on wasm (the CLI's `--threads`), when the writer said. */
  gemmThreads?: number;
  /** `counts`: the size of each split's set, by split id; null when the writer did not know them. */
  dataset: { hash: string; counts: Record<string, number> | null };
  arms: Partial<Record<Arm, ArmReport>>;
  /** Seconds from the start of training to this report, evaluations included (0 before training). */
  wallSeconds: number;
}

// ---- limits on what is read (a hostile or broken file cannot stall the page)
/** Largest file read, in bytes (a 100,000-step report with evaluation every step is ~60 MB: not supported). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** Most reports in one file (an export of all runs). */
export const MAX_REPORTS = 500;
/** Most history rows per arm (the page keeps at most 20,000). */
export const MAX_ROWS = 20_000;
const MAX_STEP = 10_000_000;
const MAX_TEXT = 4096;
/** Most splits in a row's scores (a task has a handful). */
export const MAX_SPLITS = 32;

const count = z.number().int().min(0).max(1e9);
/** A score as JSON has it: a number, or null for NaN (an empty split, a diverged arm). */
const score = z.number().nullable();
/** A split id as tasks name them ('oodTwoHop', 'test'): a short identifier, never a prototype key. */
const splitId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'not a split id');
const bySplit = <T extends z.ZodType>(value: T) => z.record(splitId, value).refine((o) => Object.keys(o).length <= MAX_SPLITS, `at most ${MAX_SPLITS} splits`);
const scores = bySplit(score);
const metricRow = z.object({
  step: z.number().int().min(0).max(MAX_STEP),
  loss: z.number().nullable(),
  acc: scores,
  answerAcc: scores,
  stepAcc: z.number().nullable().optional(),
  // the RL stage (src/experiment/phases.ts): the row's phase and, in RL rows, the sample metrics
  phase: z.enum(['sft', 'rl']).optional(),
  /** Queries per split of an early evaluation on a smaller sample. */
  sample: z.number().int().min(1).max(1e6).optional(),
  reward: z.number().nullable().optional(),
  cotRate: z.number().nullable().optional(),
  stepsRightRate: z.number().nullable().optional(),
  kl: z.number().nullable().optional(),
  // the same metrics under the names reports had before tasks were plug-ins
  oodBridgeAcc: z.number().nullable().optional(),
  bridgeRightRate: z.number().nullable().optional(),
});
/** Type check: every field of a metric row is read (a field added to MetricRow without a schema entry fails tsc here). */
export const EVERY_ROW_FIELD_READ: [Exclude<keyof MetricRow, keyof z.infer<typeof metricRow>>] extends [never] ? true : never = true;

/** Metric names of reports written before tasks were plug-ins, and today's names of the same metrics. */
export const LEGACY_ROW_FIELDS = { oodBridgeAcc: 'stepAcc', bridgeRightRate: 'stepsRightRate' } as const;
/**
 * A row with its legacy metric names renamed (a row that has both keeps today's); other fields as they are.
 * For rows read from reports and from runs saved in the browser by an earlier version.
 */
export function renameLegacyRowFields<T extends object>(row: T): T {
  if (!Object.keys(LEGACY_ROW_FIELDS).some((k) => Object.hasOwn(row, k))) return row;
  const out = { ...row } as Record<string, unknown>;
  for (const [old, now] of Object.entries(LEGACY_ROW_FIELDS)) {
    if (!Object.hasOwn(out, old)) continue;
    if (out[now] === undefined) out[now] = out[old];
    delete out[old];
  }
  return out as T;
}

// --lens / --trace records: per tracked result, matrices of rows (embedding + each layer) × positions; sizes bounded
const MAX_MECHANISM = 4 * MAX_ROWS;
const MAX_POSITIONS = 256;
const MAX_TRACKED = 64;
const label = z.string().max(16);
const words = z.string().max(80);
const matrix = <T extends z.ZodType>(cell: T) => z.array(z.array(cell).max(MAX_POSITIONS)).max(64);
const position = z.number().int().min(0).max(MAX_POSITIONS);
const lensSummary = z.object({
  step: z.number().int().min(0).max(MAX_STEP),
  split: splitId,
  splitLabel: words,
  headline: z.boolean(),
  positions: z.array(label).max(MAX_POSITIONS),
  tracked: z.array(z.object({ name: words, label: words, position })).max(MAX_TRACKED),
  top1: z.array(matrix(score)).max(MAX_TRACKED),
  queries: count,
  chance: z.number().min(0).max(1).optional(),
});
/** The lens as reports wrote it before tasks were plug-ins (the knowledge graph's bridges and answer in fields of their own). */
const legacyLensSummary = z.object({
  step: z.number().int().min(0).max(MAX_STEP),
  split: splitId,
  positions: z.array(label).max(MAX_POSITIONS),
  bridgeTop1: matrix(score),
  bridge2Top1: matrix(score).optional(),
  answerTop1: matrix(score),
  queries: count,
});
const traceSummary = z.object({
  step: z.number().int().min(0).max(MAX_STEP),
  split: splitId,
  splitLabel: words,
  target: words,
  label: words,
  position,
  positions: z.array(label).max(MAX_POSITIONS),
  restored: matrix(score),
  pClean: score,
  pCorrupt: score,
  queries: count,
});
const legacyTraceSummary = z.object({
  step: z.number().int().min(0).max(MAX_STEP),
  split: splitId,
  target: z.enum(['bridge', 'answer']),
  positions: z.array(label).max(MAX_POSITIONS),
  restored: matrix(score),
  pClean: score,
  pCorrupt: score,
  queries: count,
});
const armReport = z.object({
  stepsPerSec: z.number().min(0).nullable(),
  history: z.array(metricRow).max(MAX_ROWS),
  final: metricRow.nullable(),
  lens: z
    .array(z.union([lensSummary, legacyLensSummary]))
    .max(MAX_MECHANISM)
    .optional(),
  trace: z
    .array(z.union([traceSummary, legacyTraceSummary]))
    .max(MAX_MECHANISM)
    .optional(),
  mechanismMs: z.object({ lens: z.number().min(0), trace: z.number().min(0) }).optional(),
});
/** The report's shape as JSON (scores may be null); unknown fields are dropped. */
export const reportSchema = z.object({
  version: z.number(),
  link: z.string().max(MAX_TEXT),
  config: z.record(z.string().max(64), z.unknown()),
  backend: z.string().max(32),
  adapter: z.string().max(160).optional(),
  gemmThreads: z.number().int().min(1).max(64).optional(),
  dataset: z.object({
    hash: z.string().max(128),
    counts: bySplit(count).nullable().optional(),
  }),
  arms: z.object({ cot: armReport.optional(), direct: armReport.optional() }),
  wallSeconds: z.number().min(0).max(1e9).nullable().optional(),
  /** Playground exports carry the run's name (the CLI writes none). */
  name: z.string().max(200).optional(),
});
export type ReportJson = z.infer<typeof reportSchema>;

export interface ReadReport {
  report: Report;
  /** The name a playground export gave the run, if any. */
  name?: string;
}
export type ReadResult = { ok: true; reports: ReadReport[]; warnings: string[] } | { ok: false; message: string };

const nanOf = (x: number | null | undefined): number => (typeof x === 'number' ? x : NaN);
function rowOf(raw: z.infer<typeof metricRow>): MetricRow {
  const r = renameLegacyRowFields(raw);
  const back = (s: z.infer<typeof scores>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, nanOf(v)]));
  const row: MetricRow = { step: r.step, loss: r.loss, acc: back(r.acc), answerAcc: back(r.answerAcc) };
  if (r.stepAcc !== undefined) row.stepAcc = nanOf(r.stepAcc);
  if (r.phase !== undefined) row.phase = r.phase;
  if (r.sample !== undefined) row.sample = r.sample;
  for (const k of ['reward', 'cotRate', 'stepsRightRate', 'kl'] as const) if (r[k] !== undefined) row[k] = nanOf(r[k]);
  return row;
}

/** Lens and trace records in today's format (those of an earlier report upgraded: src/experiment/mechanism.ts). */
export const lensOf = (xs: readonly unknown[]): LensSummary[] => xs.map((l) => upgradeLensSummary(l as LensSummary | LegacyLensSummary));
export const traceOf = (xs: readonly unknown[]): TraceSummary[] => xs.map((t) => upgradeTraceSummary(t as TraceSummary | LegacyTraceSummary));

/** zod's first issues as one line, e.g. 'arms.cot.history.3.step: expected number'. */
function issuesLine(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => {
      const what = i.message.replace(/^Invalid input: expected (\w+), received undefined$/, 'missing ($1 expected)').replace(/^Invalid input: /, '');
      return `${i.path.map((p) => shown(String(p))).join('.') || '(top)'}: ${what}`;
    })
    .join('; ');
}

/** One report from parsed JSON. `where` names it in messages ('' for a single report, 'report 3: ' in a list). */
function readOne(raw: unknown, where: string): { ok: true; read: ReadReport; warnings: string[] } | { ok: false; message: string } {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    if (typeof o.version === 'number' && o.version !== REPORT_VERSION) {
      const newer = o.version > REPORT_VERSION;
      return {
        ok: false,
        message: `${where}this is a report of format ${shown(o.version)}; this playground reads format ${REPORT_VERSION}${newer ? ' (the file was written by a newer version)' : ''}.`,
      };
    }
    if ('key' in o && 'values' in o && Array.isArray(o.runs)) {
      return { ok: false, message: `${where}this is a sweep summary (sweep.json); import the run reports in its folder instead.` };
    }
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `${where}not a run report (${issuesLine(parsed.error)}).` };
  const r = parsed.data;
  const warnings: string[] = [];
  // the experiment is read through the schema: a report of another version of the playground may need corrections
  // (a config holds every task's parameters: those of other tasks are kept as they are, unused)
  const checked = checkValues(r.config as Record<string, unknown>, 'keep');
  if (checked.corrections.length) warnings.push(`${where}its experiment was corrected: ${checked.corrections.map((c) => c.text).join(' ')}`);
  const arms: Partial<Record<Arm, ArmReport>> = {};
  for (const arm of ARMS) {
    const a = r.arms[arm];
    if (!a) continue;
    const history = a.history.map(rowOf);
    const out: ArmReport = { stepsPerSec: a.stepsPerSec ?? 0, history, final: a.final ? rowOf(a.final) : (history.at(-1) ?? null) };
    // mechanism scores stay as written (null where not measured: that is their meaning there, not NaN); records of
    // an earlier report are upgraded to today's format (the converter of src/experiment/mechanism.ts)
    if (a.lens) out.lens = lensOf(a.lens);
    if (a.trace) out.trace = traceOf(a.trace);
    if (a.mechanismMs) out.mechanismMs = a.mechanismMs;
    arms[arm] = out;
  }
  if (Object.keys(arms).length === 0) return { ok: false, message: `${where}the report has no arm (neither cot nor direct).` };
  const report: Report = {
    version: REPORT_VERSION,
    link: configToQuery(checked.config),
    config: checked.config,
    backend: r.backend,
    ...(r.adapter !== undefined ? { adapter: r.adapter } : {}),
    ...(r.gemmThreads !== undefined ? { gemmThreads: r.gemmThreads } : {}),
    dataset: { hash: r.dataset.hash, counts: r.dataset.counts ?? null },
    arms,
    wallSeconds: r.wallSeconds ?? 0,
  };
  return { ok: true, read: r.name === undefined ? { report } : { report, name: r.name }, warnings };
}

/** Reads parsed JSON holding one report or a list of them (an export of all runs). */
export function readReportValue(value: unknown): ReadResult {
  const list = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return { ok: false, message: 'the file holds an empty list: no run to import.' };
  if (list.length > MAX_REPORTS) return { ok: false, message: `the file holds ${list.length} reports; at most ${MAX_REPORTS} are read at once.` };
  const reports: ReadReport[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const one = readOne(list[i], Array.isArray(value) ? `report ${i + 1}: ` : '');
    if (!one.ok) return one;
    reports.push(one.read);
    warnings.push(...one.warnings);
  }
  return { ok: true, reports, warnings };
}

/** Reads the text of a report file (JSON: one report or a list). Never throws. */
export function readReports(text: unknown): ReadResult {
  if (typeof text !== 'string') return { ok: false, message: 'the file could not be read as text.' };
  if (text.length > MAX_FILE_BYTES)
    return { ok: false, message: `the file is ${(text.length / 1e6).toFixed(1)} MB; at most ${MAX_FILE_BYTES / 1024 / 1024} MB are read.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0].slice(0, 120) : 'not JSON';
    return { ok: false, message: `the file is not JSON (${why}).` };
  }
  try {
    return readReportValue(value);
  } catch (e) {
    // zod does not throw on safeParse; this is a last line of defence (e.g. a getter in a crafted object)
    return { ok: false, message: `the file could not be read (${e instanceof Error ? e.message.slice(0, 120) : 'unknown error'}).` };
  }
}

/** JSON with every non-finite number (NaN, ±Infinity) written as null: how reports are written. */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
