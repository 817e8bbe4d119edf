/**
 * The tour's state: which step is shown, the runs it loaded (each step's phases), and what it remembers of
 * runs that are no longer on the page, so that a step can still quote what was measured. Opening and closing
 * the tour is the page store's `story` flag (it is in the address as story=1).
 *
 * A phase run is loaded as a link would be: the student's experiment with the phase's keys changed, checked
 * by the schema, set on the experiment store (so the address shows it), then reset and played.
 */
import { create } from 'zustand';
import { configToQuery } from '../experiment/link';
import type { Config } from '../experiment/schema';
import { checkValues } from '../experiment/validate';
import { usePageStore } from '../store/pageStore';
import { useExperimentStore } from '../store/experimentStore';
import { useTrainingStore, type TrainingState } from '../store/trainingStore';
import type { RunView, StoryContext } from './steps';
import { stepsOf } from './tours';

/** The steps of the tour of the experiment on the page (a tour's runs keep its task). */
const stepsNow = () => stepsOf(useExperimentStore.getState().config);

export const sameConfig = (a: Config, b: Config): boolean => configToQuery(a) === configToQuery(b);

/** The training store as a RunView. */
export function viewOf(t: TrainingState, config: Config, live: boolean): RunView {
  return {
    config,
    status: t.status,
    step: t.step,
    totalSteps: t.totalSteps,
    arms: t.arms,
    history: t.history,
    lens: t.lens,
    examples: t.examples,
    vocab: t.vocab,
    parameters: t.parameters,
    stepsPerSec: t.stepsPerSec,
    live,
  };
}

export const phaseKey = (step: number, phase: number): string => `${step}.${phase}`;

interface StoryState {
  step: number;
  /** The student's experiment while a tour run is on the page (null: the page runs the student's own). */
  base: Config | null;
  /** The tour run on the page now. */
  loaded: { key: string; config: Config } | null;
  /** What the tour remembers of runs no longer on the page: 'main' (the student's) and phase keys. */
  kept: Record<string, RunView>;
  seen: StoryContext['seen'];
  /** The sentence of a wait that just happened, shown at the top of the step it moved on to. */
  arrived: { step: number; text: string } | null;
  goTo: (step: number, arrived?: string) => void;
  /** Loads phase `phase` of step `step` and plays it. */
  runPhase: (step: number, phase: number) => void;
  /** Back to the student's own experiment (a fresh run of it). */
  restoreBase: () => void;
  setSeen: (seen: StoryContext['seen']) => void;
  /** Forgets everything (the tour closed). */
  clear: () => void;
}

function keepCurrent(s: StoryState): Record<string, RunView> {
  const t = useTrainingStore.getState();
  const config = useExperimentStore.getState().config;
  if (s.loaded) return sameConfig(config, s.loaded.config) ? { ...s.kept, [s.loaded.key]: viewOf(t, s.loaded.config, false) } : s.kept;
  return { ...s.kept, main: viewOf(t, config, false) };
}

function load(config: Config): void {
  useExperimentStore.getState().setConfig(config);
  const t = useTrainingStore.getState();
  t.reset(); // at once (this also cancels the reset the config change scheduled)
  t.play();
}

export const useStoryStore = create<StoryState>((set, get) => ({
  step: 0,
  base: null,
  loaded: null,
  kept: {},
  seen: {},
  arrived: null,
  goTo: (step, arrived) => set({ step: Math.max(0, Math.min(stepsNow().length - 1, step)), arrived: arrived ? { step, text: arrived } : null }),
  runPhase: (step, phase) => {
    const p = stepsNow()[step]?.phases?.[phase];
    if (!p) return;
    const s = get();
    const kept = keepCurrent(s);
    const base = s.base ?? useExperimentStore.getState().config;
    const config = checkValues({ ...base, ...p.preset }).config;
    const key = phaseKey(step, phase);
    const { [key]: _old, ...rest } = kept; // a new run of this phase replaces what was kept of the last one
    set({ kept: rest, base, loaded: { key, config } });
    load(config);
  },
  restoreBase: () => {
    const s = get();
    if (!s.base) return;
    const base = s.base;
    set({ kept: keepCurrent(s), loaded: null, base: null });
    useExperimentStore.getState().setConfig(base);
    useTrainingStore.getState().reset();
  },
  setSeen: (seen) => set({ seen }),
  clear: () => set({ step: 0, base: null, loaded: null, kept: {}, seen: {}, arrived: null }),
}));

/** The context of a step right now. */
export function contextOf(s: StoryState, t: TrainingState, config: Config): StoryContext {
  const onPage = s.loaded && sameConfig(config, s.loaded.config) ? s.loaded.key : null;
  const main = s.loaded === null ? viewOf(t, config, true) : (s.kept.main ?? viewOf(t, config, true));
  const phases = (stepsOf(config)[s.step]?.phases ?? []).map((_, i) => {
    const key = phaseKey(s.step, i);
    return onPage === key ? viewOf(t, config, true) : (s.kept[key] ?? null);
  });
  return { main, phases, seen: s.seen };
}

/**
 * Watches the stores while the tour is open: a tour run that the student replaces by changing the experiment
 * is remembered as it was; a phase that finishes starts the next one of its step. Returns a stop function.
 */
export function installStory(): () => void {
  const offConfig = useExperimentStore.subscribe((e, prev) => {
    if (e.config === prev.config) return;
    const s = useStoryStore.getState();
    if (s.loaded && !sameConfig(e.config, s.loaded.config)) {
      // the training store still holds the tour's run (its reset is debounced): keep what it measured
      useStoryStore.setState({ kept: { ...s.kept, [s.loaded.key]: viewOf(useTrainingStore.getState(), s.loaded.config, false) }, loaded: null, base: null });
    }
  });
  const offTraining = useTrainingStore.subscribe((t, prev) => {
    if (t.status === prev.status || t.status !== 'done') return;
    const s = useStoryStore.getState();
    if (!s.loaded || !usePageStore.getState().page.story) return;
    const [stepText, phaseText] = s.loaded.key.split('.');
    const step = Number(stepText);
    const next = Number(phaseText) + 1;
    if (step === s.step && stepsNow()[step]?.phases?.[next]) s.runPhase(step, next);
  });
  return () => {
    offConfig();
    offTraining();
  };
}
