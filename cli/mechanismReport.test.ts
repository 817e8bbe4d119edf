import { describe, expect, it } from 'vitest';
import type { MechanismRecord } from '../src/experiment/mechanism';
import { costLine, lensLine, traceLine, withMechanism } from './mechanismReport';
import { kgLens, kgTrace } from '../tests/support/kgMechanism';

const NOT_RESTORED = [0, 1, 2].map(() => [null, null, null, null, null]);
const record = (step: number): MechanismRecord => ({
  arm: 'cot',
  step,
  lens: [
    kgLens(
      step,
      [
        [
          [0, 0, 0, 1, 0],
          [0, 0, 0.24, 0, 0],
          [0, 0, 0.95, 0, 0],
        ],
        [
          [0, 0, 0, 0, 1],
          [0, 0, 0, 0.5, 0],
          [0, 0, 0, 0.9, 0],
        ],
      ],
      100,
    ),
  ],
  trace: [
    kgTrace(step, 'answer', {
      restored: [
        [0.1, 0, 0, 0.8, 0],
        [0, 0, 0, 0.7, 0],
        [0, 0, 0, 1, 0],
      ],
      pClean: 0.9,
      pCorrupt: 0,
      queries: 90,
    }),
    kgTrace(step, 'b', { restored: NOT_RESTORED, pClean: 0, pCorrupt: 0, queries: 90 }),
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

describe('--lens of a task with many intermediate results', () => {
  it('prints the first, middle and last of them and the answer, by their short names, where each is said', () => {
    const positions = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', '=', 'p1', 'p2', 'p3', 'p4', 'p5', 'y'];
    const tracked = [
      ...[1, 2, 3, 4, 5].map((k) => ({ name: `p${k}`, label: `parity of bits 1–${k}`, position: 5 + k })),
      { name: 'answer', label: 'answer', position: 11 },
    ];
    const top1 = tracked.map((_, k) => [positions.map((_, p) => (p === tracked[k].position ? k / 10 : 0))]);
    const r: MechanismRecord = {
      arm: 'cot',
      step: 0,
      lens: [{ step: 0, split: 'test', splitLabel: 'Test strings', headline: true, positions, tracked, top1, queries: 10 }],
      trace: [],
      ms: { lens: 0, trace: 0 },
    };
    expect(lensLine('cot', r)).toContain('Test strings p1@= 0.00 · p3@p2 0.20 · p5@p4 0.40 · answer@p5 0.50');
  });
});
