import { describe, expect, it } from 'vitest';
import { initialCheckpoints, reduceCheckpoints } from './checkpointsSlice';

describe('the checkpoints slice', () => {
  it("the step of each arm's last saved checkpoint, or the one it resumed from; a problem changes nothing", () => {
    let s = reduceCheckpoints(initialCheckpoints(), { type: 'checkpoint', arm: 'cot', step: 100 });
    s = reduceCheckpoints(s, { type: 'resumed', arm: 'direct', step: 50, history: [] });
    expect(s.checkpoints).toEqual({ cot: 100, direct: 50 });
    const full = reduceCheckpoints(s, { type: 'checkpoint', arm: 'cot', step: 200, problem: { kind: 'quota', text: 'full' } });
    expect(full).toBe(s);
    expect(reduceCheckpoints(s, { type: 'resumed', arm: 'cot', step: 0, history: [], problem: 'missing' })).toBe(s);
  });
});
