import { describe, expect, it } from 'vitest';
import { MECHANISM_PRESETS, presetMatches } from './mechanismPresets';
import { DEFAULT_CONFIG } from './schema';
import { checkConfig } from './validate';

describe('mechanism presets', () => {
  it('each is a valid experiment (no correction) and only changes the model, the length, λ and the learning rate', () => {
    for (const p of MECHANISM_PRESETS) {
      const c = { ...DEFAULT_CONFIG, seed: 7, ...p.preset };
      expect(checkConfig(c).corrections, p.id).toEqual([]);
      expect(Object.keys(p.preset).every((k) => ['layers', 'dModel', 'dropout', 'steps', 'lambda', 'lr'].includes(k))).toBe(true);
      expect(presetMatches(c, p.preset)).toBe(true);
    }
    expect(presetMatches(DEFAULT_CONFIG, MECHANISM_PRESETS[0].preset)).toBe(true);
    expect(presetMatches(DEFAULT_CONFIG, MECHANISM_PRESETS[1].preset)).toBe(false);
    // the shallow ones as they were measured (README): link version 1's λ and learning rate
    for (const p of MECHANISM_PRESETS.slice(1)) expect(p.preset).toMatchObject({ lambda: 7.2, lr: 1e-3 });
  });
});
