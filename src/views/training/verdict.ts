/**
 * The honest status line (pure): what the run shows so far, in plain words, without claiming more than the
 * numbers do. Thresholds: CoT "generalises OOD" at ≥ 0.9 OOD accuracy; direct "stays low" below 0.1.
 */
import type { TrainingStatus } from '../../store/reduce';
import { latest } from './chartData';
import { ARM_LABEL, type Arm, type MetricRow } from '../../experiment/domain';
import { GAP, knowsFacts } from '../../experiment/gap';

export const COT_OOD_GOAL = GAP.cot;
export const DIRECT_OOD_LOW = GAP.direct;
export const GROKKING_NOTE =
  'Direct (answer-only) training generalises even in distribution only by grokking, after 10^5+ steps in Wang et al. 2024; that will not finish in a browser session.';

const f2 = (x: number) => x.toFixed(2);

export interface VerdictInput {
  status: TrainingStatus;
  step: number;
  totalSteps: number;
  arms: Arm[];
  history: Record<Arm, MetricRow[]>;
  error: string | null;
  /** First step with a non-finite loss, per arm. */
  diverged?: Partial<Record<Arm, number>>;
  /** Arms that stopped for good (a non-finite loss, a failed worker), with why (a sentence). */
  stopped?: Partial<Record<Arm, string>>;
  /** Why the config is not trained at all (too big for the tab), or null. */
  refused?: string | null;
}

/** Why CoT may be short of the goal, judged from its OOD atomic accuracy. */
function cotAtomicHint(rows: MetricRow[]): string {
  const atomic = latest(rows, 'oodAtomic');
  if (atomic !== null && atomic < COT_OOD_GOAL) {
    return `its OOD atomic facts are not learned yet (${f2(atomic)}; they are learned last), so train longer.`;
  }
  return 'it knows the OOD atomic facts but does not compose them yet: train longer, or try a larger λ, a larger graph or less noise.';
}

/** Direct stayed low on OOD: whether that shows it cannot compose depends on whether it knows the facts. */
function directLowText(direct: number, rows: MetricRow[]): string {
  const low = `Direct stayed low on OOD (${f2(direct)})`;
  const idAtomic = latest(rows, 'idAtomic');
  const oodAtomic = latest(rows, 'oodAtomic');
  if (idAtomic === null || oodAtomic === null) return `${low}, as in the paper.`;
  if (knowsFacts({ idAtomic, oodAtomic }))
    return `${low} although it knows the atomic facts (OOD atomic ${f2(oodAtomic)}): it does not compose them, as in the paper.`;
  return `${low}, but it has not learned its atomic facts yet (ID ${f2(idAtomic)}, OOD ${f2(oodAtomic)}), so that does not show yet that it cannot compose them: train longer.`;
}

export function verdict(v: VerdictInput): string {
  if (v.refused) return `${v.refused} Play stays off until it fits.`;
  const stopped = v.arms.map((a) => v.stopped?.[a]).filter((x): x is string => !!x);
  if (v.status === 'error') {
    if (stopped.length === v.arms.length && stopped.length > 0) return `${stopped.join(' ')} Press Reset to start again.`;
    return `Training stopped with an error: ${v.error ?? 'unknown'}. Press Reset to start again.`;
  }
  // an arm that stopped early says so (below), not what its last evaluation showed
  const cot = v.arms.includes('cot') && !v.stopped?.cot ? latest(v.history.cot, 'oodTwoHop') : null;
  const direct = v.arms.includes('direct') && !v.stopped?.direct ? latest(v.history.direct, 'oodTwoHop') : null;
  if (v.status === 'idle' && v.step === 0) {
    if (v.arms.length === 1) return `Press Play to train the ${ARM_LABEL[v.arms[0]]} arm alone (set Arms to both to compare).`;
    return 'Press Play to train both arms on the same data: CoT learns h r1 r2 → bridge, answer; direct learns h r1 r2 → answer.';
  }
  const parts: string[] = [];
  if (v.status === 'done') {
    parts.push(`Finished ${v.step} steps.`);
    if (cot !== null) {
      parts.push(
        cot >= COT_OOD_GOAL
          ? `CoT reached OOD accuracy ${f2(cot)} (≥ ${COT_OOD_GOAL}): it composes facts it never saw composed.`
          : `CoT reached OOD accuracy ${f2(cot)}, below ${COT_OOD_GOAL}: ${cotAtomicHint(v.history.cot)}`,
      );
    }
    if (direct !== null) {
      parts.push(
        direct < DIRECT_OOD_LOW
          ? directLowText(direct, v.history.direct)
          : `Direct reached ${f2(direct)} on OOD, which is not the paper's result; with so small a graph some OOD answers can be guessed.`,
      );
    }
  } else {
    parts.push(v.status === 'running' ? `Training: step ${v.step} of ${v.totalSteps}.` : `Paused at step ${v.step} of ${v.totalSteps}.`);
    if (cot !== null && direct !== null) parts.push(`OOD accuracy so far: CoT ${f2(cot)}, direct ${f2(direct)}.`);
    else if (cot !== null) parts.push(`CoT OOD accuracy so far: ${f2(cot)}.`);
    else if (direct !== null) parts.push(`Direct OOD accuracy so far: ${f2(direct)}.`);
  }
  parts.push(...stopped);
  for (const arm of ['cot', 'direct'] as const) {
    const at = v.diverged?.[arm];
    if (at !== undefined && !v.stopped?.[arm]) parts.push(`The ${ARM_LABEL[arm]} arm diverged (loss NaN from step ${at}); its numbers mean nothing.`);
  }
  return parts.join(' ');
}
