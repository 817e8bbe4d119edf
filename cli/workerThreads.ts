/**
 * TypeScript modules in worker threads, for the CLIs (a sweep's runs, an experiment's arms): Node 20 workers do
 * not inherit `--import tsx`, so each starts at cli/tsWorker.mjs, which registers tsx and imports the module.
 */
import { availableParallelism } from 'node:os';
import { Worker, workerData, type WorkerOptions } from 'node:worker_threads';
import { MAX_GEMM_THREADS } from './args';

/** Starts `module` (a URL, e.g. `new URL('./job.ts', import.meta.url)`) in a worker; `workerInput()` there returns `data`. */
export function startTsWorker(module: URL, data: unknown, options: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  // a bundled module (bench/device/pack.ts) is JavaScript already and needs no tsx
  const entry = module.pathname.endsWith('.ts') ? new URL('./tsWorker.mjs', import.meta.url) : module;
  return new Worker(entry, { ...options, workerData: { module: module.href, data } });
}

/** In a worker started by startTsWorker: the data it was given. */
export function workerInput<T>(): T {
  return (workerData as { data: T }).data;
}

/** The GEMM threads of each of `trainingThreads` threads that train at once: the machine's cores shared among them (≤ MAX_GEMM_THREADS). */
export function defaultGemmThreads(trainingThreads: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_GEMM_THREADS, Math.floor(cores / Math.max(1, trainingThreads))));
}
