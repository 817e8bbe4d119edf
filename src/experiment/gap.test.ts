import { describe, expect, it } from 'vitest';
import { gapStep } from './gap';

describe('gapStep', () => {
  it('the gap: the first step with CoT ≥ 0.9 and direct ≤ 0.1, once both arms were evaluated there', () => {
    const p = (arm: 'cot' | 'direct', step: number, ood: number) => ({ arm, step, oodTwoHop: ood, stepsPerSec: 4 });
    expect(gapStep([p('cot', 700, 0.95)])).toBeNull(); // the direct arm's line not yet printed
    expect(gapStep([p('cot', 600, 0.85), p('direct', 600, 0), p('cot', 700, 0.95), p('direct', 700, 0.02)])).toBe(700);
    expect(gapStep([p('direct', 700, 0.2), p('cot', 700, 0.95), p('cot', 800, 0.9), p('direct', 800, 0.1)])).toBe(800);
  });

  it('the informed gap: also the direct arm knowing its facts (ID and OOD atomic ≥ 0.9)', () => {
    const p = (arm: 'cot' | 'direct', step: number, ood: number, oodAtomic: number, idAtomic = 0.95) => ({
      arm,
      step,
      oodTwoHop: ood,
      idAtomic,
      oodAtomic,
      stepsPerSec: 4,
    });
    const run = [
      p('cot', 800, 0.95, 1),
      p('direct', 800, 0, 0.06),
      p('cot', 1900, 0.94, 1),
      p('direct', 1900, 0, 0.89),
      p('cot', 2000, 0.95, 1),
      p('direct', 2000, 0, 0.93),
    ];
    expect(gapStep(run)).toBe(800);
    expect(gapStep(run, true)).toBe(2000);
    expect(gapStep([p('cot', 600, 0.95, 1), p('direct', 600, 0, 0.97, 0.89)], true)).toBeNull(); // ID atomic short of 0.9
    expect(gapStep([p('direct', 600, 0, 0.97), p('cot', 600, 0.95, 1)], true)).toBe(600);
  });
});
