/**
 * Summarises experiment reports (`npm run experiment -- … --json FILE`) as a Markdown table: for each run,
 * when the CoT arm first reached OOD two-hop ≥ 0.9, its peak and final OOD accuracy, the direct arm's highest
 * OOD accuracy, wall time and backend. This is how the README's preset table is made:
 *
 *   npm run summarize -- runs/seed0.json runs/seed1.json …
 */
import { readFileSync } from 'node:fs';
import type { Report } from './report';

const GAP = 0.9;
const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

export function summaryRow(file: string, r: Report): string {
  const cot = r.arms.cot?.history ?? [];
  const direct = r.arms.direct?.history ?? [];
  const ood = (row: { acc: { oodTwoHop: number | null } }) => row.acc.oodTwoHop ?? NaN;
  const first = cot.find((row) => ood(row) >= GAP);
  const peak = cot.reduce<{ v: number; step: number } | null>((best, row) => (best && best.v >= ood(row) ? best : { v: ood(row), step: row.step }), null);
  const after = first ? cot.filter((row) => row.step >= first.step).map(ood) : [];
  const directMax = direct.length ? Math.max(...direct.map(ood)) : NaN;
  const last = cot.at(-1);
  const lastDirect = direct.at(-1);
  return [
    file,
    r.config.seed,
    first ? first.step : 'never',
    peak ? `${fmt(peak.v)} (${peak.step})` : '—',
    after.length ? fmt(Math.min(...after)) : '—',
    last ? `${fmt(ood(last))} (${last.step})` : '—',
    fmt(directMax),
    lastDirect ? fmt(lastDirect.acc.idTwoHop) : '—',
    r.wallSeconds ? `${Math.round(r.wallSeconds)}` : '—',
    `${(r.arms.cot?.stepsPerSec ?? 0).toFixed(1)} / ${(r.arms.direct?.stepsPerSec ?? 0).toFixed(1)}`,
    r.backend,
  ].join(' | ');
}

export const SUMMARY_HEADER = [
  '| run | seed | CoT first step OOD ≥ 0.9 | CoT peak OOD (step) | CoT lowest OOD after reaching 0.9 | CoT OOD at end (step) | direct highest OOD | direct ID test at end | wall s (both arms) | steps/s cot / direct | backend |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
].join('\n');

function main(files: string[]): number {
  if (files.length === 0) {
    process.stderr.write('usage: npm run summarize -- FILE.json [FILE.json …]   (reports written by npm run experiment -- … --json FILE)\n');
    return 2;
  }
  const rows: string[] = [];
  for (const f of files) {
    try {
      rows.push(`| ${summaryRow(f, JSON.parse(readFileSync(f, 'utf8')) as Report)} |`);
    } catch (e) {
      process.stderr.write(`${f}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  process.stdout.write(`${SUMMARY_HEADER}\n${rows.join('\n')}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
