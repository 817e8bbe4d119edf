/**
 * Runs as CSV, both ways: one row per run × arm × evaluation, long format (run, name, link, backend, dataset
 * hash, arm, step, loss, exact-match accuracy per split, answer-only accuracy per split, the CoT arm's first-step
 * accuracy on the headline split), so a spreadsheet or pandas can pivot it and the playground can import it
 * back. The split columns are those of the runs' tasks (acc_<split id>); empty cells are NaN (or null loss).
 * Reading treats the file as untrusted: size and row limits, the header checked, the experiment read from the
 * link through the schema (its task names the splits read), one plain-text message on a problem; it never throws.
 * Files written before tasks were plug-ins read too (their ood_bridge_acc and bridge_right_rate columns are
 * today's step_acc and steps_right_rate).
 */
import Papa from 'papaparse';
import { type Arm, ARMS, type MetricRow } from '../experiment/domain';
import { configToQuery, queryToConfig } from '../experiment/link';
import type { Config } from '../experiment/schema';
import { correctionTexts, shown } from '../experiment/validate';
import { taskOf } from '../tasks/registry';
import { MAX_FILE_BYTES, MAX_REPORTS, MAX_ROWS, REPORT_VERSION, type ReadResult, type Report } from './reportFormat';

/** The columns of a CSV of runs whose tasks have the splits `splits` (ids, in order). */
export function csvFields(splits: readonly string[]): string[] {
  return [
    'run',
    'name',
    'link',
    'backend',
    'dataset_hash',
    'arm',
    'step',
    'loss',
    ...splits.map((s) => `acc_${s}`),
    ...splits.map((s) => `answer_acc_${s}`),
    'step_acc',
    'phase',
    'sample',
    'reward',
    'cot_rate',
    'steps_right_rate',
    'kl',
  ];
}
/** The RL stage's row metrics and their columns. */
const RL_COLUMNS = [
  ['reward', 'reward'],
  ['cotRate', 'cot_rate'],
  ['stepsRightRate', 'steps_right_rate'],
  ['kl', 'kl'],
] as const;
/** Columns of files written before tasks were plug-ins, and today's columns of the same metrics. */
const LEGACY_COLUMNS = { ood_bridge_acc: 'step_acc', bridge_right_rate: 'steps_right_rate' } as const;

const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v);

/** The split ids of a config's task, in order. */
const splitIds = (c: Config): string[] =>
  taskOf(c)
    .splits(c)
    .map((s) => s.id);

/** The CSV text of runs (each with an id and a name); the split columns are those of every run's task, in order of first use. */
export function runsCsv(runs: readonly { id: string; name: string; report: Report }[]): string {
  const splits = [...new Set(runs.flatMap((r) => splitIds(r.report.config)))];
  const data: (string | number)[][] = [];
  for (const { id, name, report } of runs) {
    for (const arm of ARMS) {
      for (const r of report.arms[arm]?.history ?? []) {
        data.push([
          id,
          name,
          report.link,
          report.backend,
          report.dataset.hash,
          arm,
          r.step,
          cell(r.loss),
          ...splits.map((s) => cell(r.acc[s])),
          ...splits.map((s) => cell(r.answerAcc[s])),
          cell(r.stepAcc),
          r.phase ?? '',
          cell(r.sample),
          ...RL_COLUMNS.map(([k]) => cell(r[k])),
        ]);
      }
    }
  }
  return Papa.unparse({ fields: csvFields(splits), data }, { escapeFormulae: true });
}

const numberOrNaN = (s: string | undefined): number => {
  const t = (s ?? '').trim();
  if (t === '') return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
};

