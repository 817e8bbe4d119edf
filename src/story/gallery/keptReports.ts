/**
 * The reports the gallery reads, as kept in docs/results/: bundled as separate chunks, fetched only when the
 * gallery opens, and read through the same importer as a user's report file (src/runs/reportFormat.ts).
 */
import { readReportValue } from '../../runs/reportFormat';
import type { KeptReport } from './readings';

const FOLDER = '/docs/results/';

const FILES = import.meta.glob<unknown>(
  [
    '/docs/results/default-v3-seeds/seed-*.json',
    '/docs/results/default-v2/*mechanism*.json',
    '/docs/results/three-hops-v3/seed-*.json',
    '/docs/results/three-hops-layers6/seed-*.json',
    '/docs/results/figures/**/*.json',
    '/docs/results/parity/seed*.json',
    '/docs/results/rl/*.json',
    '/docs/results/group/**/*.json',
    '/docs/results/multiply/**/*.json',
    '!**/sweep.json',
  ],
  { import: 'default' },
);

/** Reads raw JSON values as kept reports; a file that is not a run report is named in `problems`. */
export function readKept(files: readonly { path: string; value: unknown }[]): { reports: KeptReport[]; problems: string[] } {
  const reports: KeptReport[] = [];
  const problems: string[] = [];
  for (const { path, value } of files) {
    const read = readReportValue(value);
    if (read.ok && read.reports.length === 1) reports.push({ path, report: read.reports[0].report });
    else problems.push(`${path}: ${read.ok ? 'holds more than one report' : read.message}`);
  }
  return { reports, problems };
}

/** Loads every kept report the gallery reads. */
export async function loadKeptReports(): Promise<{ reports: KeptReport[]; problems: string[] }> {
  const files = await Promise.all(Object.entries(FILES).map(async ([key, load]) => ({ path: key.slice(FOLDER.length), value: await load() })));
  return readKept(files);
}
