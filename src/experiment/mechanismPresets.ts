/**
 * Presets that show the mechanism (issue 8, item 5): each changes only the keys below and keeps the rest of the
 * experiment (seed, graph, recipe). What each showed when measured with the engine is in the README
 * ("The mechanism, measured"); the reference numbers quoted in the titles are the PyTorch reference's.
 */
import type { Config } from './schema';
import { DEFAULT_CONFIG } from './schema';

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
    preset: { layers: DEFAULT_CONFIG.layers, dModel: DEFAULT_CONFIG.dModel, dropout: 0, steps: DEFAULT_CONFIG.steps },
  },
  {
    id: 'shallow',
    label: 'Too shallow: 2 layers',
    title: '2 layers × 128, no dropout, 3,000 steps: little depth for stage 1 before the bridge must be said.',
    preset: { layers: 2, dModel: 128, dropout: 0, steps: 3000 },
  },
  {
    id: 'dropout',
    label: '2 layers + dropout 0.1',
    title: '2 layers × 128 with dropout 0.1, 3,000 steps: does dropout steady the shallow model?',
    preset: { layers: 2, dModel: 128, dropout: 0.1, steps: 3000 },
  },
];

export const presetMatches = (c: Config, p: Partial<Config>): boolean => Object.entries(p).every(([k, v]) => c[k as keyof Config] === v);
