/**
 * What the preview shows of a data distribution, computed from the generated dataset and small enough to send
 * from a worker: split sizes, a few sample sequences of each kind as token chips, and a neighbourhood of the
 * knowledge graph around one OOD test path.
 */
import {
  atomicSequence,
  countPaths,
  generateKg as generateDataset,
  MAX_PATHS,
  pathSequence,
  type AtomicFact,
  type DataConfig,
  type DataStats,
  type KgData as Dataset,
  type Path,
  type Sequence,
} from './generate';
import { relationToken, tokenKind, tokenName, type TokenKind } from './vocab';
import type { TaskPreview } from '../types';
import type { Config } from '../../experiment/schema';

export interface Chip {
  text: string;
  kind: TokenKind;
  /** prompt: given to the model; target: what it must generate (the loss is only on these). */
  role: 'prompt' | 'target';
  bridge?: boolean;
  /** A token replaced by CoT noise. */
  corrupted?: boolean;
}
export interface Sample {
  /** Which set the example comes from, e.g. "train", "ID test", "OOD test". */
  source: string;
  ood: boolean;
  chips: Chip[];
}
export interface SampleGroup {
  id: 'atomic' | 'direct' | 'cot' | 'noisy';
  title: string;
  note: string;
  samples: Sample[];
}
export interface GraphNode {
  id: number;
  label: string;
  /** Position on the highlighted path (0 = head), or -1 for a neighbour. */
  pathIndex: number;
}
export interface GraphEdge {
  from: number;
  to: number;
  label: string;
  ood: boolean;
  onPath: boolean;
}
export interface GraphPicture {
  /** True when the highlighted path is an OOD test path (false: no OOD path exists, an ID path is shown). */
  ood: boolean;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The path as a query, e.g. "e12 r3 r7 → e40". */
  query: string;
}
export interface PreviewSummary {
  hops: 2 | 3;
  stats: DataStats;
  /** λ × |ID atomic| requested, before the cap by the pool. */
  requestedTrain: number;
  /** ID paths left for training after the ID test is held out. */
  trainPool: number;
  lambdaCapped: boolean;
  /** Queries evaluated per split. */
  evalSizes: Record<'idAtomic' | 'oodAtomic' | 'trainTwoHop' | 'idTwoHop' | 'oodTwoHop', number>;
  vocabSize: number;
  groups: SampleGroup[];
  graph: GraphPicture | null;
}

export type PreviewResult = { kind: 'ok'; summary: PreviewSummary } | { kind: 'too-big'; paths: number; message: string } | { kind: 'error'; message: string };

/** The parameters the preview depends on; other changes (model, training) keep the same preview. */
export const DATA_KEYS = [
  'seed',
  'entities',
  'relations',
  'degree',
  'oodShare',
  'lambda',
  'hops',
  'noise',
  'noiseKind',
  'idTestShare',
  'evalSize',
] as const satisfies readonly (keyof DataConfig)[];

export function dataConfig(c: Config): DataConfig {
  return Object.fromEntries(DATA_KEYS.map((k) => [k, c[k]])) as DataConfig;
}

export function tooBigMessage(paths: number): string {
  return (
    `This graph has ${paths.toLocaleString('en-US')} multi-hop paths (entities × degree^hops), more than the ` +
    `${MAX_PATHS.toLocaleString('en-US')} the playground enumerates. Lower entities, degree or hops.`
  );
}

