/**
 * The experiment CLI's --lens and --trace: what they add to the JSON report (per arm, `lens` and `trace`, one
 * entry per evaluation and test split, see cli/README.md) and the lines they print. Pure, tested in
 * mechanismReport.test.ts; the measuring itself is src/mechanism/probe.ts.
 */
import type { Arm } from '../src/experiment/domain';
import { ARM_LABEL } from '../src/experiment/domain';
import { carrier, tracedIndices, type LensSummary, type MechanismRecord, type TraceSummary, type TrackedResult } from '../src/experiment/mechanism';

/** What --lens / --trace add to an arm of the report. */
export interface ArmMechanism {
  lens?: LensSummary[];
  trace?: TraceSummary[];
  /** Milliseconds spent on them over the run (lens, trace). */
  mechanismMs?: { lens: number; trace: number };
}

/** The report with each arm's lens and trace records added (only those asked for). */
export function withMechanism<R extends { arms: Partial<Record<Arm, object>> }>(
  report: R,
  records: Partial<Record<Arm, MechanismRecord[]>>,
  asked: { lens: boolean; trace: boolean },
): R {
  if (!asked.lens && !asked.trace) return report;
  const arms: Partial<Record<Arm, object>> = {};
  for (const [arm, value] of Object.entries(report.arms) as [Arm, object][]) {
    const recs = records[arm] ?? [];
    const extra: ArmMechanism = {
      ...(asked.lens ? { lens: recs.flatMap((r) => r.lens) } : {}),
      ...(asked.trace ? { trace: recs.flatMap((r) => r.trace) } : {}),
      mechanismMs: {
        lens: Math.round(recs.reduce((s, r) => s + r.ms.lens, 0)),
        trace: Math.round(recs.reduce((s, r) => s + r.ms.trace, 0)),
      },
    };
    arms[arm] = { ...value, ...extra };
  }
  return { ...report, arms };
}

const num = (x: number | null) => (x === null || !Number.isFinite(x) ? '  - ' : x.toFixed(2));

/** A tracked result in a line: its label where it is one word ('bridge', 'answer'), else its short name ('b1', 'p3'). */
const shortName = (t: Pick<TrackedResult, 'name' | 'label'>) => (/^\S+$/.test(t.label) ? t.label : t.name);

/**
 * One line per arm and evaluation: each printed result's share top-1 where the arm must say it, row by row (emb,
 * L1, …): the first, middle and last intermediate result and the answer (`tracedIndices`).
 */
export function lensLine(arm: Arm, r: MechanismRecord): string {
  const parts = r.lens.map((l) => {
    const results = tracedIndices(l.tracked).map((k) => {
      const t = l.tracked[k];
      return `${shortName(t)}@${l.positions[t.position]} ${l.top1[k].map((row) => num(row[t.position])).join(' ')}`;
    });
    return `${l.splitLabel} ${results.join(' · ')}`;
  });
  return `  lens   ${ARM_LABEL[arm].padEnd(6)} rows emb L1…: ${parts.join('  |  ')}`;
}

/** One line per arm and evaluation: from which row the target's own position alone restores most of it. */
export function traceLine(arm: Arm, r: MechanismRecord): string {
  const parts = r.trace.map((t) => {
    const c = carrier(t);
    const at = c ? t.positions[c.position] : '';
    const where = !c
      ? 'no effect'
      : c.row === null
        ? `${at} below the last layer at most ${c.restored.toFixed(2)}`
        : `${at} from ${c.row === 0 ? 'emb' : `L${c.row}`} ${c.restored.toFixed(2)}`;
    return `${t.splitLabel} ${shortName({ name: t.target, label: t.label })}: ${where}`;
  });
  return `  trace  ${ARM_LABEL[arm].padEnd(6)} restored by its own position alone: ${parts.join(', ')}`;
}

/** The cost line: seconds spent on the lens and on tracing, and their share of the training time. */
export function costLine(records: Partial<Record<Arm, MechanismRecord[]>>, trainSeconds: number): string {
  const all = Object.values(records).flat();
  const lens = all.reduce((s, r) => s + r.ms.lens, 0) / 1000;
  const trace = all.reduce((s, r) => s + r.ms.trace, 0) / 1000;
  const share = (x: number) => (trainSeconds > 0 ? ` (${((100 * x) / trainSeconds).toFixed(1)}% of training time)` : '');
  return `mechanism: ${all.length} measurements; lens ${lens.toFixed(1)} s${share(lens)}, trace ${trace.toFixed(1)} s${share(trace)}; training ${trainSeconds.toFixed(1)} s`;
}
