/**
 * Mechanism summaries of the knowledge graph's two-hop queries (positions h r1 r2 b t; the bridge `b` said at
 * r2, the answer at b), as the reports and the runs store keep them: the shape shared by the tests of the report
 * readers, with the measured numbers left to each test.
 */
import type { LensSummary, TraceSummary } from '../../src/experiment/mechanism';

const POSITIONS = ['h', 'r1', 'r2', 'b', 't'];

/** The lens of the OOD (headline) split: `top1` is [bridge, answer][rows][positions]. */
export function kgLens(step: number, top1: number[][][], queries: number): LensSummary {
  return {
    step,
    split: 'oodTwoHop',
    splitLabel: 'OOD',
    headline: true,
    positions: [...POSITIONS],
    tracked: [
      { name: 'b', label: 'bridge', position: 2 },
      { name: 'answer', label: 'answer', position: 3 },
    ],
    top1,
    queries,
  };
}

/** Causal tracing of the answer or the bridge on a split (OOD unless said). */
export function kgTrace(
  step: number,
  target: 'answer' | 'b',
  measured: Pick<TraceSummary, 'restored' | 'pClean' | 'pCorrupt' | 'queries'>,
  split = { id: 'oodTwoHop', label: 'OOD' },
): TraceSummary {
  const answer = target === 'answer';
  return {
    step,
    split: split.id,
    splitLabel: split.label,
    target,
    label: answer ? 'answer' : 'bridge',
    position: answer ? 3 : 2,
    positions: [...POSITIONS],
    ...measured,
  };
}
