/**
 * The designer's three-hop note quotes the kept reports (docs/results/three-hops/), not numbers typed in: every
 * number of THREE_HOPS_MEASURED is computed here again from the reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReports } from '../../src/runs/reportFormat';
import { headlineSplit } from '../../src/tasks/registry';
import { GAP_COT, THREE_HOPS_MEASURED, threeHopsNote } from '../../src/tasks/kg/threeHops';
import { GAP } from '../../src/data/gap';
import { queryToConfig } from '../../src/experiment/link';
import { TASKS } from '../../src/tasks/registry';

const report = (seed: number) => {
  const r = readReports(readFileSync(join(__dirname, `../../docs/results/three-hops/seed${seed}.json`), 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.reports[0].report;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

describe('three hops, as the designer quotes them', () => {
  it('every number comes from the kept reports of the version 2 default with hops=3', () => {
    const m = THREE_HOPS_MEASURED;
    const rs = m.seeds.map(report);
    for (const [i, r] of rs.entries()) {
      expect(r.config).toEqual(queryToConfig(`v=2&seed=${m.seeds[i]}&hops=3`).config);
      expect(r.config).toMatchObject(m.preset);
      expect(r.config.steps).toBe(m.steps);
      expect(r.arms.cot!.history.at(-1)!.step).toBe(m.steps);
    }
    const head = headlineSplit(rs[0].config).id;
    const acc = (r: (typeof rs)[number], arm: 'cot' | 'direct') => r.arms[arm]!.history.map((row) => row.acc[head]);
    const peaks = rs.map((r) => Math.max(...acc(r, 'cot')));
    const ends = rs.map((r) => acc(r, 'cot').at(-1)!);
    expect(m.cotPeak).toEqual(peaks.map(round));
    expect(m.cotEnd).toEqual(ends.map(round));
    expect(GAP_COT).toBe(GAP.cot);
    expect(m.directPeak).toBe(round(Math.max(...rs.flatMap((r) => acc(r, 'direct')))));
  });

  it('is shown in the preview of a three-hop experiment, and only there', () => {
    const notes = (link: string) => {
      const c = queryToConfig(link).config;
      return TASKS.kg.preview(TASKS.kg.generate(c), c).notes;
    };
    expect(notes('hops=3&entities=60&relations=6&degree=4')).toContain(threeHopsNote());
    expect(notes('entities=60&relations=6&degree=4')).not.toContain(threeHopsNote());
  });
});
