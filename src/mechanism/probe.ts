/**
 * The lens and tracing of an arm at one moment of training, on a fixed sample of the ID and OOD test queries:
 * what the CLI (--lens, --trace) and the worker run after evaluations. Everything is computed when `measure` is
 * called (before its first await), so the record is of the weights at that step even if training goes on
 * while it is read back.
 */
import type { Dataset, EvalItem } from '../data/distribution';
import type { Arm } from '../experiment/domain';
import { MECHANISM_SPLITS, type LensSummary, type MechanismRecord, type MechanismSplit, type TraceSummary } from '../experiment/mechanism';
import type { Model } from '../model/gpt';
import { aggregatedLens } from './lens';
import { causalTrace } from './trace';

/** Queries per split: the lens is cheap (one forward pass); tracing runs (layers + 1) × positions patched copies. */
export const LENS_QUERIES = 256;
export const TRACE_QUERIES = 100;

export interface ProbeOptions {
  lens: boolean;
  trace: boolean;
  lensQueries?: number;
  traceQueries?: number;
  /** Seed of the counterfactual draw. */
  seed?: number;
}

export class MechanismProbe {
  /** The fixed samples: the first queries of each test split's evaluation sample (itself a seeded draw). */
  readonly lensSample: Record<MechanismSplit, EvalItem[]>;
  readonly traceSample: Record<MechanismSplit, EvalItem[]>;

  constructor(
    readonly data: Dataset,
    readonly options: ProbeOptions,
  ) {
    const take = (n: number) => Object.fromEntries(MECHANISM_SPLITS.map((s) => [s, data.splits[s].slice(0, n)])) as Record<MechanismSplit, EvalItem[]>;
    this.lensSample = take(options.lensQueries ?? LENS_QUERIES);
    this.traceSample = take(options.traceQueries ?? TRACE_QUERIES);
  }

  get active(): boolean {
    return this.options.lens || this.options.trace;
  }

  /** Lens and/or tracing of `model` (arm `arm`, at `step`), on both test splits. */
  measure(arm: Arm, model: Model, step: number): Promise<MechanismRecord> {
    const seq = { cot: arm === 'cot', hops: this.data.hops, step };
    const t0 = performance.now();
    const lens: Promise<LensSummary>[] = this.options.lens
      ? MECHANISM_SPLITS.map((split) => aggregatedLens(model, this.lensSample[split], { ...seq, split }))
      : [];
    const t1 = performance.now();
    const trace: Promise<TraceSummary[]>[] = this.options.trace
      ? MECHANISM_SPLITS.map((split) => causalTrace(model, this.data, this.traceSample[split], { ...seq, split, seed: this.options.seed ?? 0 }))
      : [];
    const t2 = performance.now();
    return Promise.all([Promise.all(lens), Promise.all(trace)]).then(([l, t]) => ({
      arm,
      step,
      lens: l,
      trace: t.flat(),
      // the work itself: on wasm and cpu it is done synchronously above (the readback then only copies; waiting
      // for it would also count whatever else the thread runs meanwhile, e.g. training steps); on a GPU this is
      // the time to queue it, and the readback waits for the GPU (readbackMs, an upper bound)
      ms: { lens: t1 - t0, trace: t2 - t1, readback: performance.now() - t2 },
    }));
  }
}
