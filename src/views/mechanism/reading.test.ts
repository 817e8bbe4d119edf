import { describe, expect, it } from 'vitest';
import type { LensSummary, MechanismRecord, TraceSummary } from '../../experiment/mechanism';
import { carrier, readMechanism, strongestState } from './reading';

const P_COT = ['h', 'r1', 'r2', 'b', 't'];
const P_DIRECT = ['h', 'r1', 'r2', 't'];
/** A lens whose bridge column at r2 and answer column (at b for CoT, r2 for direct) are the given rows. */
function lens(split: 'idTwoHop' | 'oodTwoHop', step: number, bridgeAtR2: number[], answer: number[], cot = true, queries = 200): LensSummary {
  const positions = cot ? P_COT : P_DIRECT;
  const a = positions.length - 2;
  return {
    step,
    split,
    splitLabel: split === 'idTwoHop' ? 'ID' : 'OOD',
    headline: split === 'oodTwoHop',
    positions,
    tracked: [
      { name: 'b', label: 'bridge', position: 2 },
      { name: 'answer', label: 'answer', position: a },
    ],
    top1: [bridgeAtR2.map((x) => positions.map((_, p) => (p === 2 ? x : 0))), answer.map((x) => positions.map((_, p) => (p === a ? x : 0)))],
    queries,
  };
}
const record = (arm: 'cot' | 'direct', step: number, l: LensSummary[], trace: TraceSummary[] = []): MechanismRecord => ({
  arm,
  step,
  lens: l,
  trace,
  ms: { lens: 1, trace: 1 },
});

