/**
 * Summarises experiment reports (`npm run experiment -- … --json FILE`) as a Markdown table: for each run,
 * when the CoT arm first reached 0.9 on the task's headline split, its peak and final accuracy there, the direct
 * arm's highest, from when the direct arm knows its prerequisites and the informed gap (src/data/gap.ts),
 * wall time and backend. Splits are named with the task's labels; reports of different tasks get a table each.
 * This is how the README's preset table is made:
 *
 *   npm run summarize -- runs/seed0.json runs/seed1.json …
 *   npm run summarize -- --rl runs/rl/*.json        # the training-recipe table (CoT share, RL stage)
 *   npm run summarize -- --spread runs/seeds/*.json # the spread over seeds: min / median / max, shares, gap steps
 */
import { readFileSync } from 'node:fs';
import type { Report } from './report';
import { readReports } from '../src/runs/reportFormat';
import { GAP, gapPoint, gapStep, knowsPrerequisites } from '../src/data/gap';
import type { MetricRow } from '../src/experiment/domain';
import type { Config } from '../src/experiment/schema';
import { firstTestSplit, headlineSplit, loadTaskSource, prerequisiteSplits, taskOf } from '../src/tasks/registry';

const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

/** The splits a summary reads: the headline, the first other test split (null when the task has none), the prerequisites. */
function summarySplits(c: Config) {
  return {
    headline: headlineSplit(c),
    test: firstTestSplit(c),
    prerequisites: prerequisiteSplits(c),
  };
}

export function summaryRow(file: string, r: Report): string {
  const { headline, test, prerequisites } = summarySplits(r.config);
  const cot = r.arms.cot?.history ?? [];
  const direct = r.arms.direct?.history ?? [];
  const head = (row: MetricRow) => row.acc[headline.id] ?? NaN;
  const first = cot.find((row) => head(row) >= GAP.cot);
  const peak = cot.reduce<{ v: number; step: number } | null>((best, row) => (best && best.v >= head(row) ? best : { v: head(row), step: row.step }), null);
  const after = first ? cot.filter((row) => row.step >= first.step).map(head) : [];
  const directMax = direct.length ? Math.max(...direct.map(head)) : NaN;
  const last = cot.at(-1);
  const lastDirect = direct.at(-1);
  const knows = direct.find((row) => knowsPrerequisites(prerequisites.map((s) => row.acc[s.id])));
  const points = (['cot', 'direct'] as const).flatMap((arm) => (r.arms[arm]?.history ?? []).map((row) => gapPoint(r.config, arm, row)));
  const informed = gapStep(points, true);
  return [
    file,
    r.config.seed,
    first ? first.step : 'never',
    peak ? `${fmt(peak.v)} (${peak.step})` : '—',
    after.length ? fmt(Math.min(...after)) : '—',
    last ? `${fmt(head(last))} (${last.step})` : '—',
    fmt(directMax),
    lastDirect && test ? fmt(lastDirect.acc[test.id]) : '—',
    direct.length && prerequisites.length ? (knows ? knows.step : 'never') : '—',
    cot.length && direct.length ? (informed ?? 'never') : '—',
    r.wallSeconds ? `${Math.round(r.wallSeconds)}` : '—',
    `${(r.arms.cot?.stepsPerSec ?? 0).toFixed(1)} / ${(r.arms.direct?.stepsPerSec ?? 0).toFixed(1)}`,
    r.backend,
  ].join(' | ');
}

const labels = (xs: readonly { label: string }[]) => xs.map((s) => s.label).join(', ');

