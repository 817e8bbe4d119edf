import { describe, expect, it } from 'vitest';
import type { MechanismRecord } from '../src/experiment/mechanism';
import { costLine, lensLine, traceLine, withMechanism } from './mechanism';

const record = (step: number): MechanismRecord => ({
  arm: 'cot',
  step,
  lens: [
    {
      step,
      split: 'oodTwoHop',
      positions: ['h', 'r1', 'r2', 'b', 't'],
      bridgeTop1: [
        [0, 0, 0, 1, 0],
        [0, 0, 0.24, 0, 0],
        [0, 0, 0.95, 0, 0],
      ],
      answerTop1: [
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0.5, 0],
        [0, 0, 0, 0.9, 0],
      ],
      queries: 100,
    },
  ],
  trace: [
    {
      step,
      split: 'oodTwoHop',
      target: 'answer',
      positions: ['h', 'r1', 'r2', 'b', 't'],
      restored: [
        [0.1, 0, 0, 0.8, 0],
        [0, 0, 0, 0.7, 0],
        [0, 0, 0, 1, 0],
      ],
      pClean: 0.9,
      pCorrupt: 0,
      queries: 90,
    },
    {
      step,
      split: 'oodTwoHop',
      target: 'bridge',
      positions: ['h', 'r1', 'r2', 'b', 't'],
      restored: [
        [null, null, null, null, null],
        [null, null, null, null, null],
        [null, null, null, null, null],
      ],
      pClean: 0,
      pCorrupt: 0,
      queries: 90,
    },
  ],
  ms: { lens: 10, trace: 100 },
});

describe('--lens / --trace in the report', () => {
  const report = { version: 1, arms: { cot: { stepsPerSec: 5, history: [] }, direct: { stepsPerSec: 6, history: [] } } };

  it('adds lens and trace per arm, one entry per evaluation and split, and the time spent', () => {
    const out = withMechanism(report, { cot: [record(0), record(100)] }, { lens: true, trace: true });
    const cot = out.arms.cot as Record<string, unknown>;
    expect((cot.lens as unknown[]).length).toBe(2);
    expect((cot.trace as unknown[]).length).toBe(4);
    expect(cot.mechanismMs).toEqual({ lens: 20, trace: 200 });
    expect(cot.stepsPerSec).toBe(5);
    expect((out.arms.direct as Record<string, unknown>).lens).toEqual([]);
  });

  it('only what was asked; nothing without the flags', () => {
    const lensOnly = withMechanism(report, { cot: [record(0)] }, { lens: true, trace: false });
    expect('trace' in (lensOnly.arms.cot as object)).toBe(false);
    expect(withMechanism(report, { cot: [record(0)] }, { lens: false, trace: false })).toBe(report);
  });

  it('prints the bridge at r2 row by row, the strongest restoring state below the last layer, and the cost', () => {
    expect(lensLine('cot', record(0))).toContain('OOD bridge@r2 0.00 0.24 0.95 · answer@b 0.00 0.50 0.90');
    const t = traceLine('cot', record(0));
    expect(t).toContain('OOD answer: b from emb 0.80');
    expect(t).toContain('OOD bridge: no effect');
    expect(costLine({ cot: [record(0)] }, 11)).toBe(
      'mechanism: 1 measurements; lens 0.0 s (0.1% of training time), trace 0.1 s (0.9% of training time); training 11.0 s',
    );
  });
});
