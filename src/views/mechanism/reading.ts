/**
 * The plain-words reading of the mechanism measurements, generated from the measured numbers only (pure):
 * where each arm finds the bridge and the answer (aggregated logit lens) and which states carry them (causal
 * tracing). It says "not yet" when the numbers say not yet, and names the step and sample it read.
 */
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import {
  answerPosition,
  bridgeFoundLayer,
  carrier,
  lastRelationPosition,
  MECHANISM_SPLIT_LABEL,
  MECHANISM_SPLITS,
  MOST,
  type LensSummary,
  type MechanismRecord,
  type MechanismSplit,
  type TraceSummary,
} from '../../experiment/mechanism';

export const pct = (x: number) => `${Math.round(100 * x)}%`;
const rowName = (row: number, layers: number) => (row === 0 ? 'the embedding' : `layer ${row} of ${layers}`);
const rowShort = (row: number) => (row === 0 ? 'the embedding' : `layer ${row}`);

/** The latest record that has a lens (or a trace) of `split`. */
export function latest(records: readonly MechanismRecord[], kind: 'lens' | 'trace'): MechanismRecord | null {
  for (let i = records.length - 1; i >= 0; i--) if (records[i][kind].length > 0) return records[i];
  return null;
}

/** The row of the highest share in column `p` (ties: the lowest row). */
function best(grid: number[][], p: number): { row: number; share: number } {
  let row = 0;
  grid.forEach((r, i) => {
    if (r[p] > grid[row][p]) row = i;
  });
  return { row, share: grid[row]?.[p] ?? NaN };
}

export { answerPosition, carrier } from '../../experiment/mechanism';

/** History of one split's bridge: how many measurements, and the last step it was found at (null: never). */
interface BridgeHistory {
  measurements: number;
  lastFound: number | null;
}

function bridgeSentence(l: LensSummary, layers: number, h: BridgeHistory): string {
  const at = lastRelationPosition(l.positions);
  const where = l.positions[at];
  const split = MECHANISM_SPLIT_LABEL[l.split];
  const found = bridgeFoundLayer(l);
  const last = l.bridgeTop1[layers][at];
  if (found !== null) {
    const share = l.bridgeTop1[found][at];
    const tail = found === layers ? '' : `, ${pct(last)} after the last layer`;
    return `On ${split} queries the bridge is top-1 at ${where} from ${rowName(found, layers)} (${pct(share)} of them there${tail}).`;
  }
  const b = best(l.bridgeTop1, at);
  const most = `at most ${pct(b.share)}${b.share > 0 ? `, after ${rowShort(b.row)}` : ''}`;
  if (h.lastFound !== null)
    return `On ${split} queries the bridge is no longer top-1 at ${where} on most of them at any layer (${most}; it was at step ${h.lastFound}).`;
  if (h.measurements > 1)
    return `On ${split} queries the bridge has not been top-1 at ${where} on most of them at any layer in any of the ${h.measurements} measurements so far (now ${most}).`;
  return `On ${split} queries the bridge is not yet top-1 at ${where} on most of them at any layer (${most}).`;
}

function answerSentence(l: LensSummary, layers: number, cot: boolean): string {
  const at = answerPosition(l.positions);
  const where = cot ? `the emitted bridge (${l.positions[at]})` : l.positions[at];
  const row = l.answerTop1.findIndex((r) => r[at] > MOST);
  const split = MECHANISM_SPLIT_LABEL[l.split];
  if (row >= 0) return `The answer is top-1 at ${where} on ${pct(l.answerTop1[row][at])} of ${split} queries from ${rowName(row, layers)}.`;
  const b = best(l.answerTop1, at);
  return `The answer is not yet top-1 at ${where} on most ${split} queries (at most ${pct(b.share)}).`;
}

/** The state (row, position) below the last layer that restores the target most. */
export function strongestState(t: TraceSummary): { row: number; position: number; restored: number } | null {
  let out: { row: number; position: number; restored: number } | null = null;
  t.restored.forEach((r, row) => {
    if (row === t.restored.length - 1) return; // the last row at the target restores it by construction
    r.forEach((v, position) => {
      if (v !== null && (!out || v > out.restored)) out = { row, position, restored: v };
    });
  });
  return out;
}

function traceSentence(ts: TraceSummary[], split: MechanismSplit): string | null {
  const of = ts.filter((t) => t.split === split);
  if (of.length === 0) return null;
  const p = (t: TraceSummary) => `p ${t.pClean.toFixed(2)} vs ${t.pCorrupt.toFixed(2)} in the counterfactual`;
  const n = of[0].queries;
  const head = `Tracing ${MECHANISM_SPLIT_LABEL[split]} queries (${n} with a counterfactual head):`;
  if (of.every((t) => !carrier(t))) {
    return `${head} the clean run barely prefers ${of.map((t) => `the ${t.target} (${p(t)})`).join(' or ')}: nothing to restore yet.`;
  }
  const parts = of.map((t) => {
    const c = carrier(t);
    if (!c) return `the clean run barely prefers the ${t.target} (${p(t)}): nothing to restore`;
    const at = t.positions[c.position];
    if (c.row === null) return `no state at ${at} below the last layer restores most of the ${t.target} (at most ${pct(c.restored)})`;
    return `the state at ${at} alone restores the ${t.target} from ${rowShort(c.row)} on (${pct(c.restored)})`;
  });
  return `${head} ${parts.join('; ')}.`;
}

export interface Reading {
  arm: Arm;
  /** The step the lens was read at (null: no measurement yet). */
  step: number | null;
  sentences: string[];
}

/** The reading of every arm, from its records. */
export function readMechanism(records: Partial<Record<Arm, readonly MechanismRecord[]>>, arms: readonly Arm[], layers: number): Reading[] {
  return arms.map((arm) => {
    const recs = records[arm] ?? [];
    const cot = arm === 'cot';
    const lens = latest(recs, 'lens');
    if (!lens) return { arm, step: null, sentences: [`${ARM_LABEL[arm]} arm: no measurement yet.`] };
    const sentences = [
      `${ARM_LABEL[arm]} arm, step ${lens.step} (${lens.lens.map((l) => `${l.queries} ${MECHANISM_SPLIT_LABEL[l.split]}`).join(', ')} test queries):`,
    ];
    for (const split of MECHANISM_SPLITS) {
      const l = lens.lens.find((x) => x.split === split);
      if (!l || l.queries === 0) continue;
      const seen = recs.flatMap((r) => r.lens.filter((x) => x.split === split && x.queries > 0));
      const lastFound = seen.filter((x) => bridgeFoundLayer(x) !== null).at(-1)?.step ?? null;
      sentences.push(bridgeSentence(l, layers, { measurements: seen.length, lastFound }));
    }
    const ood = lens.lens.find((x) => x.split === 'oodTwoHop' && x.queries > 0) ?? lens.lens.find((x) => x.queries > 0);
    if (ood) sentences.push(answerSentence(ood, layers, cot));
    const traced = latest(recs, 'trace');
    if (traced) {
      const when = traced.step !== lens.step ? ` (traced at step ${traced.step})` : '';
      for (const line of MECHANISM_SPLITS.map((s) => traceSentence(traced.trace, s))) if (line) sentences.push(`${line}${when}`);
    }
    return { arm, step: lens.step, sentences };
  });
}
