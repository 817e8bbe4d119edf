/**
 * Queries to inspect: a few ID and OOD test queries from the dataset, typed queries ("e3 r1 r4"), and what
 * the dataset says about a query (its true bridges and answer, and which split it belongs to). Pure.
 */
import type { Dataset } from '../data/distribution';
import { relationToken, tokenName, type Vocab } from '../experiment/vocab';
import type { ExampleOption, QueryTruth, VocabInfo } from './protocol';

export const MAX_QUERY_RELATIONS = 3;

export function promptText(v: Pick<Vocab, 'entities' | 'relations'>, prompt: number[]): string {
  const vocab = { ...v, eos: v.entities + v.relations, pad: v.entities + v.relations + 1, size: v.entities + v.relations + 2 };
  return prompt.map((t) => tokenName(vocab, t)).join(' ');
}

/** The first `n` evaluation queries of the ID and OOD multi-hop test splits. */
export function pickExamples(d: Dataset, n = 6): ExampleOption[] {
  const out: ExampleOption[] = [];
  for (const split of ['oodTwoHop', 'idTwoHop'] as const) {
    for (const item of d.splits[split].slice(0, n)) out.push({ split, prompt: item.prompt, text: promptText(d.vocab, item.prompt) });
  }
  return out;
}

/**
 * Reads a typed query: an entity then one to three relations, e.g. "e3 r1 r4" (spaces or commas).
 * Returns the prompt tokens, or a plain-text reason it cannot be read.
 */
export function parsePrompt(text: string, v: VocabInfo): { prompt: number[] } | { error: string } {
  const parts = text
    .slice(0, 200)
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (parts.length < 2) return { error: 'Type an entity and one to three relations, e.g. "e3 r1 r4".' };
  if (parts.length > 1 + MAX_QUERY_RELATIONS) return { error: `At most ${MAX_QUERY_RELATIONS} relations.` };
  const prompt: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^([er])(\d{1,5})$/i.exec(parts[i]);
    const want = i === 0 ? 'e' : 'r';
    if (!m || m[1].toLowerCase() !== want) {
      return { error: `"${parts[i].slice(0, 12)}" should be ${i === 0 ? 'an entity like e3' : 'a relation like r1'}.` };
    }
    const n = Number(m[2]);
    const limit = want === 'e' ? v.entities : v.relations;
    if (n >= limit) return { error: `${want}${n} does not exist: ${want === 'e' ? 'entities' : 'relations'} go up to ${want}${limit - 1}.` };
    prompt.push(want === 'e' ? n : v.entities + n);
  }
  return { prompt };
}

interface Index {
  /** (h · R + r) → atomic fact index */
  facts: Map<number, number>;
  train: Set<string>;
  idTest: Set<string>;
}
const indexes = new WeakMap<Dataset, Index>();
const pathKey = (h: number, rels: number[]) => `${h}:${rels.join(',')}`;

function indexOf(d: Dataset): Index {
  let ix = indexes.get(d);
  if (!ix) {
    const R = d.vocab.relations;
    ix = {
      facts: new Map(d.atomic.map((f, i) => [f.h * R + f.r, i])),
      train: new Set(d.trainClean.map((p) => pathKey(p.h, p.rels))),
      idTest: new Set(d.idTest.map((p) => pathKey(p.h, p.rels))),
    };
    indexes.set(d, ix);
  }
  return ix;
}

/** Follows the query through the knowledge graph. */
export function truthFor(d: Dataset, prompt: number[]): QueryTruth {
  const v = d.vocab;
  const none: QueryTruth = { cotTarget: null, directTarget: null, bridges: [], answer: null, kind: 'not in the graph' };
  const [h, ...relTokens] = prompt;
  if (h === undefined || h < 0 || h >= v.entities || relTokens.length === 0) return none;
  const rels = relTokens.map((t) => t - v.entities);
  if (rels.some((r) => r < 0 || r >= v.relations)) return none;
  const ix = indexOf(d);
  const nodes: number[] = [];
  let oodHops = 0;
  let cur = h;
  for (const r of rels) {
    const i = ix.facts.get(cur * v.relations + r);
    if (i === undefined) return { ...none, bridges: nodes.slice(), kind: `not in the graph: ${tokenName(v, cur)} has no ${tokenName(v, relationToken(v, r))}` };
    if (d.atomic[i].ood) oodHops++;
    cur = d.atomic[i].t;
    nodes.push(cur);
  }
  const answer = nodes[nodes.length - 1];
  const bridges = nodes.slice(0, -1);
  const k = rels.length;
  let kind: string;
  if (k === 1) kind = oodHops ? 'OOD atomic fact' : 'ID atomic fact';
  else if (oodHops === k) kind = k === d.hops ? 'OOD test' : `all-OOD ${k}-hop (never trained)`;
  else if (oodHops > 0) kind = 'mixed ID/OOD (never trained or tested)';
  else if (k !== d.hops) kind = `ID ${k}-hop (the data has ${d.hops}-hop queries)`;
  else if (ix.train.has(pathKey(h, rels))) kind = 'training query';
  else if (ix.idTest.has(pathKey(h, rels))) kind = 'ID test';
  else kind = 'ID, not sampled for training';
  return {
    cotTarget: [...bridges, answer, v.eos],
    directTarget: [answer, v.eos],
    bridges,
    answer,
    kind,
  };
}
