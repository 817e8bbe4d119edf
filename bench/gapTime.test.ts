import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../src/experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../src/experiment/schema';
import { parseEvalLine } from './gapTime';
import { evalLine } from '../cli/report';

const scores = (ood: number) => ({ idAtomic: 1, oodAtomic: 0.5, trainTwoHop: 1, idTwoHop: 0.9, oodTwoHop: ood });
const row = (step: number, ood: number): MetricRow => ({ step, phase: 'sft', loss: step ? 0.5 : null, acc: scores(ood), answerAcc: scores(0.01) });

describe('bench/gapTime', () => {
  it('reads the headline and prerequisite accuracies and the speed from the lines the experiment CLI prints', () => {
    const c = DEFAULT_CONFIG;
    expect(parseEvalLine(evalLine('cot', row(800, 0.912), 4.52, c), c)).toEqual({
      step: 800,
      arm: 'cot',
      headline: 0.912,
      prerequisites: [1, 0.5],
      stepsPerSec: 4.5,
    });
    expect(parseEvalLine(evalLine('direct', row(0, 0), 0, c), c)).toEqual({ step: 0, arm: 'direct', headline: 0, prerequisites: [1, 0.5], stepsPerSec: null });
    const missing = { ...row(10, 0), acc: { ...scores(0), oodTwoHop: NaN } };
    expect(parseEvalLine(evalLine('cot', missing, 0, c), c)?.headline).toBeNull();
    expect(parseEvalLine('backend wasm', c)).toBeNull();
  });
  it('parity: the test strings, no prerequisites', () => {
    const p = taskDefaults('parity');
    const r: MetricRow = { step: 40, loss: 0.2, acc: { train: 1, test: 0.97 }, answerAcc: { train: 1, test: 0.97 } };
    expect(parseEvalLine(evalLine('cot', r, 3, p), p)).toEqual({ step: 40, arm: 'cot', headline: 0.97, prerequisites: [], chance: 0.5, stepsPerSec: 3 });
  });
});
