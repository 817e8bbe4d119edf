/**
 * The designer's three-hop note and the three-hop recipe quote the kept reports (docs/results/three-hops-*), not numbers typed in: every
 * number of THREE_HOPS_MEASURED is computed here again from the reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReports } from '../../src/runs/reportFormat';
import { headlineSplit } from '../../src/tasks/registry';
import { GAP_COT, THREE_HOPS_MEASURED, THREE_HOPS_PRESET, threeHopsNote } from '../../src/tasks/kg/threeHops';
import { GAP } from '../../src/data/gap';
import { queryToConfig } from '../../src/experiment/link';
import { TASKS } from '../../src/tasks/registry';

const report = (folder: string, seed: number) => {
  const r = readReports(readFileSync(join(__dirname, `../../docs/results/${folder}/seed-${seed}.json`), 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.reports[0].report;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

describe('three hops, as the designer and the recipe quote them', () => {
  for (const [name, m] of Object.entries(THREE_HOPS_MEASURED)) {
    it(`${name}: every number comes from the kept reports of the version 3 default with hops=3, ${m.preset.layers} layers, λ ${m.preset.lambda}`, () => {
      const rs = m.seeds.map((seed) => report(m.folder, seed));
      for (const [i, r] of rs.entries()) {
        expect(r.config).toEqual(queryToConfig(`seed=${m.seeds[i]}&hops=3&lambda=${m.preset.lambda}&layers=${m.preset.layers}`).config);
        expect(r.config.steps).toBe(m.steps);
        expect(r.arms.cot!.history.at(-1)!.step).toBe(m.steps);
        expect(r.arms.direct!.history.at(-1)!.step).toBe(m.steps);
      }
      const head = headlineSplit(rs[0].config).id;
      const acc = (r: (typeof rs)[number], arm: 'cot' | 'direct') => r.arms[arm]!.history.map((row) => row.acc[head]);
      expect(m.cotPeak).toEqual(rs.map((r) => round(Math.max(...acc(r, 'cot')))));
      expect(m.cotEnd).toEqual(rs.map((r) => round(acc(r, 'cot').at(-1)!)));
      expect(m.directPeak).toBe(round(Math.max(...rs.flatMap((r) => acc(r, 'direct')))));
    });
  }

  it('the preset is the recipe the knowledge graph offers, the default its baseline, and the gap level is the gap’s', () => {
    expect(GAP_COT).toBe(GAP.cot);
    const { onDefault, preset } = THREE_HOPS_MEASURED;
    expect(preset.preset.layers).toBe(THREE_HOPS_PRESET.layers);
    const d = queryToConfig('').config;
    expect(onDefault.preset).toEqual({ lambda: d.lambda, layers: d.layers });
    expect(preset.preset.lambda).toBe(d.lambda);
    expect(TASKS.kg.recipes?.find((r) => r.id === 'three-hops')?.preset).toEqual(THREE_HOPS_PRESET);
    expect(queryToConfig('hops=3&layers=6').corrections).toEqual([]);
  });

  it('is shown in the preview of a three-hop experiment, and only there; it reads only the data (the preview is keyed on it)', () => {
    const notes = (link: string) => {
      const c = queryToConfig(link).config;
      return TASKS.kg.preview(TASKS.kg.generate(c), c).notes;
    };
    const small = 'entities=60&relations=6&degree=4';
    expect(notes(`hops=3&${small}`)).toContain(threeHopsNote(2.4));
    expect(notes(`hops=3&layers=6&${small}`)).toEqual(notes(`hops=3&${small}`));
    expect(notes(small).some((n) => n.startsWith('Three hops'))).toBe(false);
    expect(threeHopsNote(2.4)).toMatch(/^Three hops, measured on the default, 4 layers, λ 2\.4,/);
    expect(threeHopsNote(2.4)).toMatch(/With the recipe “Three hops \(6 layers\)”, 6 layers, λ 2\.4,/);
    expect(threeHopsNote(2.4)).toMatch(/Neither reaches the gap's 0\.9 on every seed measured/);
    expect(threeHopsNote(3.6)).toMatch(/This experiment's λ \(3\.6\) was not measured\.$/);
  });
});
