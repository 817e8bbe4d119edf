/**
 * The sweep's keys in the address (`sweep=noise:0,0.2,0.4&seeds=0,1`, src/runs/sweepPlan.ts): split off before the
 * experiment's keys are read, checked, kept in the sweep store, and written back after them, so that a sweep is
 * shareable like an experiment. Used by src/app/address.ts.
 */
import type { Config } from '../experiment/schema';
import { readSweep, splitSweepQuery, sweepQuery } from '../runs/sweepPlan';
import { useSweepStore } from '../store/sweepStore';

/** The address without the sweep's keys, and a function that reads them once the experiment (its seed and task) is known. */
export function takeSweep(search: string): { rest: string; apply: (base: Pick<Config, 'seed' | 'task'>) => string[] } {
  const { experiment, sweep, seeds } = splitSweepQuery(search);
  return {
    rest: experiment,
    apply: (base) => {
      const reading = readSweep(sweep, seeds, base.seed, base.task);
      const store = useSweepStore.getState();
      // a running sweep changes the address itself (each run's config): it is not redefined from it
      if (store.status !== 'running') store.define(reading.spec);
      return reading.problems;
    },
  };
}

/** '' or the sweep's keys to append to the address. */
export function sweepSuffix(): string {
  const spec = useSweepStore.getState().spec;
  return spec ? sweepQuery(spec) : '';
}

/** Calls `f` when the defined sweep changes. */
export function onSweepChange(f: () => void): () => void {
  return useSweepStore.subscribe((s, prev) => {
    if (s.spec !== prev.spec) f();
  });
}

/** A page address with the sweep's keys appended (when a sweep is defined). */
export function withSweep(url: string): string {
  const s = sweepSuffix();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}
