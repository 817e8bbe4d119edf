/**
 * The two phases of a run: supervised fine-tuning (SFT, steps 1 … `steps`), then, when `rlSteps` > 0,
 * reinforcement learning on the final answer (RL, steps `steps` + 1 … `steps` + `rlSteps`). The step counter
 * runs on across the boundary. tfjs-free: the store, the views and the CLI read these.
 */
import type { Config } from './schema';

export type Phase = 'sft' | 'rl';
export const PHASE_LABEL: Record<Phase, string> = { sft: 'SFT', rl: 'RL' };

type Steps = Pick<Config, 'steps' | 'rlSteps'>;

/** Every step of the run, both phases. */
export const totalSteps = (c: Steps): number => c.steps + c.rlSteps;
/** The phase a step belongs to (step 0, before training, and the last SFT step are 'sft'). */
export const phaseOf = (step: number, c: Steps): Phase => (c.rlSteps > 0 && step > c.steps ? 'rl' : 'sft');
/** The step where RL starts (the last SFT step), or null when there is no RL stage. */
export const rlBoundary = (c: Steps): number | null => (c.rlSteps > 0 ? c.steps : null);

/** What an RL evaluation row adds: means over the sampled continuations since the previous row. */
export interface RlMetrics {
  /** Mean reward: share of samples that are well formed and end in the right answer. */
  reward: number;
  /** Share of samples that write intermediate steps before the answer (well formed). */
  cotRate: number;
  /** Share of samples whose written steps are all right (a subset of cotRate); `bridgeRightRate` in reports before tasks. */
  stepsRightRate: number;
  /** Mean KL divergence per answer token from the frozen SFT model (as the penalty measures it). */
  kl: number;
}
