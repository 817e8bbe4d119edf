/**
 * The knowledge graph (Wang et al. 2024; Yao et al. 2025): k-hop questions over a random graph of atomic facts.
 * The CoT arm writes the bridge entities, then the answer; the direct arm the answer alone. The OOD test holds
 * queries built only from facts never trained inside a multi-hop query.
 */
import type { Config } from '../../experiment/schema';
import { judgeSpan } from '../judge';
import type { Dataset, EvalItem, QueryTruth, SplitSpec, TaskSpec } from '../types';
import { countPaths, generateKg, MAX_PATHS, maxSequenceLength, SPLITS, trainingSequences, type KgData, type KgEvalItem, type SplitName } from './generate';
import { makeVocab, relationToken, tokenName, vocabNames } from './vocab';
import { kgPreview } from './preview';
import { EARLIER_DEFAULTS } from '../params';
import { THREE_HOPS_PRESET, threeHopsRecipeTitle } from './threeHops';

export const KG_SPLIT_LABELS: Record<SplitName, string> = {
  idAtomic: 'ID atomic',
  oodAtomic: 'OOD atomic',
  trainTwoHop: 'Train multi-hop',
  idTwoHop: 'ID test multi-hop',
  oodTwoHop: 'OOD test multi-hop',
};
const ROLE: Record<SplitName, SplitSpec['role']> = {
  idAtomic: 'prerequisite',
  oodAtomic: 'prerequisite',
  trainTwoHop: 'train',
  idTwoHop: 'test',
  oodTwoHop: 'headline',
};

const hopsOf = (c: Pick<Config, 'hops'>): 2 | 3 => Number(c.hops) as 2 | 3;

/**
 * The model's context, the one statement of it for this task: the longest CoT training sequence of the deepest
 * chain the task offers (3 hops: h r1 r2 r3 b1 b2 t </a>), whatever the config's hops.
 */
const CONTEXT_LENGTH = maxSequenceLength(3);

/** The hashed body of the knowledge graph's datasets, as it was before tasks were plug-ins (hashes unchanged). */
function hashBody(d: KgData): unknown {
  return {
    vocab: d.vocab,
    atomic: d.atomic.map((f) => [f.h, f.r, f.t, f.ood ? 1 : 0]),
    train: d.train.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    idTest: d.idTest.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    oodTest: d.oodTest.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    splits: d.splits,
    // only when some CoT facts are answer-only, so that hashes of share-1 datasets stay as they were
    ...(d.cotBridge ? { cotBridge: d.cotBridge.map((b) => (b ? 1 : 0)).join('') } : {}),
  };
}

const item = (it: KgEvalItem): EvalItem => ({
  prompt: it.prompt,
  target: it.target,
  directTarget: it.directTarget,
  answer: [it.answer],
  steps: it.target.slice(0, -2),
});

/** The knowledge graph a dataset of this task was generated from. */
export const kgOf = (d: Dataset): KgData => d.detail as KgData;

function toDataset(k: KgData): Dataset {
  const v = k.vocab;
  return {
    task: 'kg',
    vocab: { size: v.size, eos: v.eos, pad: v.pad, names: vocabNames(v) },
    contextLength: CONTEXT_LENGTH,
    train: { cot: trainingSequences(k, true), direct: trainingSequences(k, false) },
    splits: SPLITS.map((id) => ({ id, label: KG_SPLIT_LABELS[id], role: ROLE[id], items: k.splits[id].map(item) })),
    rlItems: k.trainClean.map((p) => ({
      prompt: [p.h, ...p.rels.map((r) => relationToken(v, r))],
      target: [...p.bridges, p.t, v.eos],
      directTarget: [p.t, v.eos],
      answer: [p.t],
      steps: p.bridges,
    })),
    stats: { ...k.stats },
    hashBody: hashBody(k),
    detail: k,
  };
}

// ------------------------------------------------------------------ the inspector's queries

interface Index {
  facts: Map<number, number>;
  train: Set<string>;
  idTest: Set<string>;
}
const indexes = new WeakMap<KgData, Index>();
const pathKey = (h: number, rels: number[]) => `${h}:${rels.join(',')}`;
function indexOf(k: KgData): Index {
  let ix = indexes.get(k);
  if (!ix) {
    const R = k.vocab.relations;
    ix = {
      facts: new Map(k.atomic.map((f, i) => [f.h * R + f.r, i])),
      train: new Set(k.trainClean.map((p) => pathKey(p.h, p.rels))),
      idTest: new Set(k.idTest.map((p) => pathKey(p.h, p.rels))),
    };
    indexes.set(k, ix);
  }
  return ix;
}

