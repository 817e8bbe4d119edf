import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSweepQuery } from '../../runs/sweepPlan';
import { queryToConfig } from '../../experiment/link';
import { FINDINGS } from './findings';
import { readKept } from './keptReports';
import { loadKeptReports } from './keptReports';

const ROOT = join(__dirname, '../../../docs/results');
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

describe('the gallery of findings', () => {
  it('bundles the reports it reads, and each is a run report', async () => {
    const { reports, problems } = await loadKeptReports();
    expect(problems).toEqual([]);
    expect(reports.length).toBeGreaterThan(30);
  });

  it('reads every card from kept reports: numbers, an agreement, the reports it read, and links that load cleanly', async () => {
    const { reports } = await loadKeptReports();
    for (const f of FINDINGS) {
      const r = f.read(reports);
      expect(r.agreement, f.id).not.toBe('not measured');
      expect(r.reports.length, f.id).toBeGreaterThan(0);
      for (const p of r.reports) expect(statSync(join(ROOT, p)).isFile()).toBe(true);
      expect(r.measured.join(' '), f.id).toMatch(/\d\.\d\d/);
      expect(r.measured.join(' '), f.id).not.toContain('NaN');
      if (r.agreement !== 'agrees') expect(r.note, f.id).not.toBe('');
      const runs = f.runs(reports);
      expect(runs.length, f.id).toBeGreaterThan(0);
      for (const run of runs) {
        const { experiment } = splitSweepQuery(run.query);
        expect(queryToConfig(experiment).corrections, `${f.id}: ${run.query}`).toEqual([]);
      }
    }
  });

  it('quotes what the reports hold: the parity card against the reports read by hand', () => {
    const files = walk(join(ROOT, 'parity'))
      .filter((p) => /^seed\d+\.json$/.test(relative(join(ROOT, 'parity'), p)))
      .map((p) => ({ path: relative(ROOT, p), value: JSON.parse(readFileSync(p, 'utf8')) }));
    const { reports } = readKept(files);
    const finals = files.map((f) => (f.value as { arms: { cot: { history: { acc: { test: number } }[] } } }).arms.cot.history.at(-1)!.acc.test);
    const card = FINDINGS.find((f) => f.id === 'parity')!.read(reports);
    const lo = Math.min(...finals).toFixed(3);
    expect(card.measured[0]).toContain(lo);
  });

  it('says so when a card has no report', () => {
    for (const f of FINDINGS) expect(f.read([]).agreement).toBe('not measured');
  });
});
