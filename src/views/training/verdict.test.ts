import { describe, expect, it } from 'vitest';
import { verdict, type VerdictInput } from './verdict';
import type { MetricRow } from '../../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../../experiment/schema';

const row = (step: number, ood: number): MetricRow => {
  const s = { idAtomic: 1, oodAtomic: 1, trainTwoHop: 1, idTwoHop: 1, oodTwoHop: ood };
  return { step, loss: 1, acc: s, answerAcc: s };
};
const base: VerdictInput = {
  config: DEFAULT_CONFIG,
  status: 'done',
  step: 2000,
  totalSteps: 2000,
  arms: ['cot', 'direct'],
  history: { cot: [], direct: [] },
  error: null,
};

describe('verdict', () => {
  it('says when CoT generalised on the headline split and direct stayed low although it knows its prerequisites', () => {
    const t = verdict({ ...base, history: { cot: [row(2000, 0.95)], direct: [row(2000, 0.01)] } });
    expect(t).toMatch(/CoT reached 0\.95 on OOD test multi-hop \(≥ 0\.9\)/);
    expect(t).toMatch(
      /Direct stayed low on OOD test multi-hop \(0\.01\) although it knows its prerequisites \(ID atomic 1\.00, OOD atomic 1\.00\): it does not combine them/,
    );
    const unlearned = { ...row(1000, 0), acc: { ...row(1000, 0).acc, idAtomic: 0.72, oodAtomic: 0.52 } };
    expect(verdict({ ...base, history: { cot: [row(1000, 0.95)], direct: [unlearned] } })).toMatch(
      /Direct stayed low on OOD test multi-hop \(0\.00\), but it has not learned its prerequisites yet \(ID atomic 0\.72, OOD atomic 0\.52\), so that does not show yet/,
    );
  });
  it('says plainly when CoT fell short or direct did not stay low', () => {
    const t = verdict({ ...base, history: { cot: [row(2000, 0.5)], direct: [row(2000, 0.3)] } });
    expect(t).toMatch(/0\.50 on OOD test multi-hop, below 0\.9: it knows ID atomic and OOD atomic but does not combine them yet/);
    const early = { ...row(500, 0.1), acc: { ...row(500, 0.1).acc, oodAtomic: 0.4 } };
    expect(verdict({ ...base, history: { cot: [early], direct: [] } })).toMatch(/it has not learned OOD atomic 0\.40 yet, so train longer/);
    expect(t).toMatch(/Direct reached 0\.30 on OOD test multi-hop as well/);
  });
  it('reports progress, errors and divergence', () => {
    expect(verdict({ ...base, status: 'running', step: 10, history: { cot: [row(10, 0.2)], direct: [row(10, 0)] } })).toBe(
      'Training: step 10 of 2000. OOD test multi-hop so far: CoT 0.20, direct 0.00.',
    );
    expect(verdict({ ...base, status: 'error', error: 'boom' })).toMatch(/error: boom/);
    expect(verdict({ ...base, status: 'paused', step: 5, diverged: { cot: 3 } })).toMatch(/CoT arm diverged \(loss NaN from step 3\)/);
    // an arm that stopped: said once (not also as "diverged"), the other arm's result stands
    const stopped = { cot: 'The CoT arm stopped at step 3: its training loss became NaN (the model diverged).' };
    const t = verdict({ ...base, history: { cot: [], direct: [row(2000, 0)] }, diverged: { cot: 3 }, stopped });
    expect(t).toBe(
      'Finished 2000 steps. Direct stayed low on OOD test multi-hop (0.00) although it knows its prerequisites (ID atomic 1.00, OOD atomic 1.00): it does not combine them. The CoT arm stopped at step 3: its training loss became NaN (the model diverged).',
    );
    expect(verdict({ ...base, status: 'error', stopped: { cot: 'A.', direct: 'B.' } })).toBe('A. B. Press Reset to start again.');
    expect(verdict({ ...base, status: 'idle', step: 0, refused: 'Not started: estimated 5 GiB.' })).toBe(
      'Not started: estimated 5 GiB. Play stays off until it fits.',
    );
    expect(verdict({ ...base, status: 'idle', step: 0 })).toBe(
      'Press Play to train both arms on the same data: CoT learns to write the bridge, then the answer; direct learns the answer alone.',
    );
    expect(verdict({ ...base, status: 'idle', step: 0, arms: ['cot'] })).toMatch(/^Press Play to train the CoT arm alone/);
  });
  it('reads parity through its task: the test strings, no prerequisites', () => {
    const config = taskDefaults('parity');
    const r = (step: number, test: number): MetricRow => ({ step, loss: 1, acc: { train: 1, test }, answerAcc: { train: 1, test } });
    const t = verdict({ ...base, config, history: { cot: [r(2000, 1)], direct: [r(2000, 0.48)] } });
    expect(t).toBe(
      'Finished 2000 steps. CoT reached 1.00 on Test strings (≥ 0.9): it answers queries it never saw. Direct stayed at chance on Test strings (0.48; guessing gets 0.50): without the intermediate steps it did not learn the task.',
    );
    // well above guessing: the answers were learned without the steps
    expect(verdict({ ...base, config, history: { cot: [r(2000, 1)], direct: [r(2000, 0.8)] } })).toMatch(/Direct reached 0\.80 on Test strings as well/);
    expect(verdict({ ...base, config, status: 'idle', step: 0 })).toMatch(/CoT learns to write \d+ intermediate results, then the answer/);
  });
});
