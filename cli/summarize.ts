/**
 * Summarises experiment reports (`npm run experiment -- … --json FILE`) as a Markdown table: for each run,
 * when the CoT arm first reached OOD two-hop ≥ 0.9, its peak and final OOD accuracy, the direct arm's highest
 * OOD accuracy, from when the direct arm knows its atomic facts and the informed gap (src/experiment/gap.ts),
 * wall time and backend. This is how the README's preset table is made:
 *
 *   npm run summarize -- runs/seed0.json runs/seed1.json …
 *   npm run summarize -- --rl runs/rl/*.json        # the training-recipe table (CoT share, RL stage)
 */
import { readFileSync } from 'node:fs';
import type { Report } from './report';
import { readReports } from '../src/runs/reportFormat';
import { GAP, type GapPoint, gapStep, knowsFacts } from '../src/experiment/gap';

const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

export function summaryRow(file: string, r: Report): string {
  const cot = r.arms.cot?.history ?? [];
  const direct = r.arms.direct?.history ?? [];
  const ood = (row: { acc: { oodTwoHop: number | null } }) => row.acc.oodTwoHop ?? NaN;
  const first = cot.find((row) => ood(row) >= GAP.cot);
  const peak = cot.reduce<{ v: number; step: number } | null>((best, row) => (best && best.v >= ood(row) ? best : { v: ood(row), step: row.step }), null);
  const after = first ? cot.filter((row) => row.step >= first.step).map(ood) : [];
  const directMax = direct.length ? Math.max(...direct.map(ood)) : NaN;
  const last = cot.at(-1);
  const lastDirect = direct.at(-1);
  const knows = direct.find((row) => knowsFacts(row.acc));
  const points: GapPoint[] = (['cot', 'direct'] as const).flatMap((arm) => (r.arms[arm]?.history ?? []).map((row) => ({ arm, step: row.step, ...row.acc })));
  const informed = gapStep(points, true);
  return [
    file,
    r.config.seed,
    first ? first.step : 'never',
    peak ? `${fmt(peak.v)} (${peak.step})` : '—',
    after.length ? fmt(Math.min(...after)) : '—',
    last ? `${fmt(ood(last))} (${last.step})` : '—',
    fmt(directMax),
    lastDirect ? fmt(lastDirect.acc.idTwoHop) : '—',
    direct.length ? (knows ? knows.step : 'never') : '—',
    cot.length && direct.length ? (informed ?? 'never') : '—',
    r.wallSeconds ? `${Math.round(r.wallSeconds)}` : '—',
    `${(r.arms.cot?.stepsPerSec ?? 0).toFixed(1)} / ${(r.arms.direct?.stepsPerSec ?? 0).toFixed(1)}`,
    r.backend,
  ].join(' | ');
}

export const SUMMARY_HEADER = [
  '| run | seed | CoT first step OOD ≥ 0.9 | CoT peak OOD (step) | CoT lowest OOD after reaching 0.9 | CoT OOD at end (step) | direct highest OOD | direct ID test at end | direct knows its facts (ID, OOD atomic ≥ 0.9) from step | informed gap at step | wall s (both arms) | steps/s cot / direct | backend |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
].join('\n');

/**
 * `--rl`: one row per arm of each report, for the training recipes (issue 12: CoT share, RL stage): the arm's CoT
 * share (0 for the direct arm, which trains as share 0), its SFT and RL steps, greedy OOD two-hop accuracy at
 * the end of SFT and at the end (exact match / answer only: below share 1 an answer without its bridge is a
 * right answer, not an exact match), OOD atomic and ID test at the end, and the RL rows' sample metrics (first → last
 * RL row: mean reward and CoT rate; the last row's share with the right bridge).
 */
export function rlSummaryRows(file: string, r: Report): string[] {
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
    out.push(
      [
        file,
        arm,
        c.seed,
        arm === 'cot' ? (c.cotShare ?? 1) : 0,
        c.steps,
        rlSteps,
        sftEnd ? `${fmt(sftEnd.acc.oodTwoHop)} / ${fmt(sftEnd.answerAcc.oodTwoHop)}` : '—',
        `${fmt(last.acc.oodTwoHop)} / ${fmt(last.answerAcc.oodTwoHop)} (${last.step})`,
        fmt(last.acc.oodAtomic),
        fmt(last.acc.idTwoHop),
        span('reward'),
        span('cotRate'),
        rl.length ? fmt(rl.at(-1)!.bridgeRightRate) : '—',
      ].join(' | '),
    );
  }
  return out;
}

export const RL_SUMMARY_HEADER = [
  '| run | arm | seed | CoT share | SFT steps | RL steps | OOD exact / answer at end of SFT | OOD exact / answer at end (step) | OOD atomic at end | ID test at end | RL reward (first → last) | RL CoT rate (first → last) | RL right bridge (last) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
].join('\n');

function main(args: string[]): number {
  const rl = args.includes('--rl');
  const files = args.filter((a) => a !== '--rl');
  if (files.length === 0) {
    process.stderr.write('usage: npm run summarize -- [--rl] FILE.json [FILE.json …]   (reports written by npm run experiment -- … --json FILE)\n');
    return 2;
  }
  const rows: string[] = [];
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
      if (rl) rows.push(...rlSummaryRows(name, report).map((x) => `| ${x} |`));
      else rows.push(`| ${summaryRow(name, report)} |`);
    });
  }
  process.stdout.write(`${rl ? RL_SUMMARY_HEADER : SUMMARY_HEADER}\n${rows.join('\n')}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
