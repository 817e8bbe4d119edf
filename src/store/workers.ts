/**
 * The training workers as the training store sees them (src/worker/training.worker.ts, one per arm). The store
 * is built with a factory of these (createTrainingStore), so a test hands it fakes.
 */
import type { FromWorkerTagged, ToWorker } from '../worker/protocol';
import type { Arm } from '../experiment/domain';

/** The part of a Worker the store uses. */
export interface WorkerLike {
  postMessage(m: ToWorker): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<FromWorkerTagged>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

/** A worker for one arm, named `training-<arm>` (so it is easy to tell apart in the browser's dev tools). */
export function startTrainingWorker(arm: Arm): WorkerLike {
  return new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: `training-${arm}` }) as unknown as WorkerLike;
}
