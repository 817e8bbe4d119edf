/**
 * Starts a training worker (the page starts one per arm). Kept apart from the store so that tests can swap in
 * fake workers.
 */
import type { FromWorkerTagged, ToWorker } from './protocol';
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
  return new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: `training-${arm}` }) as unknown as WorkerLike;
}
