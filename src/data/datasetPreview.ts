/**
 * What the preview worker answers: the task's preview of the dataset a config generates, or why there is none.
 * Pure and tfjs-free: the worker runs it, and so does the page where module workers are missing.
 */
import { generateDataset } from './dataset';
import { DEFAULT_CONFIG, paramsOf, type Config, type ParamKey } from '../experiment/schema';
import { loadTaskSource, taskOf, taskSourceOf } from '../tasks/registry';
import type { TaskPreview } from '../tasks/types';

export type PreviewResult = { kind: 'ok'; preview: TaskPreview } | { kind: 'too-big'; message: string } | { kind: 'error'; message: string };

/** What the page asks the preview worker (src/worker/preview.worker.ts) and what it answers. */
export interface PreviewRequest {
  id: number;
  /** The data parameters of the config (`dataOf`). */
  config: Partial<Config>;
  /** The outside text the config's task is read from (a task file: src/tasks/registry.ts taskSourceOf), if any. */
  taskFile?: string;
}
export interface PreviewResponse {
  id: number;
  result: PreviewResult;
}

/** The parameters a task's data depends on (the task, its own data parameters, the common ones), from the table. */
export const previewKeys = (task: string): ParamKey[] => paramsOf(task).flatMap((p) => (p.group === 'data' ? [p.key as ParamKey] : []));

/** The part of a config the preview depends on: other changes (model, training) keep the same preview. */
export function dataOf(c: Config): Partial<Config> {
  return Object.fromEntries(previewKeys(c.task).map((k) => [k, c[k]])) as Partial<Config>;
}

export function computePreview(data: Partial<Config>, taskFile?: string): PreviewResult {
  const config = { ...DEFAULT_CONFIG, ...data } as Config;
  if (taskFile !== undefined && taskSourceOf(config) === undefined) {
    const loading = loadTaskSource(taskFile);
    if (!loading.ok) return { kind: 'error', message: loading.problems.join('\n') };
  }
  const task = taskOf(config);
  const tooLarge = task.tooLarge(config);
  if (tooLarge) return { kind: 'too-big', message: tooLarge };
  try {
    return { kind: 'ok', preview: task.preview(generateDataset(config), config) };
  } catch (e) {
    // generateDataset throws a RangeError for a config too large to generate
    if (e instanceof RangeError) return { kind: 'too-big', message: e.message };
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
