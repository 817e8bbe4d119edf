import { describe, expect, it } from 'vitest';
import { gapPoint, gapStep, knowsPrerequisites } from './gap';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';

describe('gapStep', () => {
  it('the gap: the first step with CoT ≥ 0.9 and direct ≤ 0.1, once both arms were evaluated there', () => {
    const p = (arm: 'cot' | 'direct', step: number, headline: number) => ({ arm, step, headline, prerequisites: [], stepsPerSec: 4 });
    expect(gapStep([p('cot', 700, 0.95)])).toBeNull(); // the direct arm's line not yet printed
    expect(gapStep([p('cot', 600, 0.85), p('direct', 600, 0), p('cot', 700, 0.95), p('direct', 700, 0.02)])).toBe(700);
    expect(gapStep([p('direct', 700, 0.2), p('cot', 700, 0.95), p('cot', 800, 0.9), p('direct', 800, 0.1)])).toBe(800);
  });

  it('the informed gap: also the direct arm knowing its prerequisites (each ≥ 0.9)', () => {
    const p = (arm: 'cot' | 'direct', step: number, headline: number, second: number, first = 0.95) => ({
      arm,
      step,
      headline,
      prerequisites: [first, second],
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
    expect(gapStep([p('cot', 600, 0.95, 1), p('direct', 600, 0, 0.97, 0.89)], true)).toBeNull(); // the first prerequisite short of 0.9
    expect(gapStep([p('direct', 600, 0, 0.97), p('cot', 600, 0.95, 1)], true)).toBe(600);
  });

  it('reads the headline and the prerequisites through the task: the knowledge graph (atomic facts) and parity (none)', () => {
    const acc = { idAtomic: 0.95, oodAtomic: 0.5, trainTwoHop: 1, idTwoHop: 1, oodTwoHop: 0.02 };
    expect(gapPoint(DEFAULT_CONFIG, 'direct', { step: 10, acc })).toEqual({ arm: 'direct', step: 10, headline: 0.02, prerequisites: [0.95, 0.5] });
    const parity = taskDefaults('parity');
    const direct = gapPoint(parity, 'direct', { step: 10, acc: { train: 1, test: 0.55 } });
    // two answers: guessing gets half right, and the gap allows the direct arm that much more
    expect(direct).toEqual({ arm: 'direct', step: 10, headline: 0.55, prerequisites: [], chance: 0.5 });
    expect(gapPoint(parity, 'cot', { step: 10, acc: { train: 1, test: NaN } }).headline).toBeNull();
    // no prerequisites: the informed gap is the gap
    expect(knowsPrerequisites([])).toBe(true);
    const points = [gapPoint(parity, 'cot', { step: 10, acc: { train: 1, test: 0.97 } }), direct];
    expect(gapStep(points, true)).toBe(10);
    expect(gapStep(points)).toBe(10);
    expect(gapStep([points[0], gapPoint(parity, 'direct', { step: 10, acc: { train: 1, test: 0.65 } })])).toBeNull();
  });
});
