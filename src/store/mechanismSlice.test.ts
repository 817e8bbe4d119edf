import { describe, expect, it } from 'vitest';
import type { MechanismRecord } from '../experiment/mechanism';
import { initialMechanism, reduceMechanism } from './mechanismSlice';

const record = (arm: 'cot' | 'direct', step: number) => ({ arm, step, ms: { lens: 1, trace: 0 }, lens: [], trace: [] }) as unknown as MechanismRecord;

describe('the mechanism slice', () => {
  it("keeps each arm's records in step order, a repeated step replaced; other messages change nothing", () => {
    const s = [record('cot', 10), record('cot', 0), record('direct', 0), record('cot', 10)].reduce(
      (x, r) => reduceMechanism(x, { type: 'mechanism', record: r }),
      initialMechanism(),
    );
    expect(s.mechanism.cot.map((r) => r.step)).toEqual([0, 10]);
    expect(s.mechanism.direct.map((r) => r.step)).toEqual([0]);
    expect(reduceMechanism(s, { type: 'progress', step: 1, running: true })).toBe(s);
  });
});
