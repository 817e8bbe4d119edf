/**
 * What the mechanism measurements report (the aggregated logit lens and causal tracing of src/mechanism/),
 * as plain records shared by the worker, the page and the CLI: tfjs-free, like the rest of src/experiment.
 *
 * Both read the teacher-forced sequence of an arm: the prompt and the true continuation without its final `</a>`
 * (the task names its positions, e.g. CoT `h r1 r2 b t`, direct `h r1 r2 t`). They follow the task's
 * intermediate results (`TaskSpec.intermediates`: the bridge entities, the running parities …) and the answer,
 * each at the position where the arm must say it (`TaskSpec.emitPosition`; the direct arm never writes the
 * intermediate results: there, where it would have to compute them to use them). Rows are the residual stream
 * after the embedding (row 0) and after each block (row l = after layer l).
 */
import type { Arm } from './domain';

/** The name of the tracked answer (after the task's intermediate results, which have their own names). */
export const ANSWER = 'answer';

/** A result the lens and tracing follow: one of the task's intermediate results, or the answer. */
export interface TrackedResult {
  /** The task's short name of the intermediate result ('b', 'p3'), or ANSWER. */
  name: string;
  /** In words ('bridge', 'parity of bits 1–3', 'answer'). */
  label: string;
  /** The position of the teacher-forced sequence where the arm must say it (whose next token it is). */
  position: number;
}

/** One aggregated logit lens: per tracked result, row (embedding + each layer) and position, the share of queries whose token is top-1. */
export interface LensSummary {
  step: number;
  /** The test split's id (the task's), its short label ('ID', 'OOD'), and whether it is the task's headline split. */
  split: string;
  splitLabel: string;
  headline: boolean;
  /** Token roles of the positions read (the task's). */
  positions: string[];
  /** The intermediate results, in order, then the answer. */
  tracked: TrackedResult[];
  /** Share of queries whose tracked result is the lens' top-1 token: [tracked][rows][positions]. */
  top1: number[][][];
  /** Queries in the sample. */
  queries: number;
  /**
   * Share of queries a constant guess gets right on the task's headline (0.5 for a yes/no answer such as parity's;
   * absent: 0): a result counts as found only clearly above it (`foundShare`).
   */
  chance?: number;
}

/**
 * Causal tracing of one target: each clean residual state (row × position) copied alone into the run of a
 * counterfactual query (the task's: same length and roles, other intermediate results and answer);
 * restored[row][position] = Σ(p_patched − p_corrupt) / Σ(p_clean − p_corrupt) over the sample, p = the clean
 * target's probability where the arm must say it (null where the clean run barely prefers the target: mean
 * p_clean − p_corrupt below minEffect).
 */
export interface TraceSummary {
  step: number;
  split: string;
  splitLabel: string;
  /** The traced result: an intermediate result's name or ANSWER; its label; where the arm must say it. */
  target: string;
  label: string;
  position: number;
  positions: string[];
  restored: (number | null)[][];
  /** Mean probability of the clean target in the clean and in the corrupted run. */
  pClean: number;
  pCorrupt: number;
  /** Queries traced (those with a counterfactual). */
  queries: number;
}

/** The lens and tracing of one arm at one evaluation, as the worker sends it. */
export interface MechanismRecord {
  arm: Arm;
  step: number;
  lens: LensSummary[];
  trace: TraceSummary[];
  /**
   * Milliseconds spent measuring, for the cost report: computing the lens and the trace (on a GPU: queueing
   * them), and waiting for the readback (which also counts whatever else ran on the thread meanwhile).
   */
  ms: { lens: number; trace: number; readback?: number };
}

/** Share above which a token counts as found "on most queries". */
export const MOST = 0.5;
/**
 * The share above which a tracked result counts as found in a lens: most queries, and halfway from guessing to
 * every query where a constant guess already gets some right (0.75 for parity's E/O, whose top-1 is E or O on
 * about half of the queries wherever the model holds nothing about them).
 */
export const foundShare = (l: Pick<LensSummary, 'chance'>): number => Math.max(MOST, (1 + (l.chance ?? 0)) / 2);

/** The tracked intermediate results of a lens (without the answer). */
export const intermediatesOf = (l: Pick<LensSummary, 'tracked'>): TrackedResult[] => l.tracked.filter((t) => t.name !== ANSWER);

