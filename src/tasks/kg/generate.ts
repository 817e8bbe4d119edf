/**
 * The paper's data generator (Wang et al. 2024; Yao et al. 2025), pure and seeded.
 *
 * Atomic facts (h, r) → t: every entity gets `degree` distinct relations, each to a uniformly random tail.
 * A share of atomic facts is OOD; all atomic facts are trained. A k-hop path composes k atomic facts:
 * all hops ID → the ID pool (part held out as the ID test), all hops OOD → the OOD test, mixed → dropped.
 * λ × |ID atomic| multi-hop facts are drawn from the rest of the pool for training; noise ξ corrupts a
 * share of them (fixed at generation, so both arms see the same corrupted examples).
 */
import seedrandom from 'seedrandom';
import type { Config } from '../../experiment/schema';
import type { Sequence } from '../types';
import { makeVocab, relationToken, type Vocab } from './vocab';

/** The five evaluation splits of the knowledge graph. */
export type SplitName = 'idAtomic' | 'oodAtomic' | 'trainTwoHop' | 'idTwoHop' | 'oodTwoHop';
export const SPLITS: readonly SplitName[] = ['idAtomic', 'oodAtomic', 'trainTwoHop', 'idTwoHop', 'oodTwoHop'];

export interface AtomicFact {
  h: number;
  r: number;
  t: number;
  ood: boolean;
}
/** A k-hop path: head, k relations, k − 1 bridges, tail. */
export interface Path {
  h: number;
  rels: number[];
  bridges: number[];
  t: number;
}

export interface KgEvalItem {
  prompt: number[];
  /** Continuation up to and including </a>: for multi-hop splits the CoT target (bridges, answer). */
  target: number[];
  /** The direct arm's continuation (answer, </a>). Same as target for atomic splits. */
  directTarget: number[];
  answer: number;
}

export interface DataStats {
  atomic: number;
  idAtomic: number;
  oodAtomic: number;
  paths: number;
  idPool: number;
  mixedDropped: number;
  idTwoHop: number;
  oodTwoHop: number;
  trainTwoHop: number;
  noisy: number;
  lambdaEffective: number;
}

export interface KgData {
  vocab: Vocab;
  hops: 2 | 3;
  atomic: AtomicFact[];
  /** Multi-hop training facts as trained (noise applied). */
  train: Path[];
  /** Same facts without noise, for reference. */
  trainClean: Path[];
  idTest: Path[];
  oodTest: Path[];
  stats: DataStats;
  /** Evaluation samples per split (same for both arms). */
  splits: Record<SplitName, KgEvalItem[]>;
  /** CoT arm: which multi-hop training facts carry their bridges (cotShare < 1); null: all. */
  cotBridge: boolean[] | null;
}

const ID_TEST_MAX = 1000;

type Rng = () => number;
const randInt = (rng: Rng, n: number) => Math.floor(rng() * n);
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
/** A different entity than `avoid`, uniformly. */
function otherEntity(rng: Rng, entities: number, avoid: number): number {
  const x = randInt(rng, entities - 1);
  return x + (x >= avoid ? 1 : 0);
}

export type DataConfig = Pick<
  Config,
  'seed' | 'entities' | 'relations' | 'degree' | 'oodShare' | 'lambda' | 'hops' | 'noise' | 'noiseKind' | 'idTestShare' | 'evalSize' | 'cotShare'
>;

/** Largest number of paths we enumerate; beyond it the UI/CLI must ask for a smaller graph. */
export const MAX_PATHS = 3_000_000;

export function countPaths(c: Pick<Config, 'entities' | 'degree' | 'hops'>): number {
  return c.entities * c.degree ** Number(c.hops);
}

