/**
 * Chart data of the mechanism views (pure): "where is the bridge found?" over steps, and the OOD bridge /
 * answer / exact-match curves.
 */
import type { Arm, MetricRow } from '../../experiment/domain';
import { bridgeFoundLayer, MECHANISM_SPLITS, type MechanismRecord, type MechanismSplit } from '../../experiment/mechanism';

export type FoundKey = `${Arm}.${MechanismSplit}`;
export type FoundRow = { step: number } & Partial<Record<FoundKey, number>>;

/**
 * One row per measured step: for each arm × split the first row (0 = embedding … layers) at which the bridge
 * is top-1 at the last relation on most queries, or `layers + 1` ("not found") when it is at no layer.
 */
export function bridgeFoundRows(records: Partial<Record<Arm, readonly MechanismRecord[]>>, layers: number): FoundRow[] {
  const byStep = new Map<number, FoundRow>();
  for (const [arm, recs] of Object.entries(records) as [Arm, MechanismRecord[]][]) {
    for (const r of recs) {
      for (const l of r.lens) {
        if (l.queries === 0 || !MECHANISM_SPLITS.includes(l.split)) continue;
        let row = byStep.get(r.step);
        if (!row) byStep.set(r.step, (row = { step: r.step }));
        row[`${arm}.${l.split}`] = bridgeFoundLayer(l) ?? layers + 1;
      }
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export interface OodRow {
  step: number;
  /** CoT: exact match, answer only, bridge right (OOD test). */
  exact?: number;
  answer?: number;
  bridge?: number;
  /** The direct arm's exact match (OOD test). */
  direct?: number;
}

/** The OOD test curves of the CoT arm (exact, answer-only, bridge) and the direct arm's exact match. */
export function oodRows(history: Record<Arm, readonly MetricRow[]>): OodRow[] {
  const byStep = new Map<number, OodRow>();
  const at = (step: number) => {
    let row = byStep.get(step);
    if (!row) byStep.set(step, (row = { step }));
    return row;
  };
  const ok = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  for (const r of history.cot) {
    const row = at(r.step);
    row.exact = ok(r.acc.oodTwoHop);
    row.answer = ok(r.answerAcc.oodTwoHop);
    row.bridge = ok(r.oodBridgeAcc);
  }
  for (const r of history.direct) at(r.step).direct = ok(r.acc.oodTwoHop);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
