/**
 * Every task, by id. A new task is one folder (src/tasks/<id>/) with its TaskSpec, one line here and, when it has
 * parameters of its own, one line in src/tasks/params.ts (src/tasks/README.md says how).
 */
import type { Config } from '../experiment/schema';
import { GROUP_TASK } from './group';
import { KG_TASK } from './kg';
import { MULTIPLY_TASK } from './multiply';
import { PARITY_TASK } from './parity';
import { FILE_TASK } from './file';
import { loadedTaskFileText, loadTaskFile } from './file/loadedFiles';
import type { TaskId } from './params';
import type { SplitSpec, TaskSpec } from './types';

export const TASKS: Readonly<Record<TaskId, TaskSpec>> = {
  kg: KG_TASK,
  parity: PARITY_TASK,
  group: GROUP_TASK,
  multiply: MULTIPLY_TASK,
  file: FILE_TASK,
};

/** The task of a config. */
export const taskOf = (c: Pick<Config, 'task'>): TaskSpec => TASKS[c.task] ?? KG_TASK;

/** The split a config's page, status line and gap read (the task's headline split). */
export function headlineSplit(c: Config): SplitSpec {
  const splits = taskOf(c).splits(c);
  return splits.find((s) => s.role === 'headline') ?? splits[splits.length - 1];
}
/** The splits the direct arm must know before its low headline accuracy means it cannot compose (the informed gap). */
export const prerequisiteSplits = (c: Config): SplitSpec[] =>
  taskOf(c)
    .splits(c)
    .filter((s) => s.role === 'prerequisite');
/** The first test split besides the headline (the knowledge graph's ID test queries), or null when the task has none. */
export const firstTestSplit = (c: Config): SplitSpec | null =>
  taskOf(c)
    .splits(c)
    .find((s) => s.role === 'test') ?? null;

/**
 * The outside text a config's task is read from (a task file), or undefined when its data is generated: what
 * the page sends a worker beside the config (one optional field of its messages).
 */
export const taskSourceOf = (c: Pick<Config, 'task' | 'taskFile'>): string | undefined =>
  c.task === 'file' && c.taskFile ? (loadedTaskFileText(c.taskFile) ?? undefined) : undefined;
/**
 * Reads a task's outside text into this thread (the page, a worker, the CLI): its hash (the config's `taskFile`),
 * or its problems, one line each, and then nothing of it is kept.
 */
export function loadTaskSource(text: unknown): { ok: true; hash: string } | { ok: false; problems: string[] } {
  const reading = loadTaskFile(text);
  return reading.ok ? { ok: true, hash: reading.file.hash } : reading;
}
