/**
 * Starts the training worker. Kept apart from the store so that tests can swap in a fake worker.
 */
import type { FromWorkerTagged, ToWorker } from './protocol';

/** The part of a Worker the store uses. */
export interface WorkerLike {
  postMessage(m: ToWorker): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<FromWorkerTagged>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

export function startTrainingWorker(): WorkerLike {
  return new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'training' }) as unknown as WorkerLike;
}
