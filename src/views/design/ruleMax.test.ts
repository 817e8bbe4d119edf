import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAM_BY_KEY, type Config } from '../../experiment/schema';
import { ruleMax } from './ruleMax';

describe('ruleMax', () => {
  it('bounds a task parameter by the task’s rules: degree ≤ relations', () => {
    const c: Config = { ...DEFAULT_CONFIG, relations: 12 };
    expect(ruleMax(PARAM_BY_KEY.degree, c)).toBe(12);
    expect(ruleMax(PARAM_BY_KEY.degree, { ...c, relations: 100 })).toBeUndefined();
    expect(ruleMax(PARAM_BY_KEY.relations, c)).toBeUndefined();
    expect(ruleMax(PARAM_BY_KEY.trainSize, { ...DEFAULT_CONFIG, task: 'parity', bits: 10 })).toBeUndefined();
    expect(ruleMax(PARAM_BY_KEY.lr, c)).toBeUndefined();
  });
});
