/**
 * When an experiment is evaluated. Regular evaluations every `evalEvery` steps and at the last step, on up to
 * `evalSize` queries per split; before the first regular one, with `evalEarly=on`, a few early evaluations on a
 * smaller sample (steps 10, 20, 40, … below half of `evalEvery`), so that the first points appear within
 * seconds of Play instead of after the first `evalEvery` steps. Early points cost little: each reads at most
 * EARLY_EVAL_SAMPLE queries per split. With an RL stage (`rlSteps` > 0) the last SFT step is evaluated too, and
 * the RL phase gets early points of its own (`steps` + 10, + 20, …), so that what RL does shows at once.
 */
import type { Config } from './schema';

export const EARLY_EVAL_SAMPLE = 100;
const FIRST_EARLY_STEP = 10;

type Cadence = Pick<Config, 'evalEvery' | 'evalEarly' | 'steps' | 'evalSize'> & Partial<Pick<Config, 'rlSteps'>>;

/** The early evaluation steps: 10, 20, 40, … strictly below evalEvery / 2 and the last step (SFT phase only). */
export function earlyEvalSteps(c: Cadence): number[] {
  if (c.evalEarly !== 'on') return [];
  const out: number[] = [];
  for (let s = FIRST_EARLY_STEP; s < c.evalEvery / 2 && s < c.steps; s *= 2) out.push(s);
  return out;
}

/** The RL phase's early evaluation steps: `steps` + 10, + 20, … (same rule, counted from the boundary). */
export function earlyRlEvalSteps(c: Cadence): number[] {
  const rl = c.rlSteps ?? 0;
  if (c.evalEarly !== 'on' || rl <= 0) return [];
  return earlyEvalSteps({ ...c, steps: rl, rlSteps: 0 })
    .map((k) => c.steps + k)
    .filter((s) => s % c.evalEvery !== 0);
}

/** Whether `step` (≥ 1) is evaluated, and on how many queries per split (null: the regular evalSize). */
export function evaluationAt(step: number, c: Cadence): { sample: number | null } | null {
  const last = c.steps + (c.rlSteps ?? 0);
  if (step % c.evalEvery === 0 || step === c.steps || step >= last) return { sample: null };
  if (earlyRlEvalSteps(c).includes(step)) return { sample: Math.min(EARLY_EVAL_SAMPLE, c.evalSize) };
  if (earlyEvalSteps(c).includes(step)) return { sample: Math.min(EARLY_EVAL_SAMPLE, c.evalSize) };
  return null;
}

/** How the accuracy points are spaced, in words (for the chart's caption). */
export function describeSpacing(c: Cadence): string {
  const early = earlyEvalSteps(c);
  const regular = `every ${c.evalEvery.toLocaleString('en-US')} steps on up to ${c.evalSize} queries per split`;
  const rl =
    (c.rlSteps ?? 0) > 0
      ? ` RL from step ${c.steps.toLocaleString('en-US')} on: evaluated there${earlyRlEvalSteps(c).length ? `, at steps ${earlyRlEvalSteps(c).join(', ')} on ${Math.min(EARLY_EVAL_SAMPLE, c.evalSize)} queries` : ''} and on the same cadence after.`
      : '';
  if (early.length === 0) return `Points: step 0, then ${regular}.${rl}`;
  return `Points: step 0; steps ${early.join(', ')} on ${Math.min(EARLY_EVAL_SAMPLE, c.evalSize)} queries per split (so the curves start at once); then ${regular}.${rl}`;
}
