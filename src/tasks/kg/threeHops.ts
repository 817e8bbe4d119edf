/**
 * What the default preset of link version 2 (λ 1.8, 1,000 steps) measured with three hops: the designer says it
 * when hops = 3 is chosen. The numbers are those of the reports in docs/results/three-hops/ (`npm run experiment
 * -- 'v=2&hops=3&seed=N' --json …`); tests/tasks/threeHops.test.ts reads the reports and checks every number here.
 */
export const THREE_HOPS_MEASURED = {
  seeds: [5, 6, 7],
  steps: 1000,
  /** What the runs set beside the seed and hops = 3: the defaults of link version 2. */
  preset: { lambda: 1.8 },
  /** The CoT arm's OOD three-hop exact match of each seed: its highest over the run, and at the end. */
  cotPeak: [0.864, 0.912, 0.828],
  cotEnd: [0.856, 0.91, 0.818],
  /** The direct arm's highest OOD three-hop accuracy over the seeds. */
  directPeak: 0.018,
} as const;

/** The gap's CoT level: src/data/gap.ts' GAP.cot (a stage above this one; the test checks they agree). */
export const GAP_COT = 0.9;
const f = (x: number) => x.toFixed(3);

/** The designer's note for a three-hop experiment. */
export function threeHopsNote(): string {
  const m = THREE_HOPS_MEASURED;
  const reaching = m.cotPeak.filter((p) => p >= GAP_COT).length;
  return (
    `Three hops, measured on the earlier default (λ ${m.preset.lambda}, seeds ${m.seeds.join(', ')}, ${m.steps.toLocaleString('en-US')} steps): the CoT arm's OOD three-hop ` +
    `accuracy peaked at ${m.cotPeak.map(f).join(', ')} and ended at ${m.cotEnd.map(f).join(', ')}; direct at most ${f(m.directPeak)}. ` +
    `${reaching} of ${m.seeds.length} seeds reach the gap's ${GAP_COT} (docs/results.md, "Three hops").`
  );
}
