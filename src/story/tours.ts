/**
 * The tour's chapters, one per task that has one: the knowledge graph's (the page's two questions, steps.ts) and
 * parity's (parityTour.ts). The tour offered is the chapter of the experiment's task.
 */
import type { Config, TaskId } from '../experiment/schema';
import { TASKS, taskOf } from '../tasks/registry';
import { PARITY_STEPS } from './parityTour';
import { STEPS, type StoryStep } from './steps';

export interface Tour {
  task: TaskId;
  /** The chapter's question. */
  title: string;
  steps: StoryStep[];
}

export const TOURS: readonly Tour[] = [
  { task: 'kg', title: 'What does training with CoT buy, and how?', steps: STEPS },
  { task: 'parity', title: 'Why can’t the direct model learn parity?', steps: PARITY_STEPS },
];

/** The chapter of this experiment's task, or null when its task has none. */
export const tourOf = (c: Pick<Config, 'task'>): Tour | null => TOURS.find((t) => t.task === c.task) ?? null;

/** The steps of the chapter of this experiment's task (none when it has no chapter). */
export const stepsOf = (c: Pick<Config, 'task'>): StoryStep[] => tourOf(c)?.steps ?? [];

/** Why the tour is not offered for this experiment, in one sentence; null when it is. */
export function tourUnavailable(c: Pick<Config, 'task'>): string | null {
  if (tourOf(c)) return null;
  const labels = TOURS.map((t) => TASKS[t.task].label).join(' and ');
  return `The tour has chapters for the ${labels} tasks; this experiment's task is ${taskOf(c).label}. Set Task to one of them to take it.`;
}