/** Index of the tracked result `name` in a lens (−1 when it does not track it). */
export const trackedIndex = (l: Pick<LensSummary, 'tracked'>, name: string): number => l.tracked.findIndex((t) => t.name === name);

/**
 * The first row (0 = embedding, l = after layer l) at which tracked result `k` is top-1 where the arm must say
 * it on most queries of the sample; null when it is at no layer (or the lens has no such result).
 */
export function foundLayer(l: Pick<LensSummary, 'tracked' | 'top1' | 'chance'>, k: number): number | null {
  const t = l.tracked[k];
  if (!t) return null;
  const share = foundShare(l);
  const row = l.top1[k].findIndex((r) => r[t.position] > share);
  return row < 0 ? null : row;
}

/**
 * Short labels of the measured splits: their labels without the words they all end with ('ID test multi-hop',
 * 'OOD test multi-hop' → 'ID', 'OOD'); a lone split, or labels that would be left empty, keep their labels.
 */
export function shortSplitLabels(labels: readonly string[]): string[] {
  if (labels.length < 2) return [...labels];
  const words = labels.map((l) => l.trim().split(/\s+/));
  let common = 0;
  while (words.every((w) => w.length > common + 1 && w[w.length - 1 - common] === words[0][words[0].length - 1 - common])) common++;
  return words.map((w) => w.slice(0, w.length - common).join(' '));
}

/**
 * Indices of the tracked results that tracing follows and the CLI prints: the first, middle and last
 * intermediate result (those there are) and the answer. Tasks with many intermediate results (parity's running
 * parities) are not traced at each: the targets share the patched runs, but not the reader's attention.
 */
export function tracedIndices(tracked: readonly unknown[]): number[] {
  const K = tracked.length - 1; // intermediate results; the answer is last
  const steps = K > 0 ? [0, Math.floor((K - 1) / 2), K - 1] : [];
  return [...new Set([...steps, K])].sort((a, b) => a - b);
}

/** At most this many records per arm are kept on the page (older ones thinned, every other one dropped). */
export const MAX_MECHANISM_RECORDS = 400;

/** `records` with `r` added in step order (a record of the same step replaces the earlier one); bounded. */
export function appendRecord(records: readonly MechanismRecord[], r: MechanismRecord, max = MAX_MECHANISM_RECORDS): MechanismRecord[] {
  let out = [...records.filter((x) => x.step !== r.step), r].sort((a, b) => a.step - b.step);
  if (out.length > max) out = out.filter((_, i) => i % 2 === 0 || i === out.length - 1);
  return out;
}

/**
 * Where a trace's target is carried by the target's own position (where the arm must say it): the first row
 * below the last layer (which restores it by construction) from which the state there alone restores most of the
 * target; row null when none does (restored: the most any does). Null when the trace has no value (the clean run
 * barely prefers the target).
 */
export function carrier(t: Pick<TraceSummary, 'restored' | 'position'>): { position: number; row: number | null; restored: number } | null {
  const position = t.position;
  const below = t.restored.slice(0, -1).map((r) => r[position]);
  if (below.length === 0 || below.some((v) => v === null || v === undefined)) return null;
  const values = below as number[];
  const row = values.findIndex((v) => v > MOST);
  return { position, row: row >= 0 ? row : null, restored: row >= 0 ? values[row] : Math.max(...values) };
}

// ------------------------------------------------------------------ records written before tasks were plug-ins

/**
 * Lens and trace records as reports and stored runs wrote them before tasks were plug-ins: always the
 * knowledge graph's, with its first bridge, second bridge (three hops) and answer in fields of their own.
 */
export interface LegacyLensSummary {
  step: number;
  split: string;
  positions: string[];
  bridgeTop1: number[][];
  bridge2Top1?: number[][];
  answerTop1: number[][];
  queries: number;
}
export interface LegacyTraceSummary {
  step: number;
  split: string;
  target: 'bridge' | 'answer';
  positions: string[];
  restored: (number | null)[][];
  pClean: number;
  pCorrupt: number;
  queries: number;
}
export interface LegacyMechanismRecord extends Omit<MechanismRecord, 'lens' | 'trace'> {
  lens: (LensSummary | LegacyLensSummary)[];
  trace: (TraceSummary | LegacyTraceSummary)[];
}

