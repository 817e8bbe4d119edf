/**
 * When the two arms have parted ("the gap"), defined once for the status line, the benchmarks and the summaries.
 *
 * The gap: at one evaluation, CoT ≥ 0.9 on the task's headline split while direct ≤ 0.1 above chance there (the
 * split's `chance`: 0 for the knowledge graph's open-ended answers, 0.5 for parity's two). That alone can be
 * reached while the direct arm has not yet learned what it would have to combine (the knowledge graph's default
 * preset: its direct arm knows 6% of its OOD atomic facts when the CoT arm first reaches 0.9), and then its low
 * headline accuracy says nothing about composing. The informed gap adds that the direct arm knows its
 * prerequisites: every prerequisite split of the task ≥ 0.9. A task without prerequisite splits has nothing more
 * to know: its informed gap is its gap.
 */
import type { Config } from '../experiment/schema';
import type { Arm, MetricRow } from '../experiment/domain';
import { headlineSplit, prerequisiteSplits } from '../tasks/registry';

export const GAP = { cot: 0.9, direct: 0.1, knows: 0.9 } as const;

/** One arm's evaluation as the gap reads it. */
export interface GapPoint {
  arm: Arm;
  step: number;
  /** Exact-match accuracy on the headline split; null when not measured (an empty split, a missing value). */
  headline: number | null;
  /** Accuracy on each prerequisite split, in the task's order (empty: the task has none). */
  prerequisites: readonly (number | null)[];
  /** Accuracy of guessing on the headline split (absent: 0). */
  chance?: number;
}

const finite = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The split ids a config's gap reads: its headline split and its prerequisite splits. */
export function gapSplits(config: Config): { headline: string; prerequisites: string[] } {
  return { headline: headlineSplit(config).id, prerequisites: prerequisiteSplits(config).map((s) => s.id) };
}

/** The gap's reading of one evaluation row of `arm` (non-finite scores become null). */
export function gapPoint(config: Config, arm: Arm, row: Pick<MetricRow, 'step' | 'acc'>): GapPoint {
  const s = gapSplits(config);
  const chance = headlineSplit(config).chance ?? 0;
  return {
    arm,
    step: row.step,
    headline: finite(row.acc[s.headline]),
    prerequisites: s.prerequisites.map((id) => finite(row.acc[id])),
    ...(chance > 0 ? { chance } : {}),
  };
}

/** The arm knows what the headline queries are made of: every prerequisite ≥ GAP.knows (true when there is none). */
export function knowsPrerequisites(prerequisites: readonly (number | null | undefined)[]): boolean {
  return prerequisites.every((x) => (x ?? 0) >= GAP.knows);
}

/**
 * The first step evaluated in both arms with CoT ≥ 0.9 and direct ≤ chance + 0.1 on the headline split (`informed`: and
 * the direct arm knowing its prerequisites); null when there is none yet. Points may come in any order.
 */
export function gapStep(points: readonly GapPoint[], informed = false): number | null {
  const direct = new Map(points.filter((p) => p.arm === 'direct').map((p) => [p.step, p]));
  let first: number | null = null;
  for (const c of points) {
    if (c.arm !== 'cot' || c.headline === null || c.headline < GAP.cot) continue;
    const d = direct.get(c.step);
    if (!d || d.headline === null || d.headline > GAP.direct + (d.chance ?? 0)) continue;
    if (informed && !knowsPrerequisites(d.prerequisites)) continue;
    if (first === null || c.step < first) first = c.step;
  }
  return first;
}
