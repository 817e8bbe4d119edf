/**
 * The fold of several arms' progress into one run's, where each arm trains on its own (a worker of the page, a
 * thread of the CLI): the page's store (src/store/reduce.ts `combine`) and `npm run experiment` (cli/armThreads.ts)
 * both tell the run this way. Pure.
 */

/** What the fold needs of one arm. */
export interface ArmProgress {
  step: number;
  /** The arm stopped for good (a non-finite loss, a failed worker or thread), or finished: it no longer holds the run back. */
  stopped: boolean;
  /** The backend it trains on (null: not known yet) and why not the one asked for. */
  backend: string | null;
  fallbacks: string[];
  /** How many threads its GEMMs use, in words (null: not on wasm, or not known). */
  threads?: string | null;
  /** The GPU adapter it trains on (webgpu), as its driver names it. */
  adapter?: string | null;
}

export interface RunProgress {
  /** The step every arm still training has reached (the slowest's); once none is, the furthest. */
  step: number;
  /** One name when all arms agree, else the names joined with ' / ' in the arms' order; null before any is known. */
  backend: string | null;
  threads: string | null;
  /** The adapters, joined like `backend` (null: none on a GPU). */
  adapter: string | null;
  /** Each reason once, in the arms' order. */
  fallbacks: string[];
}

const distinct = (xs: (string | null | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => typeof x === 'string'))];

export function foldArms(arms: readonly ArmProgress[]): RunProgress {
  const live = arms.filter((a) => !a.stopped);
  const steps = (live.length ? live : arms).map((a) => a.step);
  const step = arms.length === 0 ? 0 : live.length ? Math.min(...steps) : Math.max(...steps);
  const backends = distinct(arms.map((a) => a.backend));
  const threads = distinct(arms.map((a) => a.threads));
  const adapters = distinct(arms.map((a) => a.adapter));
  return {
    step,
    backend: backends.length ? backends.join(' / ') : null,
    threads: threads.length ? threads.join(' / ') : null,
    adapter: adapters.length ? adapters.join(' / ') : null,
    fallbacks: distinct(arms.flatMap((a) => a.fallbacks)),
  };
}
