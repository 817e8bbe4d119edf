/**
 * Switching the task in the designer: the new task's own parameters start at its defaults, and what the user set
 * elsewhere (model, training, the common data parameters, the run) is kept. A value still at the old task's
 * default takes the new task's default instead, so that a task's measured preset (`TASK_PRESETS`) applies when
 * the user had not changed it.
 */
import { PARAMS, taskDefaults, type Config, type Param, type ParamKey, type TaskId } from './schema';

export function switchTask(config: Config, task: TaskId): Config {
  if (config.task === task) return config;
  const before = taskDefaults(config.task);
  const after = taskDefaults(task);
  const next = { ...after } as Record<ParamKey, Config[ParamKey]>;
  for (const p of PARAMS as readonly Param[]) {
    const key = p.key as ParamKey;
    // a task's own parameter (this task's or another's): the new task's default
    if (key === 'task' || p.task !== undefined) continue;
    next[key] = config[key] === before[key] ? after[key] : config[key];
  }
  return next as Config;
}
