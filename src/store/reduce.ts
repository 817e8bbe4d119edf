/**
 * How the page folds the training workers' messages into its state (pure: no React, no tfjs), so that the store
 * stays small and this logic is tested headless. The state is sliced by concern, each slice with its own pure
 * reducer that sees every message and changes only its own keys: progress (progressSlice.ts: each arm's worker
 * and the run combined from them), metrics (metricsSlice.ts: rows, losses, speeds), inspection
 * (inspectionSlice.ts: vocabulary, examples, the latest looks inside), mechanism (mechanismSlice.ts) and
 * checkpoints (checkpointsSlice.ts). What a message tells the user is notices.ts's.
 */
import type { Arm } from '../experiment/domain';
import type { FromWorker } from '../worker/protocol';
import { type CheckpointsState, initialCheckpoints, reduceCheckpoints } from './checkpointsSlice';
import { INSPECTION_KEYS, type InspectionState, initialInspection, reduceInspection } from './inspectionSlice';
import { initialMechanism, type MechanismState, reduceMechanism } from './mechanismSlice';
import { initialMetrics, METRICS_KEYS, type MetricsState, reduceMetrics } from './metricsSlice';
import { combine, initialProgress, PROGRESS_KEYS, type ProgressState, reduceProgress } from './progressSlice';

/** The workers' messages the state keeps as they came (the views and the tour read them from here, not from src/worker). */
export type { AttentionMessage, LensMessage } from '../worker/protocol';
export { combine, hashMismatch, initialArmState, markRunning, type ArmState, type TrainingStatus } from './progressSlice';
export { MAX_HISTORY_ROWS, MAX_LOSS_POINTS, thinLosses, type LossPoint } from './metricsSlice';

export type TrainingData = ProgressState & MetricsState & InspectionState & MechanismState & CheckpointsState;

/** The state before any message; `arms` are the arms that will train (one worker each). */
export function initialTrainingData(totalSteps = 0, arms: Arm[] = []): TrainingData {
  return { ...initialProgress(totalSteps, arms), ...initialMetrics(), ...initialInspection(), ...initialMechanism(), ...initialCheckpoints() };
}

function pick<S, K extends keyof S>(s: S, keys: readonly K[]): Pick<S, K> {
  return Object.fromEntries(keys.map((k) => [k, s[k]])) as Pick<S, K>;
}

/** Applies one message of the worker training `from`. `now` is the wall clock in ms (performance.now()). */
export function reduce<S extends TrainingData>(s: S, m: FromWorker, now: number, from: Arm): S {
  return combine({
    ...s,
    ...reduceProgress(pick(s, PROGRESS_KEYS), m, now, from),
    ...reduceMetrics(pick(s, METRICS_KEYS), m),
    ...reduceInspection(pick(s, INSPECTION_KEYS), m),
    ...reduceMechanism({ mechanism: s.mechanism }, m),
    ...reduceCheckpoints({ checkpoints: s.checkpoints }, m),
  });
}
