/**
 * Tokens: entity e_i → i, relation r_j → E + j, then the end-of-answer token and padding.
 * Vocabulary size E + R + 2, as in the reference implementation.
 */
export interface Vocab {
  entities: number;
  relations: number;
  eos: number;
  pad: number;
  size: number;
}

export function makeVocab(entities: number, relations: number): Vocab {
  return { entities, relations, eos: entities + relations, pad: entities + relations + 1, size: entities + relations + 2 };
}

export const relationToken = (v: Vocab, r: number): number => v.entities + r;

export function tokenName(v: Vocab, id: number): string {
  if (id < 0 || id >= v.size || !Number.isInteger(id)) return '?';
  if (id < v.entities) return `e${id}`;
  if (id < v.eos) return `r${id - v.entities}`;
  return id === v.eos ? '</a>' : '<pad>';
}

export type TokenKind = 'entity' | 'relation' | 'eos' | 'pad' | 'unknown';
export function tokenKind(v: Vocab, id: number): TokenKind {
  if (id < 0 || id >= v.size) return 'unknown';
  if (id < v.entities) return 'entity';
  if (id < v.eos) return 'relation';
  return id === v.eos ? 'eos' : 'pad';
}

export function vocabNames(v: Vocab): string[] {
  return Array.from({ length: v.size }, (_, i) => tokenName(v, i));
}
