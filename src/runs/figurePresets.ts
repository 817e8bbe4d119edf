/**
 * The paper's figures as sweep presets: each is a link (an experiment sized for a laptop CPU plus its sweep
 * keys) with a sentence on what the paper found and one on what we measured with that very link
 * (`npm run sweep`, numbers in the README). The base is a small graph and model that shows the CoT/direct gap in
 * 1,000 steps; the paper's scale is ~100× the compute (src/experiment/presets.ts has it).
 */
import { queryToConfig } from '../experiment/link';
import type { Config } from '../experiment/schema';
import { readSweep, splitSweepQuery, type SweepSpec } from './sweepPlan';

/**
 * 100 entities × 12 relations, degree 10 (λ up to 8.5), a 2-layer d 64 model, 1,000 steps: about a minute a run.
 * A link of version 1 (λ 7.2 by default), the defaults it was measured with.
 */
export const FIGURE_BASE = 'v=1&entities=100&relations=12&degree=10&layers=2&dModel=64&batch=128&lr=0.003&steps=1000&evalEvery=100';

export interface FigurePreset {
  id: string;
  title: string;
  /** The whole link query: the base experiment and the sweep. */
  query: string;
  /** What the paper found. */
  paper: string;
  /** What this preset measured (npm run sweep with the same link, seed 0; README "Paper figures"). */
  measured: string;
  /** Runs, and roughly how long they take in a browser tab on a laptop (two workers). */
  cost: string;
}

export const FIGURE_PRESETS: readonly FigurePreset[] = [
  {
    id: 'noise-t',
    title: 'Answer noise ξ (t)',
    query: `${FIGURE_BASE}&noiseKind=t&sweep=noise:0,0.05,0.2,0.4&seeds=0`,
    paper: 'Yao et al.: noise on the final answer costs in proportion, OOD accuracy ≈ 1 − ξ after 20,000 steps.',
    measured:
      "ξ 0, 0.05, 0.2, 0.4: CoT OOD 0.83, 0.45, 0.06, 0.02 at step 1,000 (CoT ID test 1.00 → 0.84); 1,000 steps are too few for the paper's 1 − ξ levels, the ordering shows.",
    cost: '4 runs, ~35 s of CPU each',
  },
  {
    id: 'noise-b',
    title: 'Bridge noise ξ (b)',
    query: `${FIGURE_BASE}&noiseKind=b&sweep=noise:0,0.05,0.2,0.4&seeds=0`,
    paper: 'Yao et al.: noise on the bridge is far more harmful: ξ = 0.1 already brings OOD accuracy down to about 0.3.',
    measured:
      'ξ 0, 0.05, 0.2, 0.4: CoT OOD 0.83, 0.27, 0.03, 0.00 at step 1,000, below answer noise at every ξ; the direct arm (no bridge to corrupt) stays at 0.02.',
    cost: '4 runs, ~35 s of CPU each',
  },
  {
    id: 'lambda',
    title: 'Two-hop ratio λ',
    query: `${FIGURE_BASE}&sweep=lambda:1.8,3.6,7.2&seeds=0`,
    paper: 'Wang et al.: λ sets how fast the direct model groks in distribution, never OOD; with CoT, OOD composition comes at every λ.',
    measured: 'λ 1.8, 3.6, 7.2: CoT OOD 0.71, 0.80, 0.83 at step 1,000; direct OOD 0.01–0.02, direct ID 0.03–0.06 (no grokking this early).',
    cost: '3 runs, ~35 s of CPU each',
  },
  {
    id: 'depth',
    title: 'Depth (layers)',
    query: `${FIGURE_BASE}&sweep=layers:1,2,3,4&seeds=0`,
    paper: 'Yao et al.: CoT works even in very shallow models (two layers answer OOD multi-hop questions step by step).',
    measured:
      '1, 2, 3, 4 layers: CoT OOD 0.55, 0.83, 0.80, 0.68 at step 1,000 (one layer already composes OOD facts; the deeper models had not settled yet); direct OOD ≤ 0.02 at every depth.',
    cost: '4 runs, ~45 s of CPU each on average (deeper is slower)',
  },
];

/** A preset's experiment and sweep, read through the schema like any link. */
export function presetOf(p: FigurePreset): { config: Config; spec: SweepSpec | null; problems: string[] } {
  const { experiment, sweep, seeds } = splitSweepQuery(p.query);
  const { config, corrections } = queryToConfig(experiment);
  const reading = readSweep(sweep, seeds, config.seed, config.task);
  return { config, spec: reading.spec, problems: [...corrections.map((c) => c.text), ...reading.problems] };
}
