import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../src/experiment/domain';
import { parseEvalLine } from './gapTime';
import { evalLine } from './report';

const scores = (ood: number) => ({ idAtomic: 1, oodAtomic: 0.5, trainTwoHop: 1, idTwoHop: 0.9, oodTwoHop: ood });
const row = (step: number, ood: number): MetricRow => ({ step, phase: 'sft', loss: step ? 0.5 : null, acc: scores(ood), answerAcc: scores(0.01) });

describe('cli/gapTime', () => {
  it('reads the OOD test accuracy and speed from the lines the experiment CLI prints', () => {
    expect(parseEvalLine(evalLine('cot', row(800, 0.912), 4.52))).toEqual({
      step: 800,
      arm: 'cot',
      idAtomic: 1,
      oodAtomic: 0.5,
      oodTwoHop: 0.912,
      stepsPerSec: 4.5,
    });
    expect(parseEvalLine(evalLine('direct', row(0, 0), 0))).toEqual({ step: 0, arm: 'direct', idAtomic: 1, oodAtomic: 0.5, oodTwoHop: 0, stepsPerSec: null });
    expect(parseEvalLine('backend wasm')).toBeNull();
  });
});
