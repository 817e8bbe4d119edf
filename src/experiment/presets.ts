/**
 * Named experiments, as links. The paper preset is the configuration of Yao et al. (2025) (docs/science.md §5):
 * their graph (2,000 entities, 200 relations, degree 20, 5% OOD, λ 7.2), their model (8 layers × 768, 12 heads,
 * dropout 0.1) and their recipe (AdamW lr 1e-4 after 2,000 warm-up steps, then constant; batch 512; weight decay
 * 0.1; clipping 1.0), run for 20,000 steps (the length of the paper's noise comparison), evaluated every 500 steps
 * on up to 2,000 queries per split. It is far beyond a browser tab (src/data/memoryBudget.ts refuses it): it is
 * meant for the PyTorch export (`npm run export -- "$PAPER" --out DIR`, python/README.md).
 */
import { configToQuery } from './link';
import { DEFAULT_CONFIG, type Config } from './schema';

export const PAPER_PRESET: Partial<Config> = {
  entities: 2000,
  relations: 200,
  degree: 20,
  oodShare: 0.05,
  lambda: 7.2,
  evalSize: 2000,
  layers: 8,
  heads: 12,
  dModel: 768,
  mlpRatio: 4,
  dropout: 0.1,
  lr: 1e-4,
  warmup: 2000,
  lrSchedule: 'constant',
  weightDecay: 0.1,
  batch: 512,
  clip: 1,
  steps: 20_000,
  evalEvery: 500,
};

export const PAPER_CONFIG: Config = { ...DEFAULT_CONFIG, ...PAPER_PRESET };
/** The paper preset's link query (`v=1&entities=2000&…`). */
export const PAPER_QUERY = configToQuery(PAPER_CONFIG);

/**
 * The cold start (issue 12; DeepSeek-R1's recipe at toy scale): only 10% of the CoT arm's multi-hop training
 * facts carry the bridge, then 1,000 steps of RL on the final answer after the SFT steps. The direct arm
 * beside it is the same recipe from no CoT at all (a CoT share of 0 trains exactly like the direct arm).
 */
export const COLD_START_PRESET: Partial<Config> = { cotShare: 0.1, rlSteps: 1000 };
/** The honest comparison for the cold start: the same data and the same total steps, SFT only. */
export const COLD_START_SFT_PRESET: Partial<Config> = { cotShare: 0.1, steps: DEFAULT_CONFIG.steps + 1000, rlSteps: 0 };
