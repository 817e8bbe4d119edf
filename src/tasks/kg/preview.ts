/**
 * The designer's preview of a knowledge-graph dataset (the generic `TaskPreview`): split sizes and how the
 * multi-hop paths divide, a few sample sequences of each kind as token chips, and the graph around one OOD test
 * path.
 */
import type { Config } from '../../experiment/schema';
import type { PictureEdge, PictureNode, PreviewChip, PreviewGroup, PreviewRow, PreviewSample, TaskPicture, TaskPreview } from '../types';
import type { Sequence } from '../types';
import { atomicSequence, pathSequence, type AtomicFact, type KgData, type Path } from './generate';
import { relationToken, tokenKind, tokenName } from './vocab';
import { threeHopsNote } from './threeHops';

/** Below this many OOD test paths the headline accuracy is noisy. */
const LOW_OOD = 50;
const n = (x: number) => x.toLocaleString('en-US');

const TONE = { entity: 'value', relation: 'operator', eos: 'special', pad: 'special', unknown: 'special' } as const;

/** A sequence as chips: the prompt, then `bridgeCount` bridges, the answer and </a>. */
function chips(d: KgData, s: Sequence, bridgeCount: number, corrupted: Set<number> = new Set()): PreviewChip[] {
  return s.tokens.map((id, i) => {
    const k = i - s.promptLength;
    const part = k < 0 ? 'prompt' : id === d.vocab.eos ? 'eos' : k < bridgeCount ? 'step' : 'answer';
    const c: PreviewChip = { text: tokenName(d.vocab, id), part, tone: TONE[tokenKind(d.vocab, id)] };
    if (part === 'step') c.title = 'bridge entity';
    if (corrupted.has(i)) c.corrupted = true;
    return c;
  });
}

/** Up to n items spread over the list (deterministic). */
function pick<T>(xs: readonly T[], count: number): T[] {
  if (xs.length <= count) return xs.slice();
  return Array.from({ length: count }, (_, i) => xs[Math.floor(((i + 0.5) * xs.length) / count)]);
}

