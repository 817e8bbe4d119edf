/**
 * Runs as CSV, both ways: one row per run × arm × evaluation, long format (run, name, link, backend, dataset
 * hash, arm, step, loss, exact-match accuracy per split, answer-only accuracy per split, OOD bridge accuracy), so a
 * spreadsheet or pandas can pivot it and the playground can import it back. Empty cells are NaN (or null loss).
 * Reading treats the file as untrusted: size and row limits, the header checked, the experiment read from the
 * link through the schema, one plain-text message on a problem; it never throws.
 */
import Papa from 'papaparse';
import { type Arm, ARMS, type MetricRow, SPLITS, type SplitName } from '../experiment/domain';
import { configToQuery, queryToConfig } from '../experiment/link';
import { correctionTexts, shown } from '../experiment/validate';
import { MAX_FILE_BYTES, MAX_REPORTS, MAX_ROWS, REPORT_VERSION, type ReadResult, type Report } from './reportFormat';

export const CSV_FIELDS = [
  'run',
  'name',
  'link',
  'backend',
  'dataset_hash',
  'arm',
  'step',
  'loss',
  ...SPLITS.map((s) => `acc_${s}`),
  ...SPLITS.map((s) => `answer_acc_${s}`),
  'ood_bridge_acc',
  'phase',
  'sample',
  'reward',
  'cot_rate',
  'bridge_right_rate',
  'kl',
] as const;
/** The RL stage's row metrics and their columns. */
const RL_COLUMNS = [
  ['reward', 'reward'],
  ['cotRate', 'cot_rate'],
  ['bridgeRightRate', 'bridge_right_rate'],
  ['kl', 'kl'],
] as const;

const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v);

/** The CSV text of runs (each with an id and a name). */
export function runsCsv(runs: readonly { id: string; name: string; report: Report }[]): string {
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
          ...SPLITS.map((s) => cell(r.acc[s])),
          ...SPLITS.map((s) => cell(r.answerAcc[s])),
          cell(r.oodBridgeAcc),
          r.phase ?? '',
          cell(r.sample),
          ...RL_COLUMNS.map(([k]) => cell(r[k])),
        ]);
      }
    }
  }
  return Papa.unparse({ fields: [...CSV_FIELDS], data }, { escapeFormulae: true });
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
  const missing = ['run', 'link', 'arm', 'step', ...SPLITS.map((s) => `acc_${s}`)].filter((f) => !fields.includes(f));
  if (missing.length)
    return {
      ok: false,
      message: `not a runs CSV: the column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''} ${missing.length > 1 ? 'are' : 'is'} missing.`,
    };
  const runs = new Map<string, { name: string; link: string; backend: string; hash: string; history: Record<Arm, MetricRow[]> }>();
  for (let i = 0; i < parsed.data.length; i++) {
    const row = parsed.data[i];
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
      run = {
        name: (row.name ?? '').slice(0, 200),
        link: row.link ?? '',
        backend: (row.backend ?? '').slice(0, 32),
        hash: (row.dataset_hash ?? '').slice(0, 128),
        history: { cot: [], direct: [] },
      };
      runs.set(id, run);
    }
    if (run.history[arm].length >= MAX_ROWS) return { ok: false, message: `run "${shown(id)}" has more than ${MAX_ROWS} rows for one arm.` };
    const scores = (prefix: string) => Object.fromEntries(SPLITS.map((s) => [s, numberOrNaN(row[`${prefix}${s}`])])) as Record<SplitName, number>;
    const loss = numberOrNaN(row.loss);
    const m: MetricRow = { step, loss: Number.isFinite(loss) ? loss : null, acc: scores('acc_'), answerAcc: scores('answer_acc_') };
    if ((row.ood_bridge_acc ?? '').trim() !== '') m.oodBridgeAcc = numberOrNaN(row.ood_bridge_acc);
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
    const { config, corrections } = queryToConfig(r.link);
    if (corrections.length) reports.warnings.push(`run "${shown(id)}": its link was corrected: ${correctionTexts(corrections).join(' ')}`);
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
