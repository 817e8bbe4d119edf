/** A config's dataset, from its task's generator (src/tasks/): pure and seeded, the same for both arms. */
import type { Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import type { Dataset } from '../tasks/types';

export type { Dataset, EvalItem, EvalSplit, Sequence, TokenVocab } from '../tasks/types';

export function generateDataset(c: Config): Dataset {
  const task = taskOf(c);
  const tooLarge = task.tooLarge(c);
  if (tooLarge) throw new RangeError(tooLarge);
  return task.generate(c);
}

/** The training sequences of one arm. */
export const trainingSequences = (d: Dataset, cot: boolean) => (cot ? d.train.cot : d.train.direct);

/** A split's queries by id (empty when the dataset has no such split). */
export const splitItems = (d: Dataset, id: string) => d.splits.find((s) => s.id === id)?.items ?? [];
