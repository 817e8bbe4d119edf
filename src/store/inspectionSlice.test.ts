import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import type { AttentionMessage, FromWorker } from '../worker/protocol';
import { initialInspection, reduceInspection } from './inspectionSlice';

const VOCAB = { task: 'kg', names: ['e0', 'r0', '</a>', '<pad>'], eos: 2, pad: 3, contextLength: 5 };

describe('the inspection slice', () => {
  it("keeps the run's vocabulary and examples, and the latest look inside each arm", () => {
    let s = reduceInspection(initialInspection(), { type: 'examples', vocab: VOCAB, examples: [], config: DEFAULT_CONFIG, hash: 'h' });
    expect(s.vocab).toEqual(VOCAB);
    const look = (arm: 'cot' | 'direct', step: number) => ({ type: 'attention', arm, step }) as unknown as AttentionMessage;
    s = [look('cot', 1), look('direct', 1), look('cot', 2)].reduce((x, m) => reduceInspection(x, m as FromWorker), s);
    expect([s.attention.cot?.step, s.attention.direct?.step]).toEqual([2, 1]);
    expect(s.lens).toEqual({});
    const same = reduceInspection(s, { type: 'progress', step: 3, running: true });
    expect(same).toBe(s);
  });
});
