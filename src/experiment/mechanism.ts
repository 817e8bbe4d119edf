/**
 * What the mechanism measurements report (the aggregated logit lens and causal tracing of src/mechanism/),
 * as plain records shared by the worker, the page and the CLI: tfjs-free, like the rest of src/experiment.
 *
 * Both read the teacher-forced sequence of an arm: CoT `h r1 r2 b t` (three hops: `h r1 r2 r3 b1 b2 t`),
 * direct `h r1 r2 t` (`h r1 r2 r3 t`): the prompt and the true continuation without its final `</a>`. Rows are
 * the residual stream after the embedding (row 0) and after each block (row l = after layer l).
 */
import type { Arm, SplitName } from './domain';

/** The test splits the mechanism is measured on. */
export type MechanismSplit = Extract<SplitName, 'idTwoHop' | 'oodTwoHop'>;
export const MECHANISM_SPLITS: readonly MechanismSplit[] = ['idTwoHop', 'oodTwoHop'];
export const MECHANISM_SPLIT_LABEL: Record<MechanismSplit, string> = { idTwoHop: 'ID', oodTwoHop: 'OOD' };

/** One aggregated logit lens: per row (embedding + each layer) × position, the share of queries whose token is top-1. */
export interface LensSummary {
  step: number;
  split: MechanismSplit;
  /** Token roles of the positions read: h, r1, r2 (r3), b (b1, b2), t. */
  positions: string[];
  /** Share of queries whose (first) bridge is the lens' top-1 token: [rows][positions]. */
  bridgeTop1: number[][];
  /** Three hops: the same for the second bridge. */
  bridge2Top1?: number[][];
  answerTop1: number[][];
  /** Queries in the sample. */
  queries: number;
}

export type TraceTarget = 'bridge' | 'answer';
/**
 * Causal tracing of one target: each clean residual state (row × position) copied alone into the run of a
 * counterfactual query (another head entity, so another bridge and answer); restored[row][position] =
 * Σ(p_patched − p_corrupt) / Σ(p_clean − p_corrupt) over the sample, p = the clean target's probability where the
 * arm must say it (null where the clean run barely prefers the target: mean p_clean − p_corrupt below minEffect).
 */
export interface TraceSummary {
  step: number;
  split: MechanismSplit;
  target: TraceTarget;
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

/** Roles of the teacher-forced sequence's positions. */
export function positionRoles(hops: 2 | 3, cot: boolean): string[] {
  const rels = Array.from({ length: hops }, (_, i) => `r${i + 1}`);
  const bridges = cot ? (hops === 2 ? ['b'] : ['b1', 'b2']) : [];
  return ['h', ...rels, ...bridges, 't'];
}

/**
 * Where an arm must say a token, as a position of its teacher-forced sequence (the position whose next token it
 * is): the first bridge at the last relation; the second bridge at the first bridge; the answer at the last
 * bridge (CoT) or at the last relation (direct). For the direct arm the bridges are never said: their position
 * is the last relation, where the bridge would have to be resolved before the answer.
 */
export function emitPosition(hops: 2 | 3, cot: boolean, token: 'bridge' | 'bridge2' | 'answer'): number {
  const lastRelation = hops;
  if (!cot) return lastRelation;
  if (token === 'bridge') return lastRelation;
  if (token === 'bridge2') return lastRelation + 1;
  return lastRelation + hops - 1;
}

/** Share above which a token counts as found "on most queries". */
export const MOST = 0.5;

/** The position of the last relation (where the first bridge is said, or resolved by the direct arm). */
export function lastRelationPosition(positions: readonly string[]): number {
  let p = -1;
  positions.forEach((role, i) => {
    if (/^r\d$/.test(role)) p = i;
  });
  return p;
}

/**
 * The first row (0 = embedding, l = after layer l) at which the (first) bridge is top-1 at the last relation
 * on most queries of the sample; null when it is at no layer.
 */
export function bridgeFoundLayer(lens: Pick<LensSummary, 'bridgeTop1' | 'positions'>): number | null {
  const p = lastRelationPosition(lens.positions);
  const row = lens.bridgeTop1.findIndex((r) => r[p] > MOST);
  return row < 0 ? null : row;
}

/** At most this many records per arm are kept on the page (older ones thinned, every other one dropped). */
export const MAX_MECHANISM_RECORDS = 400;

/** `records` with `r` added in step order (a record of the same step replaces the earlier one); bounded. */
export function appendRecord(records: readonly MechanismRecord[], r: MechanismRecord, max = MAX_MECHANISM_RECORDS): MechanismRecord[] {
  let out = [...records.filter((x) => x.step !== r.step), r].sort((a, b) => a.step - b.step);
  if (out.length > max) out = out.filter((_, i) => i % 2 === 0 || i === out.length - 1);
  return out;
}

/** The position where the arm says the answer (the one before the last position of its sequence). */
export const answerPosition = (positions: readonly string[]): number => positions.length - 2;

/**
 * Where a trace's target is carried by the target's own position (the bridge at the last relation, the answer
 * where it is said): the first row below the last layer (which restores it by construction) from which the state
 * there alone restores most of the target; row null when none does (restored: the most any does). Null when the
 * trace has no value (the clean run barely prefers the target).
 */
export function carrier(t: TraceSummary): { position: number; row: number | null; restored: number } | null {
  const position = t.target === 'bridge' ? lastRelationPosition(t.positions) : answerPosition(t.positions);
  const below = t.restored.slice(0, -1).map((r) => r[position]);
  if (below.length === 0 || below.some((v) => v === null)) return null;
  const values = below as number[];
  const row = values.findIndex((v) => v > MOST);
  return { position, row: row >= 0 ? row : null, restored: row >= 0 ? values[row] : Math.max(...values) };
}
