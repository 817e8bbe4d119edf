/** The checkpoints concern of the training state: the step of each arm's last checkpoint saved for resuming (src/runs/checkpoints.ts). Pure. */
import type { Arm } from '../experiment/domain';
import type { FromWorker } from '../worker/protocol';

export interface CheckpointsState {
  checkpoints: Partial<Record<Arm, number>>;
}

export const initialCheckpoints = (): CheckpointsState => ({ checkpoints: {} });

/** A checkpoint saved, or the one an arm resumed from; a failed save or resume changes nothing (its notice says why). */
export function reduceCheckpoints(s: CheckpointsState, m: FromWorker): CheckpointsState {
  if ((m.type !== 'checkpoint' && m.type !== 'resumed') || m.problem) return s;
  return { checkpoints: { ...s.checkpoints, [m.arm]: m.step } };
}
