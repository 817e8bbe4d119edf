import { describe, expect, it } from 'vitest';
import { queryToConfig } from './link';
import { PAPER_CONFIG, PAPER_PRESET, PAPER_QUERY } from './presets';
import { PARAM_BY_KEY } from './schema';

describe('the paper preset', () => {
  it('is a link the schema reads without a single correction (the strict CLI accepts it)', () => {
    const { config, corrections } = queryToConfig(PAPER_QUERY);
    expect(corrections).toEqual([]);
    expect(config).toEqual(PAPER_CONFIG);
    for (const [k, v] of Object.entries(PAPER_PRESET)) expect(config[k as keyof typeof config], k).toBe(v);
  });

  it("has the paper's scale: 8 × 768 with 12 heads (about 58 M parameters), batch 512, tens of thousands of steps", () => {
    expect(PAPER_CONFIG.dModel % PAPER_CONFIG.heads).toBe(0);
    const { dModel: d, layers, entities, relations, mlpRatio } = PAPER_CONFIG;
    const parameters = (entities + relations + 2) * d + 8 * d + layers * (4 * d * d + 2 * mlpRatio * d * d + 9 * d + mlpRatio * d) + 2 * d;
    expect(parameters).toBeGreaterThan(50e6);
    expect(PAPER_CONFIG.steps).toBeGreaterThanOrEqual(10_000);
    // the ranges reach further than the paper, so that a bigger run is still a link
    expect(PARAM_BY_KEY.dModel.type === 'int' && PARAM_BY_KEY.dModel.max).toBeGreaterThanOrEqual(1024);
    expect(PARAM_BY_KEY.heads.type === 'int' && PARAM_BY_KEY.heads.max).toBeGreaterThanOrEqual(16);
    expect(PARAM_BY_KEY.steps.type === 'int' && PARAM_BY_KEY.steps.max).toBeGreaterThanOrEqual(100_000);
  });
});
