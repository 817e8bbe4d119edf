/**
 * The plain-words reading of the mechanism measurements, generated from the measured numbers only (pure):
 * where each arm finds the task's intermediate results and the answer (aggregated logit lens) and which states
 * carry them (causal tracing). It says "not yet" when the numbers say not yet, and names the step and sample it
 * read. Every name in it (splits, intermediate results, positions) comes from the records, that is, from the task.
 */
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import {
  carrier,
  foundLayer,
  intermediatesOf,
  foundShare,
  trackedIndex,
  type LensSummary,
  type MechanismRecord,
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

export { carrier } from '../../experiment/mechanism';

/** History of one split's first intermediate result: how many measurements, and the last step it was found at (null: never). */
interface FoundHistory {
  measurements: number;
  lastFound: number | null;
}

/** "On Test strings queries the parity of bit 1 is top-1 at = from layer 1 of 2 (…)": where the first intermediate result is found. */
function firstStepSentence(l: LensSummary, layers: number, h: FoundHistory): string {
  const t = l.tracked[0];
  const grid = l.top1[0];
  const at = t.position;
  const where = l.positions[at];
  const split = l.splitLabel;
  const found = foundLayer(l, 0);
  const last = grid[layers]?.[at] ?? NaN;
  if (found !== null) {
    const share = grid[found][at];
    const tail = found === layers ? '' : `, ${pct(last)} after the last layer`;
    return `On ${split} queries the ${t.label} is top-1 at ${where} from ${rowName(found, layers)} (${pct(share)} of them there${tail}).`;
  }
  const b = best(grid, at);
  const most = `at most ${pct(b.share)}${b.share > 0 ? `, after ${rowShort(b.row)}` : ''}`;
  if (h.lastFound !== null)
    return `On ${split} queries the ${t.label} is no longer top-1 at ${where} on most of them at any layer (${most}; it was at step ${h.lastFound}).`;
  if (h.measurements > 1)
    return `On ${split} queries the ${t.label} has not been top-1 at ${where} on most of them at any layer in any of the ${h.measurements} measurements so far (now ${most}).`;
  return `On ${split} queries the ${t.label} is not yet top-1 at ${where} on most of them at any layer (${most}).`;
}

/** Runs of consecutive names: p1–p4, p6. */
function nameRuns(names: readonly string[], indices: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    runs.push(j === i ? names[indices[i]] : `${names[indices[i]]}–${names[indices[j]]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/**
 * With two or more intermediate results: how many are top-1 where they are said on most queries at some layer,
 * and from which layer each (a few) or which (many, as runs of names).
 */
function stepsSentence(l: LensSummary): string | null {
  const steps = intermediatesOf(l);
  if (steps.length < 2) return null;
  const names = steps.map((t) => t.name);
  const rows = steps.map((_, k) => foundLayer(l, k));
  const found = rows.flatMap((r, k) => (r === null ? [] : [k]));
  const head = `On ${l.splitLabel} queries ${found.length} of the ${steps.length} intermediate results are top-1 where they are said on most of them at some layer`;
  if (found.length === 0) return `${head}.`;
  const detail = steps.length <= 6 ? found.map((k) => `${names[k]} from ${rowShort(rows[k]!)}`).join(', ') : nameRuns(names, found);
  return `${head} (${detail}).`;
}

function answerSentence(l: LensSummary, layers: number, cot: boolean): string {
  const k = trackedIndex(l, 'answer');
  const grid = l.top1[k];
  const at = l.tracked[k].position;
  const role = l.positions[at];
  // the CoT arm says the answer after its last intermediate result: "the emitted <last result> (its role)"
  const lastStep = intermediatesOf(l).at(-1);
  const where = cot && lastStep && lastStep.name === role ? `the emitted ${lastStep.label} (${role})` : role;
  const row = grid.findIndex((r) => r[at] > foundShare(l));
  const split = l.splitLabel;
  if (row >= 0) return `The answer is top-1 at ${where} on ${pct(grid[row][at])} of ${split} queries from ${rowName(row, layers)}.`;
  const b = best(grid, at);
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

function traceSentence(ts: readonly TraceSummary[], split: string): string | null {
  const of = ts.filter((t) => t.split === split);
  if (of.length === 0) return null;
  const p = (t: TraceSummary) => `p ${t.pClean.toFixed(2)} vs ${t.pCorrupt.toFixed(2)} in the counterfactual`;
  const n = of[0].queries;
  const head = `Tracing ${of[0].splitLabel} queries (${n} with a counterfactual):`;
  if (of.every((t) => !carrier(t))) {
    return `${head} the clean run barely prefers ${of.map((t) => `the ${t.label} (${p(t)})`).join(' or ')}: nothing to restore yet.`;
  }
  const parts = of.map((t) => {
    const c = carrier(t);
    if (!c) return `the clean run barely prefers the ${t.label} (${p(t)}): nothing to restore`;
    const at = t.positions[c.position];
    if (c.row === null) return `no state at ${at} below the last layer restores most of the ${t.label} (at most ${pct(c.restored)})`;
    return `the state at ${at} alone restores the ${t.label} from ${rowShort(c.row)} on (${pct(c.restored)})`;
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
    const sentences = [`${ARM_LABEL[arm]} arm, step ${lens.step} (${lens.lens.map((l) => `${l.queries} ${l.splitLabel}`).join(', ')} test queries):`];
    const measured = lens.lens.filter((l) => l.queries > 0);
    for (const l of measured) {
      if (intermediatesOf(l).length === 0) continue;
      const first = l.tracked[0].name;
      const seen = recs.flatMap((r) => r.lens.filter((x) => x.split === l.split && x.queries > 0 && x.tracked[0]?.name === first));
      const lastFound = seen.filter((x) => foundLayer(x, 0) !== null).at(-1)?.step ?? null;
      sentences.push(firstStepSentence(l, layers, { measurements: seen.length, lastFound }));
    }
    for (const l of measured) {
      const line = stepsSentence(l);
      if (line) sentences.push(line);
    }
    const headline = measured.find((x) => x.headline) ?? measured[0];
    if (headline && trackedIndex(headline, 'answer') >= 0) sentences.push(answerSentence(headline, layers, cot));
    const traced = latest(recs, 'trace');
    if (traced) {
      const when = traced.step !== lens.step ? ` (traced at step ${traced.step})` : '';
      const splits = [...new Set(traced.trace.map((t) => t.split))];
      for (const line of splits.map((s) => traceSentence(traced.trace, s))) if (line) sentences.push(`${line}${when}`);
    }
    return { arm, step: lens.step, sentences };
  });
}