export function previewFor(c: DataConfig): PreviewResult {
  const paths = countPaths(c);
  if (paths > MAX_PATHS) return { kind: 'too-big', paths, message: tooBigMessage(paths) };
  try {
    return { kind: 'ok', summary: summarize(generateDataset(c), c) };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

function chips(d: Dataset, s: Sequence, bridgeCount: number, corrupted: Set<number> = new Set()): Chip[] {
  return s.tokens.map((id, i) => {
    const c: Chip = { text: tokenName(d.vocab, id), kind: tokenKind(d.vocab, id), role: i < s.promptLength ? 'prompt' : 'target' };
    if (i >= s.promptLength && i < s.promptLength + bridgeCount) c.bridge = true;
    if (corrupted.has(i)) c.corrupted = true;
    return c;
  });
}

/** Up to n items spread over the list (deterministic). */
function pick<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return xs.slice();
  return Array.from({ length: n }, (_, i) => xs[Math.floor(((i + 0.5) * xs.length) / n)]);
}

export function summarize(d: Dataset, c: DataConfig): PreviewSummary {
  const { stats, hops } = d;
  const multi = hops === 3 ? 'Three-hop' : 'Two-hop';
  const atomicSample = (f: AtomicFact): Sample => ({
    source: f.ood ? 'OOD' : 'ID',
    ood: f.ood,
    chips: chips(d, atomicSequence(d.vocab, f), 0),
  });
  const idFacts = pick(
    d.atomic.filter((f) => !f.ood),
    2,
  );
  const oodFacts = pick(
    d.atomic.filter((f) => f.ood),
    1,
  );

  // a clean training example (noise leaves the object identical when it does not corrupt it)
  const cleanIdx = d.train.findIndex((p, i) => p === d.trainClean[i]);
  const examples: { p: Path; source: string; ood: boolean }[] = [
    ...(cleanIdx >= 0 ? [{ p: d.train[cleanIdx], source: 'train', ood: false }] : []),
    ...pick(d.idTest, 1).map((p) => ({ p, source: 'ID test', ood: false })),
    ...pick(d.oodTest, 1).map((p) => ({ p, source: 'OOD test', ood: true })),
  ];
  const bridges = hops - 1;
  const groups: SampleGroup[] = [
    {
      id: 'atomic',
      title: 'Atomic facts',
      note: 'Every atomic fact is trained, ID and OOD alike.',
      samples: [...idFacts.map(atomicSample), ...oodFacts.map(atomicSample)],
    },
    {
      id: 'direct',
      title: `${multi}, direct`,
      note: 'the answer right after the relations',
      samples: examples.map(({ p, source, ood }) => ({ source, ood, chips: chips(d, pathSequence(d.vocab, p, false), 0) })),
    },
    {
      id: 'cot',
      title: `${multi}, chain of thought`,
      note: `the bridge${bridges > 1 ? 's' : ''} first, then the answer`,
      samples: examples.map(({ p, source, ood }) => ({ source, ood, chips: chips(d, pathSequence(d.vocab, p, true), bridges) })),
    },
  ];
  const noisyIdx = d.train.findIndex((p, i) => p !== d.trainClean[i]);
  if (noisyIdx >= 0) {
    const p = d.train[noisyIdx];
    const q = d.trainClean[noisyIdx];
    const seq = pathSequence(d.vocab, p, true);
    const wrong = new Set<number>();
    p.bridges.forEach((b, k) => b !== q.bridges[k] && wrong.add(seq.promptLength + k));
    if (p.t !== q.t) wrong.add(seq.promptLength + bridges);
    groups.push({
      id: 'noisy',
      title: 'A noisy CoT training example',
      note: `${stats.noisy.toLocaleString('en-US')} training examples carry noise (the struck-through token); test data stays clean.`,
      samples: [{ source: 'train (noisy)', ood: false, chips: chips(d, seq, bridges, wrong) }],
    });
  }

  const idPathsLeft = stats.idPool - stats.idTwoHop;
  const requestedTrain = Math.round(c.lambda * stats.idAtomic);
  const size = (n: number) => Math.min(n, c.evalSize);
  return {
    hops,
    stats,
    requestedTrain,
    trainPool: idPathsLeft,
    lambdaCapped: requestedTrain > idPathsLeft,
    evalSizes: {
      idAtomic: size(stats.idAtomic),
      oodAtomic: size(stats.oodAtomic),
      trainTwoHop: size(stats.trainTwoHop),
      idTwoHop: size(stats.idTwoHop),
      oodTwoHop: size(stats.oodTwoHop),
    },
    vocabSize: d.vocab.size,
    groups,
    graph: graphAround(d),
  };
}

const distinctNodes = (p: Path) => new Set([p.h, ...p.bridges, p.t]).size === p.rels.length + 1;

/** The facts around one OOD test path (or an ID path when there is none): the path plus two other facts per node. */
export function graphAround(d: Dataset, neighbours = 2): GraphPicture | null {
  const ood = d.oodTest.length > 0;
  const candidates = ood ? d.oodTest : d.idTest.length > 0 ? d.idTest : d.train;
  const path = candidates.slice(0, 200).find(distinctNodes) ?? candidates[0];
  if (!path) return null;
  const v = d.vocab;
  const chain = [path.h, ...path.bridges, path.t];
  const factOf = new Map<string, AtomicFact>();
  const outOf = new Map<number, AtomicFact[]>();
  for (const f of d.atomic) {
    factOf.set(`${f.h},${f.r}`, f);
    if (chain.includes(f.h)) outOf.set(f.h, [...(outOf.get(f.h) ?? []), f]);
  }
  const nodes: GraphNode[] = [];
  const seen = new Set<number>();
  const addNode = (id: number, pathIndex: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    nodes.push({ id, label: tokenName(v, id), pathIndex });
  };
  chain.forEach((e, i) => addNode(e, i));
  const edges: GraphEdge[] = path.rels.map((r, i) => ({
    from: chain[i],
    to: chain[i + 1],
    label: tokenName(v, relationToken(v, r)),
    ood: factOf.get(`${chain[i]},${r}`)?.ood ?? false,
    onPath: true,
  }));
  for (let i = 0; i < chain.length; i++) {
    const onPathRel = path.rels[i];
    // show a mix: prefer one OOD and one ID neighbour fact when both exist
    const others = (outOf.get(chain[i]) ?? []).filter((f) => f.r !== onPathRel && !seen.has(f.t));
    const chosen = [...others.filter((f) => f.ood).slice(0, 1), ...others.filter((f) => !f.ood)].slice(0, neighbours);
    for (const f of chosen) {
      if (seen.has(f.t)) continue;
      addNode(f.t, -1);
      edges.push({ from: f.h, to: f.t, label: tokenName(v, relationToken(v, f.r)), ood: f.ood, onPath: false });
    }
  }
  const query = `${[path.h, ...path.rels.map((r) => relationToken(v, r))].map((t) => tokenName(v, t)).join(' ')} → ${tokenName(v, path.t)}`;
  return { ood, nodes, edges, query };
}

/** The designer's preview of a knowledge-graph dataset (TODO: the generic TaskPreview shape). */
export function kgPreview(d: Dataset, c: Config): TaskPreview {
  return summarize(d, dataConfig(c)) as unknown as TaskPreview;
}