describe('readMechanism', () => {
  it("says where each arm finds the bridge, from the numbers (the reference run's shape)", () => {
    const cot = [
      record('cot', 1200, [
        lens('idTwoHop', 1200, [0, 0.66, 0.93, 0.99, 1], [0, 0.1, 0.5, 0.9, 0.98]),
        lens('oodTwoHop', 1200, [0, 0.04, 0.24, 0.52, 0.95], [0, 0.2, 0.6, 0.9, 0.97]),
      ]),
    ];
    const direct = [
      record('direct', 1100, [lens('oodTwoHop', 1100, [0, 0, 0, 0, 0], [0, 0, 0, 0, 0.01], false)], []),
      record('direct', 1200, [
        lens('idTwoHop', 1200, [0, 0.01, 0.02, 0.01, 0], [0, 0, 0.02, 0.05, 0.08], false),
        lens('oodTwoHop', 1200, [0, 0.01, 0.01, 0, 0], [0, 0, 0, 0, 0.01], false),
      ]),
    ];
    const [c, d] = readMechanism({ cot, direct }, ['cot', 'direct'], 4);
    expect(c.step).toBe(1200);
    expect(c.sentences[0]).toBe('CoT arm, step 1200 (200 ID, 200 OOD test queries):');
    expect(c.sentences[1]).toBe('On ID queries the bridge is top-1 at r2 from layer 1 of 4 (66% of them there, 100% after the last layer).');
    expect(c.sentences[2]).toBe('On OOD queries the bridge is top-1 at r2 from layer 3 of 4 (52% of them there, 95% after the last layer).');
    expect(c.sentences[3]).toBe('The answer is top-1 at the emitted bridge (b) on 60% of OOD queries from layer 2 of 4.');
    expect(d.sentences[2]).toBe(
      'On OOD queries the bridge has not been top-1 at r2 on most of them at any layer in any of the 2 measurements so far (now at most 1%, after layer 1).',
    );
    expect(d.sentences[3]).toBe('The answer is not yet top-1 at r2 on most OOD queries (at most 1%).');
  });

  it('"not yet" before the bridge is found; "no longer" when it was found and is lost; nothing before any measurement', () => {
    const early = readMechanism({ cot: [record('cot', 0, [lens('oodTwoHop', 0, [0, 0, 0.02, 0, 0], [0, 0, 0, 0, 0])])] }, ['cot'], 4)[0];
    expect(early.sentences[1]).toBe('On OOD queries the bridge is not yet top-1 at r2 on most of them at any layer (at most 2%, after layer 2).');
    const lost = readMechanism(
      {
        cot: [
          record('cot', 100, [lens('oodTwoHop', 100, [0, 0, 0.2, 0.4, 0.7], [0, 0, 0, 0, 0])]),
          record('cot', 200, [lens('oodTwoHop', 200, [0, 0, 0.2, 0.3, 0.45], [0, 0, 0, 0, 0])]),
        ],
      },
      ['cot'],
      4,
    )[0];
    expect(lost.sentences[1]).toBe(
      'On OOD queries the bridge is no longer top-1 at r2 on most of them at any layer (at most 45%, after layer 4; it was at step 100).',
    );
    expect(readMechanism({}, ['direct'], 4)[0]).toEqual({ arm: 'direct', step: null, sentences: ['direct arm: no measurement yet.'] });
  });

  it("tracing: from which layer the target's own position carries it, or why there is nothing to restore", () => {
    const restored = [
      [0.9, 0, 0, 0.85, 0],
      [0.1, 0, 0.3, 0.7, 0],
      [0, 0, 0.2, 1, 0],
    ];
    const t: TraceSummary = {
      step: 300,
      split: 'oodTwoHop',
      splitLabel: 'OOD',
      target: 'answer',
      label: 'answer',
      position: 3,
      positions: P_COT,
      restored,
      pClean: 0.9,
      pCorrupt: 0.01,
      queries: 95,
    };
    expect(strongestState(t)).toEqual({ row: 0, position: 0, restored: 0.9 });
    expect(carrier(t)).toEqual({ position: 3, row: 0, restored: 0.85 });
    const bridge = { target: 'b', label: 'bridge', position: 2 };
    const late: TraceSummary = {
      ...t,
      ...bridge,
      restored: [
        [1, 0, 0, 0, 0],
        [0, 0, 0.3, 0, 0],
        [0, 0, 1, 0, 0],
      ],
    };
    expect(carrier(late)).toEqual({ position: 2, row: null, restored: 0.3 });
    const none: TraceSummary = { ...t, ...bridge, restored: restored.map((r) => r.map(() => null)), pClean: 0.03, pCorrupt: 0.02 };
    const r = readMechanism({ cot: [record('cot', 300, [lens('oodTwoHop', 300, [0, 0, 0.9], [0, 0, 0.9])], [t, none])] }, ['cot'], 2)[0];
    expect(r.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual): the state at b alone restores the answer from the embedding on (85%); the clean run barely prefers the bridge (p 0.03 vs 0.02 in the counterfactual): nothing to restore.',
    );
    const r2 = readMechanism(
      { cot: [record('cot', 400, [lens('oodTwoHop', 400, [0, 0, 0.9], [0, 0, 0.9])]), record('cot', 300, [], [late])].sort((a, b) => a.step - b.step) },
      ['cot'],
      2,
    )[0];
    expect(r2.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual): no state at r2 below the last layer restores most of the bridge (at most 30%). (traced at step 300)',
    );
    const neither = readMechanism(
      { cot: [record('cot', 300, [lens('oodTwoHop', 300, [0, 0, 0], [0, 0, 0])], [{ ...none, target: 'answer', label: 'answer', position: 3 }, none])] },
      ['cot'],
      2,
    )[0];
    expect(neither.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual): the clean run barely prefers the answer (p 0.03 vs 0.02 in the counterfactual) or the bridge (p 0.03 vs 0.02 in the counterfactual): nothing to restore yet.',
    );
  });

  it('another task: its split label, its intermediate results by label and name, the emitted last one, from the numbers', () => {
    const bits = 9;
    const positions = [...Array.from({ length: bits }, (_, k) => `x${k + 1}`), '=', ...Array.from({ length: bits - 1 }, (_, k) => `p${k + 1}`), 'y'];
    const tracked = [
      ...Array.from({ length: bits - 1 }, (_, k) => ({ name: `p${k + 1}`, label: `parity of bits 1–${k + 1}`, position: bits + k })),
      { name: 'answer', label: 'answer', position: 2 * bits - 1 },
    ];
    // p1, p2, p3 and p5 found (from layer 1, 1, 2, 2), the rest not; the answer at layer 2
    const foundAt: (number | null)[] = [1, 1, 2, null, 2, null, null, null, 2];
    const top1 = tracked.map((t, k) =>
      [0, 1, 2].map((r) => positions.map((_, p) => (p === t.position && foundAt[k] !== null && r >= foundAt[k]! ? 0.8 : 0.1))),
    );
    const l: LensSummary = { step: 50, split: 'test', splitLabel: 'Test strings', headline: true, positions, tracked, top1, queries: 64 };
    const [r] = readMechanism({ cot: [record('cot', 50, [l])] }, ['cot'], 2);
    expect(r.sentences).toEqual([
      'CoT arm, step 50 (64 Test strings test queries):',
      'On Test strings queries the parity of bits 1–1 is top-1 at = from layer 1 of 2 (80% of them there, 80% after the last layer).',
      'On Test strings queries 4 of the 8 intermediate results are top-1 where they are said on most of them at some layer (p1–p3, p5).',
      'The answer is top-1 at the emitted parity of bits 1–8 (p8) on 80% of Test strings queries from layer 2 of 2.',
    ]);
  });
});
