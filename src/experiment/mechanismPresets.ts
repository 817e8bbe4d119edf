/**
 * Presets that show the mechanism (issue 8, item 5): each changes only the keys below and keeps the rest of the
 * experiment (seed, graph, recipe). What each showed when measured with the engine is in the README
 * ("The mechanism, measured"); the reference numbers quoted in the titles are the PyTorch reference's.
 */
import type { Config } from './schema';
import { DEFAULT_CONFIG, EARLIER_DEFAULTS } from './schema';

/** The shallow presets were measured with the data and learning rate of link version 1 (λ 7.2, lr 1e-3): kept, so that they show what the README says they showed. */
const MEASURED_WITH = { lambda: EARLIER_DEFAULTS[1].kg.lambda, lr: EARLIER_DEFAULTS[1].kg.lr };

export interface MechanismPreset {
  id: 'default' | 'shallow' | 'dropout';
  label: string;
  title: string;
  preset: Partial<Config>;
}

export const MECHANISM_PRESETS: readonly MechanismPreset[] = [
  {
    id: 'default',
    label: '4 layers (default)',
    title:
      'The default model: 4 layers × 128, no dropout. The CoT arm finds the ID bridge early and the OOD bridge late; the direct arm never finds the OOD bridge.',
    preset: {
      layers: DEFAULT_CONFIG.layers,
      dModel: DEFAULT_CONFIG.dModel,
      dropout: 0,
      steps: DEFAULT_CONFIG.steps,
      lambda: DEFAULT_CONFIG.lambda,
      lr: DEFAULT_CONFIG.lr,
    },
  },
  {
    id: 'shallow',
    label: 'Too shallow: 2 layers',
    title: '2 layers × 128, no dropout, 3,000 steps (λ 7.2, lr 1e-3): little depth for stage 1 before the bridge must be said.',
    preset: { layers: 2, dModel: 128, dropout: 0, steps: 3000, ...MEASURED_WITH },
  },
  {
    id: 'dropout',
    label: '2 layers + dropout 0.1',
    title: '2 layers × 128 with dropout 0.1, 3,000 steps (λ 7.2, lr 1e-3): does dropout steady the shallow model?',
    preset: { layers: 2, dModel: 128, dropout: 0.1, steps: 3000, ...MEASURED_WITH },
  },
];

export const presetMatches = (c: Config, p: Partial<Config>): boolean => Object.entries(p).every(([k, v]) => c[k as keyof Config] === v);
