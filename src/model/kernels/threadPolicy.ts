/**
 * How many threads a training worker of the page gives its GEMMs, and how the badge says so.
 *
 * tfjs-backend-wasm picks its threaded build on a cross-origin isolated page; that build's heap is shared
 * memory, on which our kernels are not used (wasm.ts), so the worker keeps tfjs's plain SIMD build and splits our
 * GEMMs itself (threads.ts). The cores are shared among the arms that train at once: each arm gets
 * ⌊cores / arms⌋ threads (at most MAX_THREADS), one when the page is not isolated.
 */
import { env } from '@tensorflow/tfjs-core';
import { canShareMemory } from './threads';
import { setGemmThreads } from './wasm';

/** Beyond this the helpers mostly wait on each other for these matrix sizes (docs/perf.md). */
export const MAX_THREADS = 8;

/** Call before the wasm backend starts (the flag is read when it initialises). */
export function keepTfjsWasmUnthreaded(): void {
  try {
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } catch {
    // the wasm backend is not part of this bundle: nothing to keep
  }
}

export interface GemmThreads {
  threads: number;
  /** Why one thread, when it is one. */
  why: string | null;
}

/** Starts the GEMM threads of one arm's worker; `want` (tests) overrides the share of the cores. */
export async function startGemmThreads(arms: number, want?: number): Promise<GemmThreads> {
  if (!canShareMemory()) {
    await setGemmThreads(1);
    return { threads: 1, why: 'page not cross-origin isolated' };
  }
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const share = want ?? Math.min(MAX_THREADS, Math.floor(cores / Math.max(1, arms)));
  if (share <= 1) {
    await setGemmThreads(1);
    return { threads: 1, why: `${plural(cores, 'core')} for ${plural(arms, 'arm')}` };
  }
  const threads = await setGemmThreads(share);
  return { threads, why: threads < share ? 'helper threads failed to start' : null };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 threads", "1 thread (page not cross-origin isolated)", "1 thread (2 cores for 2 arms)". */
export function threadsText(t: GemmThreads): string {
  return `${plural(t.threads, 'thread')}${t.why ? ` (${t.why})` : ''}`;
}
