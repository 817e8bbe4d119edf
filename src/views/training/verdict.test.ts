import { describe, expect, it } from 'vitest';
import { verdict, type VerdictInput } from './verdict';
import type { MetricRow } from '../../experiment/domain';

const row = (step: number, ood: number): MetricRow => {
  const s = { idAtomic: 1, oodAtomic: 1, trainTwoHop: 1, idTwoHop: 1, oodTwoHop: ood };
  return { step, loss: 1, acc: s, answerAcc: s };
};
const base: VerdictInput = { status: 'done', step: 2000, totalSteps: 2000, arms: ['cot', 'direct'], history: { cot: [], direct: [] }, error: null };

describe('verdict', () => {
  it('says when CoT generalised OOD and direct stayed low', () => {
    const t = verdict({ ...base, history: { cot: [row(2000, 0.95)], direct: [row(2000, 0.01)] } });
    expect(t).toMatch(/CoT reached OOD accuracy 0\.95 \(≥ 0\.9\)/);
    expect(t).toMatch(/Direct stayed low on OOD \(0\.01\) although it knows the atomic facts \(OOD atomic 1\.00\): it does not compose them/);
    const unlearned = { ...row(1000, 0), acc: { ...row(1000, 0).acc, idAtomic: 0.72, oodAtomic: 0.52 } };
    expect(verdict({ ...base, history: { cot: [row(1000, 0.95)], direct: [unlearned] } })).toMatch(
      /Direct stayed low on OOD \(0\.00\), but it has not learned its atomic facts yet \(ID 0\.72, OOD 0\.52\), so that does not show yet/,
    );
  });
  it('says plainly when CoT fell short or direct did not stay low', () => {
    const t = verdict({ ...base, history: { cot: [row(2000, 0.5)], direct: [row(2000, 0.3)] } });
    expect(t).toMatch(/0\.50, below 0\.9: it knows the OOD atomic facts but does not compose them yet/);
    const early = { ...row(500, 0.1), acc: { ...row(500, 0.1).acc, oodAtomic: 0.4 } };
    expect(verdict({ ...base, history: { cot: [early], direct: [] } })).toMatch(/OOD atomic facts are not learned yet \(0\.40/);
    expect(t).toMatch(/not the paper's result/);
  });
  it('reports progress, errors and divergence', () => {
    expect(verdict({ ...base, status: 'running', step: 10, history: { cot: [row(10, 0.2)], direct: [row(10, 0)] } })).toBe(
      'Training: step 10 of 2000. OOD accuracy so far: CoT 0.20, direct 0.00.',
    );
    expect(verdict({ ...base, status: 'error', error: 'boom' })).toMatch(/error: boom/);
    expect(verdict({ ...base, status: 'paused', step: 5, diverged: { cot: 3 } })).toMatch(/CoT arm diverged \(loss NaN from step 3\)/);
    // an arm that stopped: said once (not also as "diverged"), the other arm's result stands
    const stopped = { cot: 'The CoT arm stopped at step 3: its training loss became NaN (the model diverged).' };
    const t = verdict({ ...base, history: { cot: [], direct: [row(2000, 0)] }, diverged: { cot: 3 }, stopped });
    expect(t).toBe(
      'Finished 2000 steps. Direct stayed low on OOD (0.00) although it knows the atomic facts (OOD atomic 1.00): it does not compose them, as in the paper. The CoT arm stopped at step 3: its training loss became NaN (the model diverged).',
    );
    expect(verdict({ ...base, status: 'error', stopped: { cot: 'A.', direct: 'B.' } })).toBe('A. B. Press Reset to start again.');
    expect(verdict({ ...base, status: 'idle', step: 0, refused: 'Not started: estimated 5 GiB.' })).toBe(
      'Not started: estimated 5 GiB. Play stays off until it fits.',
    );
    expect(verdict({ ...base, status: 'idle', step: 0 })).toMatch(/^Press Play to train both arms/);
    expect(verdict({ ...base, status: 'idle', step: 0, arms: ['cot'] })).toMatch(/^Press Play to train the CoT arm alone/);
  });
});
