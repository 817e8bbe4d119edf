/**
 * Three hops, measured: the designer says it when hops = 3 is chosen, and the three-hop recipe sets the deeper
 * preset measured beside the default (where neither reaches the gap on every seed, the note says so). The numbers
 * are those of the reports in docs/results/ (`npm run sweep -- 'hops=3…' --vary seed=…`);
 * tests/tasks/threeHops.test.ts reads the reports and checks every number here.
 */

/** The three-hop preset: the default with two bridges and six layers instead of four (docs/results.md, "Three hops, measured"). */
export const THREE_HOPS_PRESET = { hops: '3', layers: 6 } as const;

export interface ThreeHopsRuns {
  /** The folder under docs/results/ with one report per seed (`seed-N.json`). */
  folder: string;
  seeds: readonly number[];
  steps: number;
  /** The runs' λ and depth (with the seed and hops = 3, all they set; the rest: the default of link version 3). */
  preset: { lambda: number; layers: number };
  /** The CoT arm's OOD three-hop exact match of each seed: its highest over the run, and at the end. */
  cotPeak: readonly number[];
  cotEnd: readonly number[];
  /** The direct arm's highest OOD three-hop accuracy over the seeds. */
  directPeak: number;
}

export const THREE_HOPS_MEASURED: { onDefault: ThreeHopsRuns; preset: ThreeHopsRuns } = {
  onDefault: {
    folder: 'three-hops-v3',
    seeds: [5, 6, 7, 8, 9],
    steps: 1500,
    preset: { lambda: 2.4, layers: 4 },
    cotPeak: [0.934, 0.894, 0.876, 0.912, 0.9],
    cotEnd: [0.932, 0.862, 0.866, 0.906, 0.874],
    directPeak: 0.07,
  },
  preset: {
    folder: 'three-hops-layers6',
    seeds: [5, 8, 9, 10, 11],
    steps: 1500,
    preset: { lambda: 2.4, layers: THREE_HOPS_PRESET.layers },
    cotPeak: [0.888, 0.948, 0.954, 0.886, 0.928],
    cotEnd: [0.886, 0.948, 0.954, 0.886, 0.928],
    directPeak: 0.024,
  },
};

/** The gap's CoT level: src/data/gap.ts' GAP.cot (a stage above this one; the test checks they agree). */
export const GAP_COT = 0.9;
const f = (x: number) => x.toFixed(3);
const reaching = (m: ThreeHopsRuns) => m.cotEnd.filter((p) => p >= GAP_COT).length;

function measured(m: ThreeHopsRuns): string {
  return (
    `${m.preset.layers} layers, λ ${m.preset.lambda}, seeds ${m.seeds.join(', ')}, ${m.steps.toLocaleString('en-US')} steps: the CoT arm's OOD three-hop accuracy ` +
    `ended at ${m.cotEnd.map(f).join(', ')} (${reaching(m)} of ${m.seeds.length} at or above the gap's ${GAP_COT}); direct at most ${f(m.directPeak)}`
  );
}

/** Whether either measurement reached the gap on every seed; when not, the note says so. */
const shortOfEverySeed = (): string =>
  Object.values(THREE_HOPS_MEASURED).some((m) => reaching(m) === m.seeds.length)
    ? ''
    : ` Neither reaches the gap's ${GAP_COT} on every seed measured: no browser-size preset tried here does (λ 3.6 did not either).`;

/** The three-hop recipe's tooltip. */
export function threeHopsRecipeTitle(): string {
  const { onDefault, preset } = THREE_HOPS_MEASURED;
  return `Two bridges to write, and ${preset.preset.layers} layers instead of ${onDefault.preset.layers}: measured with ${measured(preset)}. On the default, ${measured(onDefault)}.${shortOfEverySeed()}`;
}

/**
 * The designer's note for a three-hop experiment: both measurements. It reads only the data's λ (the designer's
 * preview is computed from the data keys alone, so it must not depend on the model's depth).
 */
export function threeHopsNote(lambda: number): string {
  const { onDefault, preset } = THREE_HOPS_MEASURED;
  return (
    `Three hops, measured on the default, ${measured(onDefault)}. With the recipe “Three hops (${preset.preset.layers} layers)”, ${measured(preset)}.` +
    `${shortOfEverySeed()} More in docs/results.md, "Three hops".` +
    (lambda === onDefault.preset.lambda ? '' : ` This experiment's λ (${lambda}) was not measured.`)
  );
}
