import { describe, expect, it } from 'vitest';
import { FIGURE_PRESETS, presetOf } from './figurePresets';
import { runCount, sweepJobs } from './sweepPlan';

describe('paper-figure presets', () => {
  it('each is a valid link: no correction, a sweep, every combination accepted by the schema', () => {
    for (const p of FIGURE_PRESETS) {
      const { config, spec, problems } = presetOf(p);
      expect(problems, p.id).toEqual([]);
      expect(spec, p.id).not.toBeNull();
      expect(sweepJobs(config, spec!).problems, p.id).toEqual([]);
      expect(p.cost.startsWith(`${runCount(spec!)} runs`), p.id).toBe(true);
      expect(p.measured, p.id).not.toMatch(/MEASURED/);
    }
    expect(presetOf(FIGURE_PRESETS.find((p) => p.id === 'noise-b')!).config.noiseKind).toBe('b');
    expect(presetOf(FIGURE_PRESETS.find((p) => p.id === 'lambda')!).spec!.values).toEqual([1.8, 3.6, 7.2]);
    // read with the defaults they were measured with (link version 1: λ 7.2), not today's
    expect(presetOf(FIGURE_PRESETS.find((p) => p.id === 'depth')!).config.lambda).toBe(7.2);
  });
});
