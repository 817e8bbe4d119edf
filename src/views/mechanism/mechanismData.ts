/**
 * Chart data of the mechanism views (pure): "where is it found?" over steps (for one tracked intermediate result),
 * and the headline split's curves of the first intermediate result, the answer and exact match.
 */
import type { Arm, MetricRow } from '../../experiment/domain';
import { foundLayer, intermediatesOf, trackedIndex, type MechanismRecord, type TrackedResult } from '../../experiment/mechanism';

/** `${arm}.${split id}`. */
export type FoundKey = `${Arm}.${string}`;
export type FoundRow = { step: number } & Partial<Record<FoundKey, number>>;

/** A measured split as the charts draw it: its id, short label, and whether it is the headline split. */
export interface ChartSplit {
  id: string;
  label: string;
  headline: boolean;
}

/** The splits the records measured, in the order they first appear. */
export function measuredSplitsOf(records: Partial<Record<Arm, readonly MechanismRecord[]>>): ChartSplit[] {
  const out = new Map<string, ChartSplit>();
  for (const recs of Object.values(records))
    for (const r of recs ?? []) for (const l of r.lens) if (!out.has(l.split)) out.set(l.split, { id: l.split, label: l.splitLabel, headline: l.headline });
  return [...out.values()];
}

/** The intermediate results the latest lens of any arm tracks (the task's, in order); empty before any measurement. */
export function trackedStepsOf(records: Partial<Record<Arm, readonly MechanismRecord[]>>): TrackedResult[] {
  let best: { step: number; steps: TrackedResult[] } | null = null;
  for (const recs of Object.values(records)) {
    const r = [...(recs ?? [])].reverse().find((x) => x.lens.length > 0);
    if (r && (!best || r.step > best.step)) best = { step: r.step, steps: intermediatesOf(r.lens[0]) };
  }
  return best?.steps ?? [];
}

/**
 * One row per measured step: for each arm × split the first row (0 = embedding … layers) at which the tracked
 * result `target` (a name) is top-1 where the arm must say it on most queries, or `layers + 1` ("not found")
 * when it is at no layer.
 */
export function foundRows(records: Partial<Record<Arm, readonly MechanismRecord[]>>, layers: number, target: string): FoundRow[] {
  const byStep = new Map<number, FoundRow>();
  for (const [arm, recs] of Object.entries(records) as [Arm, MechanismRecord[]][]) {
    for (const r of recs) {
      for (const l of r.lens) {
        const k = trackedIndex(l, target);
        if (l.queries === 0 || k < 0) continue;
        let row = byStep.get(r.step);
        if (!row) byStep.set(r.step, (row = { step: r.step }));
        row[`${arm}.${l.split}`] = foundLayer(l, k) ?? layers + 1;
      }
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export interface HeadlineRow {
  step: number;
  /** CoT: exact match, answer only, first intermediate result right (headline split). */
  exact?: number;
  answer?: number;
  firstStep?: number;
  /** The direct arm's exact match (headline split). */
  direct?: number;
}

/** The headline split's curves of the CoT arm (exact, answer-only, first intermediate result) and the direct arm's exact match. */
export function headlineRows(history: Record<Arm, readonly MetricRow[]>, headline: string): HeadlineRow[] {
  const byStep = new Map<number, HeadlineRow>();
  const at = (step: number) => {
    let row = byStep.get(step);
    if (!row) byStep.set(step, (row = { step }));
    return row;
  };
  const ok = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  for (const r of history.cot) {
    const row = at(r.step);
    row.exact = ok(r.acc[headline]);
    row.answer = ok(r.answerAcc[headline]);
    row.firstStep = ok(r.stepAcc);
  }
  for (const r of history.direct) at(r.step).direct = ok(r.acc[headline]);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
