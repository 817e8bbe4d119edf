/**
 * The honest status line (pure): what the run shows so far, in plain words, without claiming more than the
 * numbers do. It reads the task's headline split (CoT "generalises" at ≥ 0.9 there; direct "stays low" below
 * 0.1) and, for why, its prerequisite splits (src/data/gap.ts); the words for the splits are the task's
 * labels.
 */
import type { TrainingStatus } from '../../store/reduce';
import { latest } from './chartData';
import { ARM_LABEL, type Arm, type MetricRow } from '../../experiment/domain';
import { GAP, knowsPrerequisites } from '../../data/gap';
import type { Config } from '../../experiment/schema';
import { headlineSplit, prerequisiteSplits, taskOf } from '../../tasks/registry';
import type { SplitSpec } from '../../tasks/types';

export const COT_GOAL = GAP.cot;
export const DIRECT_LOW = GAP.direct;
export const GROKKING_NOTE =
  'Direct (answer-only) training generalises even in distribution only by grokking, after 10^5+ steps in Wang et al. 2024; that will not finish in a browser session.';

const f2 = (x: number) => x.toFixed(2);

export interface VerdictInput {
  /** The run's experiment: its task names the splits the line reads. */
  config: Config;
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

/** The latest value of each prerequisite split (null where none yet). */
function prerequisiteValues(rows: MetricRow[], prerequisites: readonly SplitSpec[]): { split: SplitSpec; value: number | null }[] {
  return prerequisites.map((split) => ({ split, value: latest(rows, split.id) }));
}
const valuesText = (xs: { split: SplitSpec; value: number | null }[]) => xs.map((x) => `${x.split.label} ${x.value === null ? '—' : f2(x.value)}`).join(', ');

/** Why CoT may be short of the goal: a prerequisite it has not learned yet, or else it has not generalised yet. */
function cotShortHint(rows: MetricRow[], prerequisites: readonly SplitSpec[]): string {
  const short = prerequisiteValues(rows, prerequisites).filter((x) => x.value !== null && x.value < COT_GOAL);
  if (short.length) return `it has not learned ${valuesText(short)} yet, so train longer.`;
  const known = prerequisites.length ? `it knows ${prerequisites.map((s) => s.label).join(' and ')} but does not combine them yet: ` : '';
  return `${known}train longer, or try less noise or a larger model.`;
}

/** Direct stayed low on the headline split: whether that shows it cannot compose depends on whether it knows its prerequisites. */
function directLowText(direct: number, rows: MetricRow[], headline: SplitSpec, prerequisites: readonly SplitSpec[]): string {
  const chance = headline.chance ?? 0;
  const low =
    chance > 0
      ? `Direct stayed at chance on ${headline.label} (${f2(direct)}; guessing gets ${f2(chance)})`
      : `Direct stayed low on ${headline.label} (${f2(direct)})`;
  if (prerequisites.length === 0) return `${low}: without the intermediate steps it did not learn the task.`;
  const values = prerequisiteValues(rows, prerequisites);
  if (values.some((x) => x.value === null)) return `${low}.`;
  if (knowsPrerequisites(values.map((x) => x.value))) return `${low} although it knows its prerequisites (${valuesText(values)}): it does not combine them.`;
  return `${low}, but it has not learned its prerequisites yet (${valuesText(values)}), so that does not show yet that it cannot combine them: train longer.`;
}

/** What Play will train, in one sentence. */
function playText(config: Config, arms: Arm[]): string {
  if (arms.length === 1) return `Press Play to train the ${ARM_LABEL[arms[0]]} arm alone (set Arms to both to compare).`;
  const steps = taskOf(config).intermediates(config);
  const written = steps.length === 1 ? `the ${steps[0].label}` : `${steps.length} intermediate results`;
  return `Press Play to train both arms on the same data: CoT learns to write ${written}, then the answer; direct learns the answer alone.`;
}

export function verdict(v: VerdictInput): string {
  if (v.refused) return `${v.refused} Play stays off until it fits.`;
  const stopped = v.arms.map((a) => v.stopped?.[a]).filter((x): x is string => !!x);
  if (v.status === 'error') {
    if (stopped.length === v.arms.length && stopped.length > 0) return `${stopped.join(' ')} Press Reset to start again.`;
    return `Training stopped with an error: ${v.error ?? 'unknown'}. Press Reset to start again.`;
  }
  const headline = headlineSplit(v.config);
  const prerequisites = prerequisiteSplits(v.config);
  const H = headline.label;
  // an arm that stopped early says so (below), not what its last evaluation showed
  const cot = v.arms.includes('cot') && !v.stopped?.cot ? latest(v.history.cot, headline.id) : null;
  const direct = v.arms.includes('direct') && !v.stopped?.direct ? latest(v.history.direct, headline.id) : null;
  if (v.status === 'idle' && v.step === 0) return playText(v.config, v.arms);
  const parts: string[] = [];
  if (v.status === 'done') {
    parts.push(`Finished ${v.step} steps.`);
    if (cot !== null) {
      parts.push(
        cot >= COT_GOAL
          ? `CoT reached ${f2(cot)} on ${H} (≥ ${COT_GOAL}): it answers queries it never saw.`
          : `CoT reached ${f2(cot)} on ${H}, below ${COT_GOAL}: ${cotShortHint(v.history.cot, prerequisites)}`,
      );
    }
    if (direct !== null) {
      parts.push(
        direct < DIRECT_LOW + (headline.chance ?? 0)
          ? directLowText(direct, v.history.direct, headline, prerequisites)
          : `Direct reached ${f2(direct)} on ${H} as well: at this size the answers can be learned, or guessed, without the intermediate steps.`,
      );
    }
  } else {
    parts.push(v.status === 'running' ? `Training: step ${v.step} of ${v.totalSteps}.` : `Paused at step ${v.step} of ${v.totalSteps}.`);
    if (cot !== null && direct !== null) parts.push(`${H} so far: CoT ${f2(cot)}, direct ${f2(direct)}.`);
    else if (cot !== null) parts.push(`CoT on ${H} so far: ${f2(cot)}.`);
    else if (direct !== null) parts.push(`Direct on ${H} so far: ${f2(direct)}.`);
  }
  parts.push(...stopped);
  for (const arm of ['cot', 'direct'] as const) {
    const at = v.diverged?.[arm];
    if (at !== undefined && !v.stopped?.[arm]) parts.push(`The ${ARM_LABEL[arm]} arm diverged (loss NaN from step ${at}); its numbers mean nothing.`);
  }
  return parts.join(' ');
}
