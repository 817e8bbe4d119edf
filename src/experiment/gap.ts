/**
 * When the two arms have parted ("the gap"), defined once for the status line, the benchmarks and the summaries.
 *
 * The gap: at one evaluation, CoT OOD two-hop ≥ 0.9 while direct OOD two-hop ≤ 0.1. That alone can be reached
 * while the direct arm has not yet learned the atomic facts it would have to compose (the default preset's direct
 * arm knows 6% of its OOD atomic facts when the CoT arm first reaches 0.9), and then its low OOD accuracy says
 * nothing about composing. The informed gap adds that the direct arm knows its facts: ID and OOD atomic ≥ 0.9.
 */
import type { Arm } from './domain';

export const GAP = { cot: 0.9, direct: 0.1, knows: 0.9 } as const;

export interface GapPoint {
  arm: Arm;
  step: number;
  oodTwoHop: number | null;
  idAtomic?: number | null;
  oodAtomic?: number | null;
}

/** The arm knows the atomic facts a two-hop query is made of: ID and OOD atomic accuracy ≥ GAP.knows. */
export function knowsFacts(p: Pick<GapPoint, 'idAtomic' | 'oodAtomic'>): boolean {
  return (p.idAtomic ?? 0) >= GAP.knows && (p.oodAtomic ?? 0) >= GAP.knows;
}

/**
 * The first step evaluated in both arms with CoT ≥ 0.9 and direct ≤ 0.1 on OOD two-hop (`informed`: and the
 * direct arm knowing its facts); null when there is none yet. Points may come in any order.
 */
export function gapStep(points: readonly GapPoint[], informed = false): number | null {
  const direct = new Map(points.filter((p) => p.arm === 'direct').map((p) => [p.step, p]));
  let first: number | null = null;
  for (const c of points) {
    if (c.arm !== 'cot' || c.oodTwoHop === null || c.oodTwoHop < GAP.cot) continue;
    const d = direct.get(c.step);
    if (!d || d.oodTwoHop === null || d.oodTwoHop > GAP.direct) continue;
    if (informed && !knowsFacts(d)) continue;
    if (first === null || c.step < first) first = c.step;
  }
  return first;
}
