/**
 * The metrics concern of the training state: each arm's evaluation rows and training losses (bounded: losses are
 * thinned by merging neighbours once they pass MAX_LOSS_POINTS), the step where a loss first went non-finite, the
 * parameters and training-only speed of each arm. Pure.
 */
import type { Arm, MetricRow } from '../experiment/domain';
import type { FromWorker } from '../worker/protocol';

export interface LossPoint {
  step: number;
  loss: number;
}

export const MAX_LOSS_POINTS = 2000;
export const MAX_HISTORY_ROWS = 20_000;

export interface MetricsState {
  /** Training-only steps per second of each arm, from the evaluation events and the end of each run. */
  armStepsPerSec: Partial<Record<Arm, number>>;
  parameters: Partial<Record<Arm, number>>;
  history: Record<Arm, MetricRow[]>;
  losses: Record<Arm, LossPoint[]>;
  /** First step at which an arm's training loss was not a finite number (the run diverged). */
  diverged: Partial<Record<Arm, number>>;
}

export const METRICS_KEYS = ['armStepsPerSec', 'parameters', 'history', 'losses', 'diverged'] as const satisfies readonly (keyof MetricsState)[];

export const initialMetrics = (): MetricsState => ({
  armStepsPerSec: {},
  parameters: {},
  history: { cot: [], direct: [] },
  losses: { cot: [], direct: [] },
  diverged: {},
});

/** Halves a list of loss points by averaging neighbours (keeps the later step), until it fits. */
export function thinLosses(points: LossPoint[], max = MAX_LOSS_POINTS): LossPoint[] {
  let p = points;
  while (p.length > max) {
    const out: LossPoint[] = [];
    for (let i = 0; i + 1 < p.length; i += 2) out.push({ step: p[i + 1].step, loss: (p[i].loss + p[i + 1].loss) / 2 });
    if (p.length % 2) out.push(p[p.length - 1]);
    p = out;
  }
  return p;
}

export function reduceMetrics(s: MetricsState, m: FromWorker): MetricsState {
  switch (m.type) {
    case 'ready':
      return { ...s, parameters: { ...s.parameters, ...Object.fromEntries(m.arms.map((a) => [a.arm, a.parameters])) } };
    case 'loss': {
      const add = m.steps.map((step, i) => ({ step, loss: m.losses[i] })).filter((p) => Number.isFinite(p.loss));
      const losses = { ...s.losses, [m.arm]: thinLosses([...s.losses[m.arm], ...add]) };
      const bad = m.steps.find((_, i) => !Number.isFinite(m.losses[i]));
      const diverged = bad !== undefined && s.diverged[m.arm] === undefined ? { ...s.diverged, [m.arm]: bad } : s.diverged;
      return { ...s, losses, diverged };
    }
    case 'eval': {
      const rows = [...s.history[m.arm], m.row];
      const history = { ...s.history, [m.arm]: rows.length > MAX_HISTORY_ROWS ? rows.filter((_, i) => i % 2 === 0 || i === rows.length - 1) : rows };
      return { ...s, history, armStepsPerSec: { ...s.armStepsPerSec, [m.arm]: m.stepsPerSec } };
    }
    case 'trained':
      return { ...s, armStepsPerSec: { ...s.armStepsPerSec, [m.arm]: m.stepsPerSec } };
    case 'rewound': {
      const losses = { ...s.losses, [m.arm]: s.losses[m.arm].filter((p) => p.step <= m.step) };
      const history = { ...s.history, [m.arm]: s.history[m.arm].filter((r) => r.step <= m.step) };
      const diverged = { ...s.diverged };
      if ((diverged[m.arm] ?? -1) > m.step) delete diverged[m.arm];
      return { ...s, losses, history, diverged };
    }
    case 'resumed': {
      if (m.problem) return s;
      // the loss chart before the checkpoint: each row's mean training loss since the row before (coarser than live)
      const before = m.history.filter((r) => r.loss !== null && Number.isFinite(r.loss)).map((r) => ({ step: r.step, loss: r.loss as number }));
      const losses = { ...s.losses, [m.arm]: thinLosses([...before, ...s.losses[m.arm].filter((p) => p.step > m.step)]) };
      return { ...s, history: { ...s.history, [m.arm]: m.history }, losses };
    }
    default:
      return s;
  }
}
