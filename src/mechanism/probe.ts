/**
 * The lens and tracing of an arm at one moment of training, on a fixed sample of each measured test split:
 * what the CLI (--lens, --trace) and the worker run after evaluations. Everything is computed when `measure` is
 * called (before its first await), so the record is of the weights at that step even if training goes on
 * while it is read back.
 */
import type { Dataset, EvalItem } from '../data/dataset';
import type { Arm } from '../experiment/domain';
import { shortSplitLabels, type LensSummary, type MechanismRecord, type TraceSummary } from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import type { Model } from '../model/gpt';
import { aggregatedLens, fitsLayout, mechanismLayout } from './lens';
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

/** A test split the mechanism is measured on, with its short label and its queries of the headline queries' shape. */
export interface MeasuredSplit {
  id: string;
  label: string;
  headline: boolean;
  items: EvalItem[];
}

/**
 * The splits measured: the task's headline split and its other test splits, in the task's order, those whose
 * queries have intermediate results; of each only the queries of the headline queries' shape (the positions
 * must line up across the sample: parity's longer test strings, say, are left out), and a split left empty is
 * not measured. Labels: the splits' labels shortened (`shortSplitLabels`: the knowledge graph's 'ID', 'OOD').
 */
export function measuredSplits(config: Config, data: Dataset): MeasuredSplit[] {
  const cot = mechanismLayout(config, true);
  const direct = mechanismLayout(config, false);
  const splits = data.splits
    .filter((s) => s.role === 'headline' || s.role === 'test')
    .map((s) => ({ ...s, items: s.items.filter((it) => it.steps.length > 0 && fitsLayout(it, cot) && fitsLayout(it, direct)) }))
    .filter((s) => s.items.length > 0);
  const labels = shortSplitLabels(splits.map((s) => s.label));
  return splits.map((s, i) => ({ id: s.id, label: labels[i], headline: s.role === 'headline', items: s.items }));
}

export class MechanismProbe {
  /** The fixed samples: the first queries of each measured split's evaluation sample (itself a seeded draw). */
  readonly splits: readonly (MeasuredSplit & { lensSample: EvalItem[]; traceSample: EvalItem[] })[];

  constructor(
    readonly config: Config,
    readonly data: Dataset,
    readonly options: ProbeOptions,
  ) {
    this.splits = measuredSplits(config, data).map((s) => ({
      ...s,
      lensSample: s.items.slice(0, options.lensQueries ?? LENS_QUERIES),
      traceSample: s.items.slice(0, options.traceQueries ?? TRACE_QUERIES),
    }));
  }

  get active(): boolean {
    return this.options.lens || this.options.trace;
  }

  /** Lens and/or tracing of `model` (arm `arm`, at `step`), on every measured split. */
  measure(arm: Arm, model: Model, step: number): Promise<MechanismRecord> {
    const base = { config: this.config, cot: arm === 'cot', step };
    const ref = (s: MeasuredSplit) => ({ ...base, split: s.id, splitLabel: s.label, headline: s.headline });
    const t0 = performance.now();
    const lens: Promise<LensSummary>[] = this.options.lens ? this.splits.map((s) => aggregatedLens(model, s.lensSample, ref(s))) : [];
    const t1 = performance.now();
    const trace: Promise<TraceSummary[]>[] = this.options.trace
      ? this.splits.map((s) => causalTrace(model, this.data, s.traceSample, { ...ref(s), seed: this.options.seed ?? 0 }))
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
