import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../src/experiment/domain';
import { gapStep, parseEvalLine } from './gapTime';
import { evalLine } from './report';

const scores = (ood: number) => ({ idAtomic: 1, oodAtomic: 0.5, trainTwoHop: 1, idTwoHop: 0.9, oodTwoHop: ood });
const row = (step: number, ood: number): MetricRow => ({ step, phase: 'sft', loss: step ? 0.5 : null, acc: scores(ood), answerAcc: scores(0.01) });

describe('cli/gapTime', () => {
  it('reads the OOD test accuracy and speed from the lines the experiment CLI prints', () => {
    expect(parseEvalLine(evalLine('cot', row(800, 0.912), 4.52))).toEqual({ step: 800, arm: 'cot', oodTwoHop: 0.912, stepsPerSec: 4.5 });
    expect(parseEvalLine(evalLine('direct', row(0, 0), 0))).toEqual({ step: 0, arm: 'direct', oodTwoHop: 0, stepsPerSec: null });
    expect(parseEvalLine('backend wasm')).toBeNull();
  });

  it('the gap: the first step with CoT ≥ 0.9 and direct ≤ 0.1, once both arms were evaluated there', () => {
    const p = (arm: 'cot' | 'direct', step: number, ood: number) => ({ arm, step, oodTwoHop: ood, stepsPerSec: 4 });
    expect(gapStep([p('cot', 700, 0.95)])).toBeNull(); // the direct arm's line not yet printed
    expect(gapStep([p('cot', 600, 0.85), p('direct', 600, 0), p('cot', 700, 0.95), p('direct', 700, 0.02)])).toBe(700);
    expect(gapStep([p('direct', 700, 0.2), p('cot', 700, 0.95), p('cot', 800, 0.9), p('direct', 800, 0.1)])).toBe(800);
  });
});
