import { describe, expect, it } from 'vitest';
import { describeSpacing, earlyEvalSteps, evaluationAt } from './evalSchedule';
import { DEFAULT_CONFIG } from './schema';

describe('evaluation schedule', () => {
  it('the default preset: early points at 10, 20, 40 on a small sample, then every 100 steps', () => {
    expect(earlyEvalSteps(DEFAULT_CONFIG)).toEqual([10, 20, 40]);
    const evaluated = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => evaluationAt(s, DEFAULT_CONFIG));
    expect(evaluated).toEqual([10, 20, 40, 100, 200, 300]);
    expect(evaluationAt(10, DEFAULT_CONFIG)).toEqual({ sample: 100 });
    expect(evaluationAt(100, DEFAULT_CONFIG)).toEqual({ sample: null });
    expect(describeSpacing(DEFAULT_CONFIG)).toBe(
      'Points: step 0; steps 10, 20, 40 on 100 queries per split (so the curves start at once); then every 100 steps on up to 500 queries per split.',
    );
  });

  it('evalEarly=off, a short cadence or a short run: no early points; the last step is always evaluated', () => {
    expect(earlyEvalSteps({ ...DEFAULT_CONFIG, evalEarly: 'off' })).toEqual([]);
    expect(earlyEvalSteps({ ...DEFAULT_CONFIG, evalEvery: 20 })).toEqual([]);
    expect(earlyEvalSteps({ ...DEFAULT_CONFIG, evalEvery: 50 })).toEqual([10, 20]);
    expect(earlyEvalSteps({ ...DEFAULT_CONFIG, steps: 15 })).toEqual([10]);
    expect(evaluationAt(15, { ...DEFAULT_CONFIG, steps: 15 })).toEqual({ sample: null });
    expect(evaluationAt(10, { ...DEFAULT_CONFIG, evalSize: 50 })).toEqual({ sample: 50 });
    expect(describeSpacing({ ...DEFAULT_CONFIG, evalEarly: 'off' })).toBe('Points: step 0, then every 100 steps on up to 500 queries per split.');
  });
});

describe('evaluation schedule with an RL stage', () => {
  it('the boundary and the last step are evaluated; the RL phase has early points of its own', () => {
    const c = { ...DEFAULT_CONFIG, steps: 250, rlSteps: 200 };
    const evaluated = Array.from({ length: 450 }, (_, i) => i + 1).filter((s) => evaluationAt(s, c));
    expect(evaluated).toEqual([10, 20, 40, 100, 200, 250, 260, 270, 290, 300, 400, 450]);
    expect(evaluationAt(260, c)).toEqual({ sample: 100 });
    expect(evaluationAt(250, c)).toEqual({ sample: null });
    expect(evaluationAt(450, c)).toEqual({ sample: null });
    expect(describeSpacing(c)).toContain('RL from step 250 on');
  });

  it('rlSteps 0 changes nothing', () => {
    const off = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => evaluationAt(s, { ...DEFAULT_CONFIG, steps: 300, rlSteps: 0 }));
    expect(off).toEqual([10, 20, 40, 100, 200, 300]);
  });
});
