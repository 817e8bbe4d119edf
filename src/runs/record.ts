/**
 * A saved run, as the playground keeps it (in IndexedDB, src/runs/db.ts): the run report of the CLI's --json
 * format (src/runs/reportFormat.ts) plus what the runs panel needs — an id, a name, a pin, timestamps, where it
 * came from and how far it got. Versioned: `format` says how to read a record; a record of an unknown format is
 * left in the database untouched and reported, never guessed at. Pure and tfjs-free.
 */
import { z } from 'zod';
import { ARMS, type Arm, type MetricRow } from '../experiment/domain';
import { configToQuery } from '../experiment/link';
import { totalSteps } from '../experiment/phases';
import type { Config } from '../experiment/schema';
import { checkConfig } from '../experiment/validate';
import type { MechanismRecord } from '../experiment/mechanism';
import { lensOf, renameLegacyRowFields, REPORT_VERSION, traceOf, type ArmReport, type Report } from './reportFormat';

/** Version of the saved-run record; bump (and add a migration below) when a field changes meaning. */
export const RECORD_FORMAT = 1;

/** `interrupted`: saved while training and never told it stopped (the tab was reloaded or closed); only ever read back, never written. */
export type RunStatus = 'training' | 'paused' | 'done' | 'error' | 'imported' | 'interrupted';

/**
 * What the logit lens showed at the run's last look: the rank (0 = top) of each tracked token per layer, at the
 * last prompt position. `role` 'step': one of the query's intermediate results (records saved before tasks were
 * plug-ins say 'bridge'; they are read as 'step').
 */
export interface LensSummary {
  step: number;
  /** The inspected query, e.g. "e3 r1 r4". */
  query: string;
  tracked: { label: string; role: 'step' | 'answer'; ranks: number[] }[];
}

/** A run made by a sweep: which sweep, and its place in it. */
export interface SweepTag {
  id: string;
  key: string;
  value: string | number;
  seed: number;
}

export interface RunRecord {
  format: typeof RECORD_FORMAT;
  id: string;
  name: string;
  pinned: boolean;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
  source: 'browser' | 'import';
  status: RunStatus;
  report: Report;
  lens?: Partial<Record<Arm, LensSummary>>;
  sweep?: SweepTag;
  /** The step of each arm's last checkpoint saved in the database (src/runs/checkpoints.ts): where Resume goes on from. */
  checkpoint?: Partial<Record<Arm, number>>;
}

