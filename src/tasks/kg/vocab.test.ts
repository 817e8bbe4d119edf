import { describe, expect, it } from 'vitest';
import { makeVocab, relationToken, tokenKind, tokenName, vocabNames } from './vocab';

describe('vocab', () => {
  const v = makeVocab(5, 3);
  it('entities, then relations, then </a> and <pad>: size E + R + 2', () => {
    expect(v.size).toBe(10);
    expect(vocabNames(v)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'r0', 'r1', 'r2', '</a>', '<pad>']);
    expect(relationToken(v, 2)).toBe(7);
    expect(v.eos).toBe(8);
    expect(v.pad).toBe(9);
  });
  it('kinds and names of out-of-range ids', () => {
    expect([0, 5, 8, 9, 10, -1].map((t) => tokenKind(v, t))).toEqual(['entity', 'relation', 'eos', 'pad', 'unknown', 'unknown']);
    expect(tokenName(v, 10)).toBe('?');
    expect(tokenName(v, 1.5)).toBe('?');
  });
});
