import { useExperimentStore } from '../../store/experimentStore';
import { useTrainingStore } from '../../store/trainingStore';
import type { Config } from '../../experiment/schema';

/** The run's config: the running experiment's once its workers reported it, else the designer's. */
export function useRunConfig(): Config {
  const run = useTrainingStore((s) => s.runConfig);
  const designed = useExperimentStore((s) => s.config);
  return run ?? designed;
}