/** A new id: time-ordered, unique enough for one browser. */
export function newRunId(now = Date.now(), random = Math.random): string {
  return `r${now.toString(36).padStart(9, '0')}-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}

// ---- reading a stored record (it may come from an older or newer version of the playground, or be damaged)
/** IndexedDB keeps NaN (an empty split's score) as NaN; zod's number() refuses it. */
const num = z.union([z.number(), z.nan()]);
const row = z.object({ step: z.number(), loss: num.nullable(), acc: z.record(z.string(), num), answerAcc: z.record(z.string(), num) }).loose();
// loose: the lens and tracing records and their cost (ArmReport) are kept
const arm = z.object({ stepsPerSec: num, history: z.array(row), final: row.nullable() }).loose();
const stored = z.object({
  format: z.literal(RECORD_FORMAT),
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  pinned: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  source: z.enum(['browser', 'import']),
  status: z.enum(['training', 'paused', 'done', 'error', 'imported', 'interrupted']),
  report: z.object({
    version: z.number(),
    link: z.string(),
    config: z.record(z.string(), z.unknown()),
    backend: z.string(),
    dataset: z.object({ hash: z.string(), counts: z.record(z.string(), z.number()).nullable() }),
    arms: z.object({ cot: arm.optional(), direct: arm.optional() }),
    wallSeconds: num,
    gemmThreads: z.number().optional(),
  }),
  lens: z.record(z.string(), z.unknown()).optional(),
  sweep: z.object({ id: z.string().max(64), key: z.string().max(64), value: z.union([z.string().max(64), z.number()]), seed: z.number() }).optional(),
  checkpoint: z.object({ cot: z.number().int().min(0).optional(), direct: z.number().int().min(0).optional() }).optional(),
});

export type StoredReading = { ok: true; record: RunRecord } | { ok: false; id: string | null; message: string };

/**
 * Reads a record from the database: format 1 as is (its config re-checked), anything else refused with a
 * message. Migrations of older formats go here, oldest first, each turning format n into n + 1.
 */
export function readStored(raw: unknown): StoredReading {
  const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
  const format = raw && typeof raw === 'object' ? (raw as { format?: unknown }).format : undefined;
  if (typeof format === 'number' && format > RECORD_FORMAT) {
    return {
      ok: false,
      id,
      message: `a saved run was written by a newer version of the playground (format ${format}; this one reads ${RECORD_FORMAT}); it is kept but not shown.`,
    };
  }
  const parsed = stored.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      id,
      message: `a saved run could not be read (${format === undefined ? 'no format' : `format ${String(format)}`}, damaged); it is kept but not shown.`,
    };
  const r = parsed.data as unknown as RunRecord;
  const { config } = checkConfig(r.report.config);
  // a run whose status was "training" when the page went away was interrupted
  const status: RunStatus = r.status === 'training' ? 'interrupted' : r.status;
  const arms: Report['arms'] = {};
  for (const a of ARMS) if (r.report.arms[a]) arms[a] = upgradeArm(r.report.arms[a]);
  const lens = r.lens ? upgradeLastLook(r.lens) : undefined;
  return { ok: true, record: { ...r, status, report: { ...r.report, config, link: configToQuery(config), arms }, ...(lens ? { lens } : {}) } };
}

/**
 * An arm saved by an earlier version in today's shape: the metric names of before tasks were plug-ins renamed,
 * the lens and tracing records upgraded (src/experiment/mechanism.ts). An arm already in today's shape comes back equal.
 */
function upgradeArm(a: ArmReport): ArmReport {
  const out: ArmReport = { ...a, history: a.history.map(renameLegacyRowFields), final: a.final ? renameLegacyRowFields(a.final) : null };
  if (Array.isArray(a.lens)) out.lens = lensOf(a.lens);
  if (Array.isArray(a.trace)) out.trace = traceOf(a.trace);
  return out;
}

/** The last look's lens with the role of an intermediate result as today's name ('bridge' before tasks were plug-ins). */
function upgradeLastLook(lens: Partial<Record<Arm, LensSummary>>): Partial<Record<Arm, LensSummary>> {
  const out: Partial<Record<Arm, LensSummary>> = {};
  for (const a of ARMS) {
    const l = lens[a];
    if (!l || !Array.isArray(l.tracked)) continue;
    out[a] = { ...l, tracked: l.tracked.map((t) => ((t.role as string) === 'bridge' ? { ...t, role: 'step' } : t)) };
  }
  return out;
}

/** A record of an imported report. */
export function importedRecord(report: Report, opts: { id: string; name: string; now: number }): RunRecord {
  return {
    format: RECORD_FORMAT,
    id: opts.id,
    name: opts.name,
    pinned: false,
    createdAt: opts.now,
    updatedAt: opts.now,
    source: 'import',
    status: 'imported',
    report,
  };
}

/** The report of a live run in the browser (the same shape the CLI writes). */
export function browserReport(opts: {
  config: Config;
  backend: string;
  hash: string;
  arms: Arm[];
  history: Record<Arm, MetricRow[]>;
  stepsPerSec: Partial<Record<Arm, number>>;
  wallSeconds: number;
  counts?: Report['dataset']['counts'];
  /** The aggregated logit lens and causal tracing the workers measured at evaluations (as `--lens --trace` write them). */
  mechanism?: Partial<Record<Arm, readonly MechanismRecord[]>>;
}): Report {
  const arms: Partial<Record<Arm, ArmReport>> = {};
  for (const a of ARMS) {
    if (!opts.arms.includes(a)) continue;
    const history = opts.history[a];
    const arm: ArmReport = { stepsPerSec: opts.stepsPerSec[a] ?? 0, history, final: history.at(-1) ?? null };
    const recs = opts.mechanism?.[a];
    if (recs?.length) {
      arm.lens = recs.flatMap((r) => r.lens);
      arm.trace = recs.flatMap((r) => r.trace);
      arm.mechanismMs = { lens: Math.round(recs.reduce((n, r) => n + r.ms.lens, 0)), trace: Math.round(recs.reduce((n, r) => n + r.ms.trace, 0)) };
    }
    arms[a] = arm;
  }
  return {
    version: REPORT_VERSION,
    link: configToQuery(opts.config),
    config: opts.config,
    backend: opts.backend,
    dataset: { hash: opts.hash, counts: opts.counts ?? null },
    arms,
    wallSeconds: Math.round(opts.wallSeconds * 10) / 10,
  };
}

/**
 * Whether Resume can go on with a saved run: one trained here, not done (a run whose arm's worker crashed is
 * failed, not done) and not training, with an arm short of the last step, and a checkpoint of every arm (the
 * checkpoints themselves are checked when they are read back).
 */
export function resumable(r: RunRecord): boolean {
  if (r.source !== 'browser' || r.status === 'done' || r.status === 'training' || !r.checkpoint) return false;
  const arms = ARMS.filter((a) => r.report.arms[a]);
  const end = totalSteps(r.report.config);
  return arms.length > 0 && arms.every((a) => r.checkpoint?.[a] !== undefined) && arms.some((a) => (r.report.arms[a]?.final?.step ?? 0) < end);
}

/** The last step any arm of a report reached. */
export function lastStep(report: Report): number {
  return Math.max(0, ...ARMS.map((a) => report.arms[a]?.final?.step ?? 0));
}
