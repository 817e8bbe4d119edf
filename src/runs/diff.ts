/**
 * How runs are told apart: by what differs in their experiments. A run in the list is labelled by its
 * difference from the current experiment ("λ 3.6 · noise 0.2"), runs in a comparison by what varies among them
 * ("seed 0", "seed 1"). Pure; keys in the schema's order, with short names. The task comes first and reads as
 * its id alone ("parity · bits 8"); a parameter of one task only counts for runs of that task.
 */
import { DEFAULT_CONFIG, PARAM_BY_KEY, PARAMS, paramApplies, type Config, type Param, type ParamKey } from '../experiment/schema';

/** Short names for labels (the schema's labels are written for the controls); a key not listed is its own name. */
export const SHORT_NAME: Partial<Record<ParamKey, string>> = {
  seed: 'seed',
  bits: 'bits',
  trainSize: 'train size',
  testBits: 'test bits',
  entities: 'entities',
  relations: 'relations',
  degree: 'degree',
  oodShare: 'OOD share',
  lambda: 'λ',
  hops: 'hops',
  noise: 'noise',
  noiseKind: 'noise kind',
  idTestShare: 'ID test share',
  evalSize: 'eval size',
  layers: 'layers',
  heads: 'heads',
  dModel: 'd_model',
  mlpRatio: 'MLP ratio',
  dropout: 'dropout',
  lr: 'lr',
  warmup: 'warm-up',
  lrSchedule: 'schedule',
  weightDecay: 'weight decay',
  batch: 'batch',
  steps: 'steps',
  evalEvery: 'eval every',
  cotShare: 'CoT share',
  evalEarly: 'early evals',
  clip: 'clip',
  arms: 'arms',
  backend: 'backend',
};

/** One parameter and its value as a label part, e.g. "λ 3.6"; the task is its id alone ("parity"). */
export function paramText(key: ParamKey, value: Config[ParamKey]): string {
  if (key === 'task') return String(value);
  return `${SHORT_NAME[key] ?? key} ${String(value)}`;
}

const TABLE = PARAMS as readonly Param[];

/** The keys whose values differ between two experiments, in the schema's order: the task, then the parameters of a's task. */
export function diffKeys(a: Config, b: Config): ParamKey[] {
  return TABLE.filter((p) => paramApplies(p, a.task))
    .map((p) => p.key as ParamKey)
    .filter((k) => a[k] !== b[k]);
}

/** The keys whose values are not all equal across `configs` (the parameters of any of their tasks). */
export function varyingKeys(configs: readonly Config[]): ParamKey[] {
  if (configs.length < 2) return [];
  return TABLE.filter((p) => configs.some((c) => paramApplies(p, c.task)))
    .map((p) => p.key as ParamKey)
    .filter((k) => configs.some((c) => c[k] !== configs[0][k]));
}

/** At most this many parts in a label; the rest are counted ("+2 more"). */
export const MAX_PARTS = 4;

function joinParts(parts: string[], max: number): string {
  if (parts.length <= max) return parts.join(' · ');
  return `${parts.slice(0, max).join(' · ')} · +${parts.length - max} more`;
}

/** A run's label against the current experiment: "λ 3.6 · noise 0.2", or "same as now" when nothing differs. */
export function diffLabel(run: Config, current: Config, max = MAX_PARTS): string {
  const keys = diffKeys(run, current);
  if (keys.length === 0) return 'same as now';
  return joinParts(
    keys.map((k) => paramText(k, run[k])),
    max,
  );
}

/** The full difference, one part per key, for a tooltip: "λ 3.6 (now 7.2)". */
export function diffTitle(run: Config, current: Config): string {
  const keys = diffKeys(run, current);
  if (keys.length === 0) return 'The same experiment as the current one.';
  return keys.map((k) => `${paramText(k, run[k])} (now ${String(current[k])})`).join(', ');
}

/**
 * Legend labels for runs compared together: what varies among them. When nothing varies (one run, or the same
 * link twice) the label falls back to the difference from the default experiment, then to the run's name.
 */
export function legendLabels(runs: readonly { config: Config; name: string }[], max = MAX_PARTS): string[] {
  const keys = varyingKeys(runs.map((r) => r.config));
  const labels = runs.map((r) => {
    // a run is labelled by the varying keys of its own task (another task's parameters mean nothing to it)
    const own = keys.filter((k) => paramApplies(PARAM_BY_KEY[k], r.config.task));
    if (own.length)
      return joinParts(
        own.map((k) => paramText(k, r.config[k])),
        max,
      );
    const d = diffKeys(r.config, DEFAULT_CONFIG);
    return d.length
      ? joinParts(
          d.map((k) => paramText(k, r.config[k])),
          max,
        )
      : r.name;
  });
  // the same label twice (the same experiment run twice): tell them apart by name
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  return labels.map((l, i) => ((seen.get(l) ?? 0) > 1 ? `${l} (${runs[i].name})` : l));
}
