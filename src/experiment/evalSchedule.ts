/**
 * When an experiment is evaluated. Regular evaluations every `evalEvery` steps and at the last step, on up to
 * `evalSize` queries per split; before the first regular one, with `evalEarly=on`, a few early evaluations on a
 * smaller sample (steps 10, 20, 40, … below half of `evalEvery`), so that the first points appear within
 * seconds of Play instead of after the first `evalEvery` steps. Early points cost little: each reads at most
 * EARLY_EVAL_SAMPLE queries per split.
 */
import type { Config } from './schema';

export const EARLY_EVAL_SAMPLE = 100;
const FIRST_EARLY_STEP = 10;

type Cadence = Pick<Config, 'evalEvery' | 'evalEarly' | 'steps' | 'evalSize'>;

/** The early evaluation steps: 10, 20, 40, … strictly below evalEvery / 2 and the last step. */
export function earlyEvalSteps(c: Cadence): number[] {
  if (c.evalEarly !== 'on') return [];
  const out: number[] = [];
  for (let s = FIRST_EARLY_STEP; s < c.evalEvery / 2 && s < c.steps; s *= 2) out.push(s);
  return out;
}

/** Whether `step` (≥ 1) is evaluated, and on how many queries per split (null: the regular evalSize). */
export function evaluationAt(step: number, c: Cadence): { sample: number | null } | null {
  if (step % c.evalEvery === 0 || step >= c.steps) return { sample: null };
  if (earlyEvalSteps(c).includes(step)) return { sample: Math.min(EARLY_EVAL_SAMPLE, c.evalSize) };
  return null;
}

/** How the accuracy points are spaced, in words (for the chart's caption). */
export function describeSpacing(c: Cadence): string {
  const early = earlyEvalSteps(c);
  const regular = `every ${c.evalEvery.toLocaleString('en-US')} steps on up to ${c.evalSize} queries per split`;
  if (early.length === 0) return `Points: step 0, then ${regular}.`;
  return `Points: step 0; steps ${early.join(', ')} on ${Math.min(EARLY_EVAL_SAMPLE, c.evalSize)} queries per split (so the curves start at once); then ${regular}.`;
}