function sampleGroups(d: KgData): PreviewGroup[] {
  const { stats, hops } = d;
  const multi = hops === 3 ? 'Three-hop' : 'Two-hop';
  const atomicSample = (f: AtomicFact): PreviewSample => ({
    source: f.ood ? 'OOD' : 'ID',
    highlight: f.ood,
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
  const rows: PreviewRow[] = examples.map(({ p, source, ood }) => ({
    source,
    highlight: ood,
    direct: chips(d, pathSequence(d.vocab, p, false), 0),
    cot: chips(d, pathSequence(d.vocab, p, true), bridges),
  }));
  const noisyIdx = d.train.findIndex((p, i) => p !== d.trainClean[i]);
  if (noisyIdx >= 0) {
    const p = d.train[noisyIdx];
    const q = d.trainClean[noisyIdx];
    const seq = pathSequence(d.vocab, p, true);
    const wrong = new Set<number>();
    p.bridges.forEach((b, k) => b !== q.bridges[k] && wrong.add(seq.promptLength + k));
    if (p.t !== q.t) wrong.add(seq.promptLength + bridges);
    rows.push({
      source: 'noisy',
      direct: null,
      note: `${n(stats.noisy)} training examples carry noise (the struck-through token); test data stays clean.`,
      cot: chips(d, seq, bridges, wrong),
    });
  }
  return [
    {
      layout: 'list',
      title: 'Atomic facts',
      note: 'Every atomic fact is trained, ID and OOD alike.',
      samples: [...idFacts.map(atomicSample), ...oodFacts.map(atomicSample)],
    },
    {
      layout: 'arms',
      caption: 'The same multi-hop paths in the direct and the CoT format',
      direct: { title: `${multi}, direct`, note: 'the answer right after the relations' },
      cot: { title: `${multi}, chain of thought`, note: `the bridge${bridges > 1 ? 's' : ''} first, then the answer` },
      rows,
    },
  ];
}

const distinctNodes = (p: Path) => new Set([p.h, ...p.bridges, p.t]).size === p.rels.length + 1;

/** The facts around one OOD test path (or an ID path when there is none): the path plus two other facts per node. */
export function graphAround(d: KgData, neighbours = 2): TaskPicture | null {
  const ood = d.oodTest.length > 0;
  const candidates = ood ? d.oodTest : d.idTest.length > 0 ? d.idTest : d.train;
  const path = candidates.slice(0, 200).find(distinctNodes) ?? candidates[0];
  if (!path) return null;
  const v = d.vocab;
  const chain = [path.h, ...path.bridges, path.t];
  const last = chain.length - 1;
  const role = (i: number) => (i === 0 ? 'head' : i === last ? 'answer' : last === 2 ? 'bridge' : `bridge ${i}`);
  const factOf = new Map<string, AtomicFact>();
  const outOf = new Map<number, AtomicFact[]>();
  for (const f of d.atomic) {
    factOf.set(`${f.h},${f.r}`, f);
    if (chain.includes(f.h)) outOf.set(f.h, [...(outOf.get(f.h) ?? []), f]);
  }
  const nodes: PictureNode[] = [];
  const seen = new Set<number>();
  const addNode = (id: number, at: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    nodes.push(at >= 0 ? { id, label: tokenName(v, id), chain: at, role: role(at), step: at > 0 && at < last } : { id, label: tokenName(v, id), chain: -1 });
  };
  chain.forEach((e, i) => addNode(e, i));
  const edges: PictureEdge[] = path.rels.map((r, i) => ({
    from: chain[i],
    to: chain[i + 1],
    label: tokenName(v, relationToken(v, r)),
    highlight: factOf.get(`${chain[i]},${r}`)?.ood ?? false,
    chain: true,
  }));
  for (let i = 0; i < chain.length; i++) {
    const onPathRel = path.rels[i];
    // show a mix: prefer one OOD and one ID neighbour fact when both exist
    const others = (outOf.get(chain[i]) ?? []).filter((f) => f.r !== onPathRel && !seen.has(f.t));
    const chosen = [...others.filter((f) => f.ood).slice(0, 1), ...others.filter((f) => !f.ood)].slice(0, neighbours);
    for (const f of chosen) {
      if (seen.has(f.t)) continue;
      addNode(f.t, -1);
      edges.push({ from: f.h, to: f.t, label: tokenName(v, relationToken(v, f.r)), highlight: f.ood, chain: false });
    }
  }
  const query = `${[path.h, ...path.rels.map((r) => relationToken(v, r))].map((t) => tokenName(v, t)).join(' ')} → ${tokenName(v, path.t)}`;
  return {
    nodes,
    edges,
    title: `Part of the knowledge graph around the ${ood ? 'OOD test' : 'ID'} query ${query}`,
    legend: { highlight: 'OOD fact', plain: 'ID fact' },
    caption: [
      { text: ood ? 'OOD test query ' : 'no OOD paths; an ID query ' },
      { text: query, code: true },
      { text: ood ? `: every hop is an OOD fact, trained only as an atomic fact and never inside a ${d.hops === 3 ? 'three' : 'two'}-hop example.` : '.' },
    ],
  };
}

/** The designer's preview of a knowledge-graph dataset. */
export function kgPreview(d: KgData, c: Pick<Config, 'lambda' | 'evalSize'>): TaskPreview {
  const st = d.stats;
  const multi = d.hops === 3 ? 'three-hop' : 'two-hop';
  const unused = Math.max(0, st.idPool - st.idTwoHop - st.trainTwoHop);
  const trainPool = st.idPool - st.idTwoHop;
  const requestedTrain = Math.round(c.lambda * st.idAtomic);
  const warnings: string[] = [];
  if (requestedTrain > trainPool) {
    warnings.push(
      `λ is capped by the pool: λ = ${c.lambda} asks for ${n(requestedTrain)} training paths, but only ${n(trainPool)} ID paths are left after the ID test is held out. ` +
        `Effective λ = ${st.lambdaEffective.toFixed(2)}. Add entities or degree for a larger pool.`,
    );
  }
  if (st.oodTwoHop < LOW_OOD) {
    warnings.push(
      `${st.oodTwoHop === 0 ? 'There are no OOD test paths' : `Only ${n(st.oodTwoHop)} OOD test paths`}: OOD accuracy will be ` +
        `${st.oodTwoHop === 0 ? 'undefined' : 'noisy'}. Raise the OOD share or the degree.`,
    );
  }
  const evalSize = Math.max(...[st.idAtomic, st.oodAtomic, st.trainTwoHop, st.idTwoHop, st.oodTwoHop].map((x) => Math.min(x, c.evalSize)));
  const sample = (part: PreviewChip['part'], tone: PreviewChip['tone'], text: string): PreviewChip => ({ text, part, tone });
  return {
    sizes: [
      { label: 'Atomic facts', value: st.atomic, detail: `= ${n(st.idAtomic)} ID + ${n(st.oodAtomic)} OOD` },
      { label: `Train ${multi}`, value: st.trainTwoHop, detail: `λ = ${st.lambdaEffective.toFixed(2)}` },
      { label: `ID test ${multi}`, value: st.idTwoHop },
      { label: `OOD test ${multi}`, value: st.oodTwoHop, highlight: true },
      { label: 'Mixed paths discarded', value: st.mixedDropped },
      { label: 'Vocabulary', value: d.vocab.size, unit: 'tokens' },
    ],
    bar: {
      caption: `All ${n(st.paths)} ${multi} paths of the graph:`,
      total: Math.max(1, st.paths),
      parts: [
        { label: `train ${multi}`, value: st.trainTwoHop, tone: 'train' },
        { label: 'ID test', value: st.idTwoHop, tone: 'test' },
        { label: 'ID, not drawn', value: unused, tone: 'unused' },
        { label: 'OOD test', value: st.oodTwoHop, tone: 'headline' },
        { label: 'mixed, discarded', value: st.mixedDropped, tone: 'dropped' },
      ],
    },
    warnings,
    notes: [
      `Each evaluation uses up to ${n(evalSize)} queries per split${st.noisy > 0 ? `; ${n(st.noisy)} training examples carry noise` : ''}.`,
      ...(d.hops === 3 ? [threeHopsNote(c.lambda)] : []),
    ],
    ...(() => {
      const picture = graphAround(d);
      return picture ? { picture } : {};
    })(),
    groups: sampleGroups(d),
    legend: {
      chips: [
        sample('prompt', 'value', 'entity'),
        sample('prompt', 'operator', 'relation'),
        sample('step', 'value', 'bridge'),
        sample('eos', 'special', '</a>'),
      ],
      text: 'outlined: the prompt; filled: what the model is trained to write (the loss is only on these). Dashed: an OOD query.',
    },
  };
}