/**
 * The old format's own words, frozen (a file format, not task code; src/mechanism/upgrade.test.ts checks them
 * against the knowledge graph task): its two measured splits with their short labels (the second the headline),
 * the names and labels of its bridges, and its relation positions' roles (r1, r2, r3).
 */
const LEGACY_SPLITS: Readonly<Record<string, { label: string; headline: boolean }>> = {
  idTwoHop: { label: 'ID', headline: false },
  oodTwoHop: { label: 'OOD', headline: true },
};
const LEGACY_BRIDGES: Readonly<Record<2 | 3, readonly { name: string; label: string }[]>> = {
  2: [{ name: 'b', label: 'bridge' }],
  3: [
    { name: 'b1', label: 'first bridge' },
    { name: 'b2', label: 'second bridge' },
  ],
};
const LEGACY_RELATION = /^r\d+$/;

/** The old layout of a sequence from its positions' roles: the hop count, and where each bridge and the answer are said. */
function legacyLayout(positions: readonly string[]): { hops: 2 | 3; bridgeAt: number[]; answerAt: number } {
  let lastRelation = -1;
  positions.forEach((role, i) => {
    if (LEGACY_RELATION.test(role)) lastRelation = i;
  });
  const hops: 2 | 3 = lastRelation >= 3 ? 3 : 2;
  const cot = positions.length === 2 * hops + 1;
  // the first bridge is said (or, direct, resolved) at the last relation, the second at the first bridge
  const bridgeAt = LEGACY_BRIDGES[hops].map((_, k) => (cot ? lastRelation + k : lastRelation));
  return { hops, bridgeAt, answerAt: positions.length - 2 };
}
const legacySplit = (id: string) => LEGACY_SPLITS[id] ?? { label: id, headline: false };

const isLegacyLens = (l: LensSummary | LegacyLensSummary): l is LegacyLensSummary => !('top1' in l) && 'bridgeTop1' in l;
const isLegacyTrace = (t: TraceSummary | LegacyTraceSummary): t is LegacyTraceSummary => !('position' in t);

/** A lens record of either format in this one's (records already in it are returned as they are). */
export function upgradeLensSummary(l: LensSummary | LegacyLensSummary): LensSummary {
  if (!isLegacyLens(l)) return l;
  const { hops, bridgeAt, answerAt } = legacyLayout(l.positions);
  const split = legacySplit(l.split);
  const grids = [l.bridgeTop1, ...(hops === 3 ? [l.bridge2Top1 ?? l.bridgeTop1.map((r) => r.map(() => NaN))] : []), l.answerTop1];
  return {
    step: l.step,
    split: l.split,
    splitLabel: split.label,
    headline: split.headline,
    positions: l.positions,
    tracked: [...LEGACY_BRIDGES[hops].map((b, k) => ({ ...b, position: bridgeAt[k] })), { name: ANSWER, label: ANSWER, position: answerAt }],
    top1: grids,
    queries: l.queries,
  };
}

/** A trace record of either format in this one's: the old 'bridge' target is the first bridge. */
export function upgradeTraceSummary(t: TraceSummary | LegacyTraceSummary): TraceSummary {
  if (!isLegacyTrace(t)) return t;
  const { hops, bridgeAt, answerAt } = legacyLayout(t.positions);
  const target = t.target === 'bridge' ? { ...LEGACY_BRIDGES[hops][0], position: bridgeAt[0] } : { name: ANSWER, label: ANSWER, position: answerAt };
  return {
    step: t.step,
    split: t.split,
    splitLabel: legacySplit(t.split).label,
    target: target.name,
    label: target.label,
    position: target.position,
    positions: t.positions,
    restored: t.restored,
    pClean: t.pClean,
    pCorrupt: t.pCorrupt,
    queries: t.queries,
  };
}

/**
 * A mechanism record of either format in this one's: what the report importer and the stored runs' reader call
 * on what they read (pure; records already in this format come back unchanged in content).
 */
export function upgradeMechanismRecord(r: MechanismRecord | LegacyMechanismRecord): MechanismRecord {
  return { ...r, lens: r.lens.map(upgradeLensSummary), trace: r.trace.map(upgradeTraceSummary) };
}