/** The table's head for reports of `config`'s task (the splits by the task's labels). */
export function summaryHeader(config: Config): string {
  const { headline, test, prerequisites } = summarySplits(config);
  const H = headline.label;
  return [
    `| run | seed | CoT first step ${H} ≥ ${GAP.cot} | CoT peak ${H} (step) | CoT lowest ${H} after reaching ${GAP.cot} | CoT ${H} at end (step) | direct highest ${H} | direct ${test?.label ?? 'other test'} at end | direct knows its prerequisites (${prerequisites.length ? `${labels(prerequisites)} ≥ ${GAP.knows}` : 'none'}) from step | informed gap at step | wall s (both arms) | steps/s cot / direct | backend |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ].join('\n');
}

/** The task's word for stepsRightRate: its one intermediate result's label, else 'steps'. */
function stepsWord(c: Config): string {
  const steps = taskOf(c).intermediates(c);
  return steps.length === 1 ? steps[0].label : 'steps';
}

/**
 * `--rl`: one row per arm of each report, for the training recipes (issue 12: CoT share, RL stage): the arm's CoT
 * share (0 for the direct arm, which trains as share 0), its SFT and RL steps, greedy headline accuracy at the end
 * of SFT and at the end (exact match / answer only: below share 1 an answer without its steps is a right answer,
 * not an exact match), the lowest prerequisite and the other test split at the end, and the RL rows' sample
 * metrics (first → last RL row: mean reward and CoT rate; the last row's share with every step right).
 */
export function rlSummaryRows(file: string, r: Report): string[] {
  const { headline, test, prerequisites } = summarySplits(r.config);
  const H = headline.id;
  const out: string[] = [];
  for (const arm of ['cot', 'direct'] as const) {
    const h = r.arms[arm]?.history ?? [];
    if (h.length === 0) continue;
    const c = r.config;
    const rlSteps = c.rlSteps ?? 0;
    const sftEnd = h.find((row) => row.step === c.steps);
    const last = h.at(-1)!;
    const rl = h.filter((row) => row.phase === 'rl' && row.reward !== undefined);
    const span = (k: 'reward' | 'cotRate') => (rl.length ? `${fmt(rl[0][k])} → ${fmt(rl.at(-1)![k])}` : '—');
    const known = prerequisites.map((s) => last.acc[s.id] ?? NaN);
    out.push(
      [
        file,
        arm,
        c.seed,
        arm === 'cot' ? (c.cotShare ?? 1) : 0,
        c.steps,
        rlSteps,
        sftEnd ? `${fmt(sftEnd.acc[H])} / ${fmt(sftEnd.answerAcc[H])}` : '—',
        `${fmt(last.acc[H])} / ${fmt(last.answerAcc[H])} (${last.step})`,
        known.length ? fmt(Math.min(...known)) : '—',
        test ? fmt(last.acc[test.id]) : '—',
        span('reward'),
        span('cotRate'),
        rl.length ? fmt(rl.at(-1)!.stepsRightRate) : '—',
      ].join(' | '),
    );
  }
  return out;
}

/** The --rl table's head for reports of `config`'s task. */
export function rlSummaryHeader(config: Config): string {
  const { headline, test, prerequisites } = summarySplits(config);
  const H = headline.label;
  return [
    `| run | arm | seed | CoT share | SFT steps | RL steps | ${H} exact / answer at end of SFT | ${H} exact / answer at end (step) | lowest prerequisite at end (${prerequisites.length ? labels(prerequisites) : 'none'}) | ${test?.label ?? 'other test'} at end | RL reward (first → last) | RL CoT rate (first → last) | RL right ${stepsWord(config)} (last) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ].join('\n');
}