/** Follows a query through the graph: its true bridges and answer, and which split it belongs to. */
export function kgTruth(k: KgData, prompt: number[]): QueryTruth {
  const v = k.vocab;
  const none: QueryTruth = { cotTarget: null, directTarget: null, steps: [], answer: null, kind: 'not in the graph' };
  const [h, ...relTokens] = prompt;
  if (h === undefined || h < 0 || h >= v.entities || relTokens.length === 0) return none;
  const rels = relTokens.map((t) => t - v.entities);
  if (rels.some((r) => r < 0 || r >= v.relations)) return none;
  const ix = indexOf(k);
  const nodes: number[] = [];
  let oodHops = 0;
  let cur = h;
  for (const r of rels) {
    const i = ix.facts.get(cur * v.relations + r);
    if (i === undefined) return { ...none, steps: nodes.slice(), kind: `not in the graph: ${tokenName(v, cur)} has no ${tokenName(v, relationToken(v, r))}` };
    if (k.atomic[i].ood) oodHops++;
    cur = k.atomic[i].t;
    nodes.push(cur);
  }
  const answer = nodes[nodes.length - 1];
  const bridges = nodes.slice(0, -1);
  const n = rels.length;
  let kind: string;
  if (n === 1) kind = oodHops ? 'OOD atomic fact' : 'ID atomic fact';
  else if (oodHops === n) kind = n === k.hops ? 'OOD test' : `all-OOD ${n}-hop (never trained)`;
  else if (oodHops > 0) kind = 'mixed ID/OOD (never trained or tested)';
  else if (n !== k.hops) kind = `ID ${n}-hop (the data has ${k.hops}-hop queries)`;
  else if (ix.train.has(pathKey(h, rels))) kind = 'training query';
  else if (ix.idTest.has(pathKey(h, rels))) kind = 'ID test';
  else kind = 'ID, not sampled for training';
  return { cotTarget: [...bridges, answer, v.eos], directTarget: [answer, v.eos], steps: bridges, answer: [answer], kind };
}

export const MAX_QUERY_RELATIONS = 3;

/** Reads a typed query: an entity then one to three relations, e.g. "e3 r1 r4" (spaces or commas). */
export function parseKgPrompt(v: { entities: number; relations: number }, text: string): number[] | string {
  const parts = text
    .slice(0, 200)
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (parts.length < 2) return 'Type an entity and one to three relations, e.g. "e3 r1 r4".';
  if (parts.length > 1 + MAX_QUERY_RELATIONS) return `At most ${MAX_QUERY_RELATIONS} relations.`;
  const prompt: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^([er])(\d{1,5})$/i.exec(parts[i]);
    const want = i === 0 ? 'e' : 'r';
    if (!m || m[1].toLowerCase() !== want) return `"${parts[i].slice(0, 12)}" should be ${i === 0 ? 'an entity like e3' : 'a relation like r1'}.`;
    const n = Number(m[2]);
    const limit = want === 'e' ? v.entities : v.relations;
    if (n >= limit) return `${want}${n} does not exist: ${want === 'e' ? 'entities' : 'relations'} go up to ${want}${limit - 1}.`;
    prompt.push(want === 'e' ? n : v.entities + n);
  }
  return prompt;
}

/** Entity and relation counts from the token names (e0 … e(E−1), r0 … r(R−1), </a>, <pad>). */
export function kgVocabCounts(names: readonly string[]): { entities: number; relations: number } {
  const entities = names.filter((n) => /^e\d+$/.test(n)).length;
  return { entities, relations: names.filter((n) => /^r\d+$/.test(n)).length };
}

// ------------------------------------------------------------------ counterfactuals for tracing

/**
 * A path with the same relations from another head entity whose bridges and answer all differ from the query's
 * (drawn with `rng`); null when the graph has none.
 */
export function kgCounterfactual(k: KgData, it: EvalItem, rng: () => number): EvalItem | null {
  const { entities: E, relations: R, eos } = k.vocab;
  const tail = (tails.get(k) ?? tails.set(k, new Map(k.atomic.map((f) => [f.h * R + f.r, f.t]))).get(k)) as Map<number, number>;
  const rels = it.prompt.slice(1).map((tok) => tok - E);
  const own = [...it.steps, ...it.answer];
  const candidates: EvalItem[] = [];
  for (let h = 0; h < E; h++) {
    if (h === it.prompt[0]) continue;
    const nodes: number[] = [];
    let x = h;
    let ok = true;
    for (const r of rels) {
      const t = tail.get(x * R + r);
      if (t === undefined) {
        ok = false;
        break;
      }
      nodes.push(t);
      x = t;
    }
    if (!ok || nodes.some((n, i) => n === own[i])) continue;
    const answer = nodes[nodes.length - 1];
    candidates.push({ prompt: [h, ...it.prompt.slice(1)], target: [...nodes, eos], directTarget: [answer, eos], answer: [answer], steps: nodes.slice(0, -1) });
  }
  return candidates.length ? candidates[Math.floor(rng() * candidates.length)] : null;
}
const tails = new WeakMap<KgData, Map<number, number>>();