export function generateKg(c: DataConfig): KgData {
  const hops = Number(c.hops) as 2 | 3;
  if (countPaths(c) > MAX_PATHS) {
    throw new RangeError(`entities × degree^hops = ${countPaths(c)} paths is more than ${MAX_PATHS}; use a smaller graph.`);
  }
  const E = c.entities;
  const vocab = makeVocab(E, c.relations);
  const rng = seedrandom.alea(`cot-data-${c.seed}`);

  // atomic facts: out[h] = [(r, t)], fact index per (h, r)
  const atomic: AtomicFact[] = [];
  const out: { r: number; t: number; i: number }[][] = [];
  const allRel = Array.from({ length: c.relations }, (_, r) => r);
  for (let h = 0; h < E; h++) {
    const rels = shuffled(rng, allRel).slice(0, c.degree);
    out.push(
      rels.map((r) => {
        const t = randInt(rng, E);
        atomic.push({ h, r, t, ood: false });
        return { r, t, i: atomic.length - 1 };
      }),
    );
  }
  const nOod = Math.round(atomic.length * c.oodShare);
  for (const i of shuffled(rng, Array.from(atomic.keys())).slice(0, nOod)) atomic[i].ood = true;

  // enumerate k-hop paths
  const pool: Path[] = [];
  const oodTest: Path[] = [];
  let mixed = 0;
  const walk = (h: number, node: number, rels: number[], bridges: number[], nOodHops: number) => {
    for (const f of out[node]) {
      const ood = nOodHops + (atomic[f.i].ood ? 1 : 0);
      if (rels.length + 1 === hops) {
        const p: Path = { h, rels: [...rels, f.r], bridges, t: f.t };
        if (ood === 0) pool.push(p);
        else if (ood === hops) oodTest.push(p);
        else mixed++;
      } else {
        walk(h, f.t, [...rels, f.r], [...bridges, f.t], ood);
      }
    }
  };
  for (let h = 0; h < E; h++) walk(h, h, [], [], 0);

  const idAtomic = atomic.filter((f) => !f.ood);
  const nIdTest = Math.min(ID_TEST_MAX, Math.max(1, Math.round(c.idTestShare * pool.length)));
  const order = shuffled(rng, pool);
  const idTest = pool.length > 0 ? order.slice(0, nIdTest) : [];
  const trainPool = order.slice(idTest.length);
  const nTrain = Math.min(Math.round(c.lambda * idAtomic.length), trainPool.length);
  const trainClean = shuffled(rng, trainPool).slice(0, nTrain);

  let noisy = 0;
  const train = trainClean.map((p) => {
    if (c.noise <= 0 || rng() >= c.noise) return p;
    noisy++;
    const q: Path = { h: p.h, rels: p.rels, bridges: p.bridges.slice(), t: p.t };
    if (c.noiseKind === 't' || c.noiseKind === 'both') q.t = otherEntity(rng, E, p.t);
    if (c.noiseKind === 'b' || c.noiseKind === 'both') {
      const k = randInt(rng, q.bridges.length);
      q.bridges[k] = otherEntity(rng, E, q.bridges[k]);
    }
    return q;
  });

  const stats: DataStats = {
    atomic: atomic.length,
    idAtomic: idAtomic.length,
    oodAtomic: atomic.length - idAtomic.length,
    paths: pool.length + oodTest.length + mixed,
    idPool: pool.length,
    mixedDropped: mixed,
    idTwoHop: idTest.length,
    oodTwoHop: oodTest.length,
    trainTwoHop: train.length,
    noisy,
    lambdaEffective: idAtomic.length > 0 ? train.length / idAtomic.length : 0,
  };

  // evaluation samples, from their own stream so that they do not shift when eval size changes the rest
  const erng = seedrandom.alea(`cot-eval-${c.seed}`);
  const sample = <T>(xs: T[]): T[] => {
    if (xs.length <= c.evalSize) return xs;
    return shuffled(erng, Array.from(xs.keys()))
      .slice(0, c.evalSize)
      .sort((a, b) => a - b)
      .map((i) => xs[i]);
  };
  const atomicItem = (f: AtomicFact): KgEvalItem => ({
    prompt: [f.h, relationToken(vocab, f.r)],
    target: [f.t, vocab.eos],
    directTarget: [f.t, vocab.eos],
    answer: f.t,
  });
  const pathItem = (p: Path): KgEvalItem => ({
    prompt: pathPrompt(vocab, p),
    target: [...p.bridges, p.t, vocab.eos],
    directTarget: [p.t, vocab.eos],
    answer: p.t,
  });
  const splits: Record<SplitName, KgEvalItem[]> = {
    idAtomic: sample(idAtomic).map(atomicItem),
    oodAtomic: sample(atomic.filter((f) => f.ood)).map(atomicItem),
    trainTwoHop: sample(train).map(pathItem),
    idTwoHop: sample(idTest).map(pathItem),
    oodTwoHop: sample(oodTest).map(pathItem),
  };
  return { vocab, hops, atomic, train, trainClean, idTest, oodTest, stats, splits, cotBridge: cotSubset(train.length, c.cotShare, c.seed) };
}

/**
 * Which multi-hop training facts carry their bridges in the CoT arm (the rest are answer-only there): a fixed
 * subset of round(share × n), chosen by the seed on a stream of its own (so the rest of the data is unchanged).
 * null: all of them (share 1).
 */
export function cotSubset(n: number, share: number, seed: number): boolean[] | null {
  if (share >= 1) return null;
  const rng = seedrandom.alea(`cot-share-${seed}`);
  const mask = new Array<boolean>(n).fill(false);
  for (const i of shuffled(
    rng,
    Array.from({ length: n }, (_, k) => k),
  ).slice(0, Math.round(share * n)))
    mask[i] = true;
  return mask;
}

export const pathPrompt = (v: Vocab, p: Path): number[] => [p.h, ...p.rels.map((r) => relationToken(v, r))];

/** Training sequences (prompt + continuation) of one arm: all atomic facts, then the multi-hop facts. */
export function atomicSequence(v: Vocab, f: AtomicFact): Sequence {
  return { tokens: [f.h, relationToken(v, f.r), f.t, v.eos], promptLength: 2 };
}
export function pathSequence(v: Vocab, p: Path, cot: boolean): Sequence {
  const prompt = pathPrompt(v, p);
  return { tokens: [...prompt, ...(cot ? p.bridges : []), p.t, v.eos], promptLength: prompt.length };
}
export function trainingSequences(d: KgData, cot: boolean): Sequence[] {
  const bridge = (i: number) => cot && (d.cotBridge?.[i] ?? true);
  return [...d.atomic.map((f) => atomicSequence(d.vocab, f)), ...d.train.map((p, i) => pathSequence(d.vocab, p, bridge(i)))];
}
/** Length of the longest training sequence of the CoT arm: model context needed. */
export const maxSequenceLength = (hops: number) => 1 + hops + (hops - 1) + 2;