const median = (xs: readonly number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length === 0 ? NaN : a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
const spreadOf = (xs: readonly number[], f: (x: number) => string = fmt) =>
  xs.length ? `${f(Math.min(...xs))} / ${f(median(xs))} / ${f(Math.max(...xs))}` : '—';

/**
 * The spread of one task's runs (e.g. one preset over many seeds), as a Markdown table of one row per measure:
 * the CoT arm's headline accuracy where it first reaches 0.9 and at the end (min / median / max), the share of
 * runs ending ≥ 0.9 and ≥ 0.95, the gap and informed gap steps (src/data/gap.ts; "never" counted), and the
 * direct arm's headline at the end.
 */
export function spreadTable(reports: readonly Report[]): string {
  const c = reports[0].config;
  const headline = headlineSplit(c);
  const head = (row: MetricRow) => row.acc[headline.id] ?? NaN;
  const cotEnd: number[] = [];
  const cotFirst: number[] = [];
  const directEnd: number[] = [];
  const gaps: number[] = [];
  const informed: number[] = [];
  let neverGap = 0;
  let neverInformed = 0;
  for (const r of reports) {
    const cot = r.arms.cot?.history ?? [];
    const direct = r.arms.direct?.history ?? [];
    const last = cot.at(-1);
    if (last) cotEnd.push(head(last));
    const first = cot.find((row) => head(row) >= GAP.cot);
    if (first) cotFirst.push(head(first));
    const lastDirect = direct.at(-1);
    if (lastDirect) directEnd.push(head(lastDirect));
    const points = (['cot', 'direct'] as const).flatMap((arm) => (r.arms[arm]?.history ?? []).map((row) => gapPoint(r.config, arm, row)));
    const g = gapStep(points);
    const i = gapStep(points, true);
    if (g === null) neverGap++;
    else gaps.push(g);
    if (i === null) neverInformed++;
    else informed.push(i);
  }
  const n = reports.length;
  const share = (xs: number[], t: number) => `${xs.filter((x) => x >= t).length} of ${n}`;
  const step = (x: number) => String(Math.round(x));
  const never = (k: number) => (k ? `; never on ${k} of ${n}` : '');
  const H = headline.label;
  return [
    `| ${n} runs of ${c.task === 'kg' ? 'the knowledge graph' : c.task} | min / median / max |`,
    '| --- | --- |',
    `| CoT ${H} where it first reaches ${GAP.cot} (${cotFirst.length} of ${n} reach it) | ${spreadOf(cotFirst)} |`,
    `| CoT ${H} at the end | ${spreadOf(cotEnd)} |`,
    `| runs ending with CoT ${H} ≥ 0.9 / ≥ 0.95 | ${share(cotEnd, 0.9)} / ${share(cotEnd, 0.95)} |`,
    `| gap step (CoT ≥ ${GAP.cot}, direct ≤ ${GAP.direct}${headline.chance ? ' above chance' : ''}) | ${spreadOf(gaps, step)}${never(neverGap)} |`,
    `| informed gap step (direct also knows its prerequisites) | ${spreadOf(informed, step)}${never(neverInformed)} |`,
    `| direct ${H} at the end | ${spreadOf(directEnd)} |`,
  ].join('\n');
}

function main(args: string[]): number {
  const rl = args.includes('--rl');
  const spread = args.includes('--spread');
  // --task-file F: the task file of task=file reports (their splits are the file's)
  const at = args.indexOf('--task-file');
  const taskFile = at >= 0 ? args[at + 1] : undefined;
  const files = args.filter((a, i) => a !== '--rl' && a !== '--spread' && (at < 0 || (i !== at && i !== at + 1)));
  if (files.length === 0 || (at >= 0 && !taskFile)) {
    process.stderr.write(
      'usage: npm run summarize -- [--rl | --spread] [--task-file F.jsonl] FILE.json [FILE.json …]   (reports written by npm run experiment -- … --json FILE)\n',
    );
    return 2;
  }
  if (taskFile) {
    let loading: ReturnType<typeof loadTaskSource>;
    try {
      loading = loadTaskSource(readFileSync(taskFile, 'utf8'));
    } catch (e) {
      loading = { ok: false, problems: [e instanceof Error ? e.message.split('\n')[0] : String(e)] };
    }
    if (!loading.ok) {
      for (const p of loading.problems) process.stderr.write(`--task-file ${taskFile}: ${p}\n`);
      return 2;
    }
  }
  // one table per task, in the order the tasks first appear (their columns name different splits)
  const tables = new Map<string, { header: string; rows: string[] }>();
  const byTask = new Map<string, Report[]>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      process.stderr.write(`${f}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
      return 2;
    }
    // read as untrusted, through the report schema the playground's import uses (one report, or a list of them)
    const read = readReports(text);
    if (!read.ok) {
      process.stderr.write(`${f}: ${read.message}\n`);
      return 2;
    }
    for (const w of read.warnings) process.stderr.write(`${f}: ${w}\n`);
    read.reports.forEach(({ report }, i) => {
      const name = read.reports.length > 1 ? `${f}#${i + 1}` : f;
      const c = report.config;
      byTask.set(c.task, [...(byTask.get(c.task) ?? []), report]);
      const table = tables.get(c.task) ?? { header: rl ? rlSummaryHeader(c) : summaryHeader(c), rows: [] };
      tables.set(c.task, table);
      if (rl) table.rows.push(...rlSummaryRows(name, report).map((x) => `| ${x} |`));
      else table.rows.push(`| ${summaryRow(name, report)} |`);
    });
  }
  if (spread) process.stdout.write(`${[...byTask.values()].map((rs) => `${spreadTable(rs)}\n`).join('\n')}`);
  else process.stdout.write(`${[...tables.values()].map((t) => `${t.header}\n${t.rows.join('\n')}\n`).join('\n')}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