// ------------------------------------------------------------------ the task

export const KG_TASK: TaskSpec = {
  id: 'kg',
  label: 'Knowledge graph (k-hop)',
  description:
    'Two- or three-hop questions over a random graph of facts: CoT writes the bridge entity, and only then composes facts never seen composed (OOD).',
  explanation: [
    'A small transformer learns facts about a made-up world (a random knowledge graph: e12 r3 → e40) and is asked two-hop questions (e12 r3 r7 → ?).',
    'Some facts are OOD: they are trained only as single facts, never inside a two-hop question. Trained to write the bridge entity first (CoT), the model answers two-hop questions built only from OOD facts; trained on the answer alone (direct), it does not (Yao et al. 2025).',
  ],
  lookFor: ['Noise ξ on the final answer costs a little; noise on the bridge costs much more.'],
  source: { text: 'After Yao et al., “Unveiling the Mechanisms of Explicit CoT Training” (arXiv 2502.04667)', href: 'https://arxiv.org/abs/2502.04667' },
  params: ['entities', 'relations', 'degree', 'oodShare', 'lambda', 'hops', 'idTestShare'],
  splits: () => SPLITS.map((id) => ({ id, label: KG_SPLIT_LABELS[id], role: ROLE[id] })),
  intermediates: (c) =>
    hopsOf(c) === 2
      ? [{ name: 'b', label: 'bridge' }]
      : [
          { name: 'b1', label: 'first bridge' },
          { name: 'b2', label: 'second bridge' },
        ],
  vocabSize: (c) => makeVocab(c.entities, c.relations).size,
  contextLength: () => CONTEXT_LENGTH,
  tooLarge: (c) => {
    const paths = countPaths({ entities: c.entities, degree: c.degree, hops: c.hops });
    return paths > MAX_PATHS
      ? `This graph has ${paths.toLocaleString('en-US')} multi-hop paths (entities × degree^hops), more than the ${MAX_PATHS.toLocaleString('en-US')} the playground enumerates. Lower entities, degree or hops.`
      : null;
  },
  generate: (c) => toDataset(generateKg(c)),
  positions: (c, cot) => {
    const hops = hopsOf(c);
    const rels = Array.from({ length: hops }, (_, i) => `r${i + 1}`);
    const bridges = cot ? (hops === 2 ? ['b'] : ['b1', 'b2']) : [];
    return ['h', ...rels, ...bridges, 't'];
  },
  // the first bridge is said at the last relation, the second at the first bridge, the answer after the last
  // bridge; the direct arm never says the bridges: they would have to be resolved at the last relation
  emitPosition: (c, cot, k) => (cot ? hopsOf(c) + k : hopsOf(c)),
  judge: (cont, it, v) => judgeSpan(cont, it, v.eos, (t) => t >= 0 && t < v.names.length && /^e\d+$/.test(v.names[t])),
  counterfactual: (d, it, rng) => kgCounterfactual(kgOf(d), it, rng),
  preview: (d, c) => kgPreview(kgOf(d), c),
  recipes: [
    {
      id: 'three-hops',
      label: `Three hops (${THREE_HOPS_PRESET.layers} layers)`,
      title: threeHopsRecipeTitle(),
      preset: THREE_HOPS_PRESET,
    },
    {
      id: 'earlier-default',
      label: 'λ 7.2, 2,000 steps',
      title:
        "The paper's λ 7.2 with learning rate 1e-3 over 2,000 steps (the default until link version 2): CoT reaches the gap at steps 700–900, but its direct arm knew its OOD atomic facts (0.93) only at step 2,000 (seed 1)",
      preset: EARLIER_DEFAULTS[1].kg,
    },
  ],
  examples: (d, n) => {
    const out: { split: string; prompt: number[] }[] = [];
    for (const id of ['oodTwoHop', 'idTwoHop'] as const) for (const it of kgOf(d).splits[id].slice(0, n)) out.push({ split: id, prompt: it.prompt });
    return out;
  },
  truth: (d, prompt) => kgTruth(kgOf(d), prompt),
  parsePrompt: (d, text) => parseKgPrompt(kgVocabCounts(d.vocab.names), text),
};