/** Reads CSV text written by runsCsv (columns may be in any order; extra columns are ignored). */
export function readRunsCsv(text: unknown): ReadResult {
  if (typeof text !== 'string') return { ok: false, message: 'the file could not be read as text.' };
  if (text.length > MAX_FILE_BYTES)
    return { ok: false, message: `the file is ${(text.length / 1e6).toFixed(1)} MB; at most ${MAX_FILE_BYTES / 1024 / 1024} MB are read.` };
  let parsed: Papa.ParseResult<Record<string, string>>;
  try {
    parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  } catch {
    return { ok: false, message: 'the file is not CSV.' };
  }
  const fields = parsed.meta.fields ?? [];
  const missing = ['run', 'link', 'arm', 'step'].filter((f) => !fields.includes(f));
  if (!fields.some((f) => f.startsWith('acc_'))) missing.push('acc_<split>');
  if (missing.length)
    return {
      ok: false,
      message: `not a runs CSV: the column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''} ${missing.length > 1 ? 'are' : 'is'} missing.`,
    };
  const runs = new Map<
    string,
    { name: string; link: string; backend: string; hash: string; config: Config; corrections: string[]; splits: string[]; history: Record<Arm, MetricRow[]> }
  >();
  for (let i = 0; i < parsed.data.length; i++) {
    const row = { ...parsed.data[i] };
    for (const [old, now] of Object.entries(LEGACY_COLUMNS)) if (row[now] === undefined && row[old] !== undefined) row[now] = row[old];
    const line = i + 2;
    const id = (row.run ?? '').slice(0, 64);
    const arm = row.arm as Arm;
    if (!ARMS.includes(arm)) return { ok: false, message: `line ${line}: arm "${shown(row.arm)}" is not cot or direct.` };
    const step = Number((row.step ?? '').trim());
    if (!Number.isInteger(step) || step < 0 || step > 10_000_000)
      return { ok: false, message: `line ${line}: step "${shown(row.step)}" is not a whole number ≥ 0.` };
    let run = runs.get(id);
    if (!run) {
      if (runs.size >= MAX_REPORTS) return { ok: false, message: `the file holds more than ${MAX_REPORTS} runs.` };
      const link = row.link ?? '';
      // the experiment, read from the link through the schema: its task names the splits of the run's rows
      const { config, corrections } = queryToConfig(link);
      run = {
        name: (row.name ?? '').slice(0, 200),
        link,
        backend: (row.backend ?? '').slice(0, 32),
        hash: (row.dataset_hash ?? '').slice(0, 128),
        config,
        corrections: correctionTexts(corrections),
        splits: splitIds(config),
        history: { cot: [], direct: [] },
      };
      runs.set(id, run);
    }
    if (run.history[arm].length >= MAX_ROWS) return { ok: false, message: `run "${shown(id)}" has more than ${MAX_ROWS} rows for one arm.` };
    const splits = run.splits;
    const scores = (prefix: string) => Object.fromEntries(splits.map((s) => [s, numberOrNaN(row[`${prefix}${s}`])]));
    const loss = numberOrNaN(row.loss);
    const m: MetricRow = { step, loss: Number.isFinite(loss) ? loss : null, acc: scores('acc_'), answerAcc: scores('answer_acc_') };
    if ((row.step_acc ?? '').trim() !== '') m.stepAcc = numberOrNaN(row.step_acc);
    const phase = (row.phase ?? '').trim();
    if (phase === 'sft' || phase === 'rl') m.phase = phase;
    else if (phase !== '') return { ok: false, message: `line ${line}: phase "${shown(row.phase)}" is not sft or rl.` };
    const sample = Number((row.sample ?? '').trim());
    if ((row.sample ?? '').trim() !== '' && Number.isInteger(sample) && sample > 0) m.sample = sample;
    for (const [k, col] of RL_COLUMNS) if ((row[col] ?? '').trim() !== '') m[k] = numberOrNaN(row[col]);
    run.history[arm].push(m);
  }
  if (runs.size === 0) return { ok: false, message: 'the CSV file has no rows: no run to import.' };
  const reports: ReadResult & { ok: true } = { ok: true, reports: [], warnings: [] };
  for (const [id, r] of runs) {
    const config = r.config;
    if (r.corrections.length) reports.warnings.push(`run "${shown(id)}": its link was corrected: ${r.corrections.join(' ')}`);
    const arms: Report['arms'] = {};
    for (const arm of ARMS) {
      const h = r.history[arm].sort((a, b) => a.step - b.step);
      if (h.length) arms[arm] = { stepsPerSec: 0, history: h, final: h.at(-1) ?? null };
    }
    const report: Report = {
      version: REPORT_VERSION,
      link: configToQuery(config),
      config,
      backend: r.backend || 'unknown',
      dataset: { hash: r.hash, counts: null },
      arms,
      wallSeconds: 0,
    };
    reports.reports.push(r.name ? { report, name: r.name } : { report });
  }
  return reports;
}
