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
    positions,
    bridgeTop1: bridgeAtR2.map((x) => positions.map((_, p) => (p === 2 ? x : 0))),
    answerTop1: answer.map((x) => positions.map((_, p) => (p === a ? x : 0))),
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
    const t: TraceSummary = { step: 300, split: 'oodTwoHop', target: 'answer', positions: P_COT, restored, pClean: 0.9, pCorrupt: 0.01, queries: 95 };
    expect(strongestState(t)).toEqual({ row: 0, position: 0, restored: 0.9 });
    expect(carrier(t)).toEqual({ position: 3, row: 0, restored: 0.85 });
    const late: TraceSummary = {
      ...t,
      target: 'bridge',
      restored: [
        [1, 0, 0, 0, 0],
        [0, 0, 0.3, 0, 0],
        [0, 0, 1, 0, 0],
      ],
    };
    expect(carrier(late)).toEqual({ position: 2, row: null, restored: 0.3 });
    const none: TraceSummary = { ...t, target: 'bridge', restored: restored.map((r) => r.map(() => null)), pClean: 0.03, pCorrupt: 0.02 };
    const r = readMechanism({ cot: [record('cot', 300, [lens('oodTwoHop', 300, [0, 0, 0.9], [0, 0, 0.9])], [t, none])] }, ['cot'], 2)[0];
    expect(r.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual head): the state at b alone restores the answer from the embedding on (85%); the clean run barely prefers the bridge (p 0.03 vs 0.02 in the counterfactual): nothing to restore.',
    );
    const r2 = readMechanism(
      { cot: [record('cot', 400, [lens('oodTwoHop', 400, [0, 0, 0.9], [0, 0, 0.9])]), record('cot', 300, [], [late])].sort((a, b) => a.step - b.step) },
      ['cot'],
      2,
    )[0];
    expect(r2.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual head): no state at r2 below the last layer restores most of the bridge (at most 30%). (traced at step 300)',
    );
    const neither = readMechanism(
      { cot: [record('cot', 300, [lens('oodTwoHop', 300, [0, 0, 0], [0, 0, 0])], [{ ...none, target: 'answer' }, none])] },
      ['cot'],
      2,
    )[0];
    expect(neither.sentences.at(-1)).toBe(
      'Tracing OOD queries (95 with a counterfactual head): the clean run barely prefers the answer (p 0.03 vs 0.02 in the counterfactual) or the bridge (p 0.03 vs 0.02 in the counterfactual): nothing to restore yet.',
    );
  });
});
