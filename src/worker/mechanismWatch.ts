/**
 * The mechanism, watched during training in the worker: after an evaluation, the aggregated logit lens (and,
 * less often, causal tracing) of the arm on a fixed sample of the test queries (src/mechanism/probe.ts),
 * sent to the page as a `mechanism` message. How often is set by cost: the lens while its time stays within
 * LENS_BUDGET of the arm's training time (cheap: nearly every evaluation), tracing while all of it stays within
 * BUDGET (every few evaluations), so watching slows training by at most ~BUDGET. The lenses at step 0 and at
 * the last step are always taken.
 */
import type { ExperimentEvent } from '../experiment/domain';
import type { MechanismRecord } from '../experiment/mechanism';
import { MechanismProbe } from '../mechanism/probe';
import type { Experiment } from '../train/experimentLoop';

/** Share of the training time the measurements may take (the bound is 15%). */
export const BUDGET = 0.1;

/** Cadence bookkeeping of one experiment. */
export interface Cadence {
  /** Milliseconds spent on the lens and on tracing so far. */
  spent: { lens: number; trace: number };
  /** The last measured cost of one lens / one trace (ms); null before the first. */
  last: { lens: number | null; trace: number | null };
}

export const newCadence = (): Cadence => ({ spent: { lens: 0, trace: 0 }, last: { lens: null, trace: null } });

/** Share of the training time the lens alone may take (it gets its turn even while tracing is due). */
export const LENS_BUDGET = 0.04;

/**
 * What to measure now, given the training time so far (ms): the lens while it stays within LENS_BUDGET (and
 * always the first and the `final` one), tracing while everything stays within BUDGET. The first trace once a
 * lens' cost is known, estimated at 10 lenses.
 */
export function due(c: Cadence, trainMs: number, final = false): { lens: boolean; trace: boolean } {
  const lensCost = c.last.lens ?? 0;
  const lens = c.last.lens === null || final || c.spent.lens + lensCost <= LENS_BUDGET * trainMs;
  const traceCost = c.last.trace ?? (c.last.lens === null ? Infinity : 10 * c.last.lens);
  const trace = c.spent.lens + c.spent.trace + (lens ? lensCost : 0) + traceCost <= BUDGET * trainMs;
  return { lens, trace };
}

export function record(c: Cadence, r: MechanismRecord, asked: { lens: boolean; trace: boolean }): void {
  if (asked.lens) {
    c.spent.lens += r.ms.lens;
    c.last.lens = r.ms.lens;
  }
  if (asked.trace) {
    c.spent.trace += r.ms.trace;
    c.last.trace = r.ms.trace;
  }
}

interface Watch {
  cadence: Cadence;
  probes: Map<string, MechanismProbe>;
  /** One measurement at a time per experiment. */
  busy: boolean;
}
const watches = new WeakMap<Experiment, Watch>();

/**
 * After an evaluation event of `exp`: measures what is due (computed now, at this step's weights) and sends the
 * record when it is read back. Failures (a lost GPU device) are dropped: the fault handling owns them.
 */
export function watchMechanism(exp: Experiment, e: Extract<ExperimentEvent, { type: 'eval' }>, send: (r: MechanismRecord) => void): void {
  let w = watches.get(exp);
  if (!w) {
    w = { cadence: newCadence(), probes: new Map(), busy: false };
    watches.set(exp, w);
  }
  if (w.busy) return;
  const trainer = exp.trainers.find((t) => t.arm === e.arm);
  if (!trainer) return;
  const trainMs = e.stepsPerSec > 0 ? (1000 * e.row.step) / e.stepsPerSec : 0;
  const asked = due(w.cadence, trainMs, e.row.step >= exp.config.steps);
  if (!asked.lens && !asked.trace) return;
  const key = `${asked.lens}${asked.trace}`;
  let probe = w.probes.get(key);
  if (!probe) w.probes.set(key, (probe = new MechanismProbe(exp.config, exp.data, asked)));
  w.busy = true;
  const watch = w;
  probe
    .measure(e.arm, trainer.gpt, e.row.step)
    .then((r) => {
      record(watch.cadence, r, asked);
      send(r);
    })
    .catch(() => {})
    .finally(() => (watch.busy = false));
}
