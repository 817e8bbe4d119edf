/**
 * One-click training recipes (issue 12): the cold start (CoT share 0.1, then an RL stage) and its honest
 * comparison (same data, same total steps, SFT only), for every task with intermediate steps; then the experiment's
 * task's own recipes (`TaskSpec.recipes`: measured presets of that task beyond its default). Each keeps the rest of the
 * experiment (seed, data, model) and changes only the keys of its preset; all are links like any experiment. A
 * recipe is offered only for a task all of whose keys it sets apply to.
 */
import { COLD_START_PRESET, COLD_START_SFT_PRESET } from '../../experiment/presets';
import { PARAM_BY_KEY, paramApplies, type Config, type ParamKey } from '../../experiment/schema';
import { useExperimentStore } from '../../store/experimentStore';
import { taskOf } from '../../tasks/registry';

interface Recipe {
  id: string;
  label: string;
  title: string;
  preset: Partial<Config>;
}

const RECIPES: readonly Recipe[] = [
  {
    id: 'cold-start',
    label: 'Cold start + RL',
    title: 'CoT share 0.1 (10% of the training examples with intermediate steps carry them), then 1,000 steps of RL on the final answer after SFT',
    preset: COLD_START_PRESET,
  },
  {
    id: 'cold-start-sft',
    label: 'Same steps, SFT only',
    title: 'The comparison: CoT share 0.1, the same total number of steps, all of them SFT (no RL stage)',
    preset: COLD_START_SFT_PRESET,
  },
];

const matches = (c: Config, p: Partial<Config>) => Object.entries(p).every(([k, v]) => c[k as ParamKey] === v);
const appliesTo = (p: Partial<Config>, task: string) => Object.keys(p).every((k) => paramApplies(PARAM_BY_KEY[k as ParamKey], task));

export function RecipePresets() {
  const config = useExperimentStore((s) => s.config);
  const setConfig = useExperimentStore((s) => s.setConfig);
  return (
    <div className="recipe-presets" role="group" aria-label="Training recipes">
      <span className="muted small">Recipes:</span>
      {[...RECIPES, ...(taskOf(config).recipes ?? [])]
        .filter((r) => appliesTo(r.preset, config.task))
        .map((r) => (
          <button
            key={r.id}
            type="button"
            className={`ghost small${matches(config, r.preset) ? ' on' : ''}`}
            title={r.title}
            aria-pressed={matches(config, r.preset)}
            data-testid={`recipe-${r.id}`}
            onClick={() => setConfig({ ...config, ...r.preset })}
          >
            {r.label}
          </button>
        ))}
    </div>
  );
}
