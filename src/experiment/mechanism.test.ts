import { describe, expect, it } from 'vitest';
import { foundLayer, foundShare, type LensSummary } from './mechanism';

const lens = (shares: number[], chance?: number): Pick<LensSummary, 'tracked' | 'top1' | 'chance'> => ({
  tracked: [{ name: 'p1', label: 'parity of bit 1', position: 1 }],
  top1: [shares.map((s) => [0, s])],
  ...(chance !== undefined ? { chance } : {}),
});

describe('found in the lens', () => {
  it('on most queries; where a constant guess gets half right (a yes/no result), clearly above that', () => {
    expect(foundShare({})).toBe(0.5);
    expect(foundShare({ chance: 0.5 })).toBe(0.75);
    expect(foundLayer(lens([0.2, 0.6, 0.9]), 0)).toBe(1);
    expect(foundLayer(lens([0.2, 0.6, 0.9], 0.5), 0)).toBe(2);
    expect(foundLayer(lens([0.5, 0.6, 0.7], 0.5), 0)).toBeNull();
  });
});
