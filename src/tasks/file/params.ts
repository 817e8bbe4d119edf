/** The file task's one parameter (src/experiment/schema.ts reads this table through src/tasks/params.ts). */
import type { Param } from '../../experiment/paramTypes';

export const FILE_PARAMS = [
  {
    key: 'taskFile',
    group: 'data',
    task: 'file',
    type: 'hex',
    default: '',
    length: 16,
    label: 'Task file',
    hint: 'The sha-256 prefix of the JSON Lines file the task is read from: what a link holds. The file itself is loaded in the page (or given to the CLI with --task-file); it never travels in a link.',
  },
] as const satisfies readonly Param[];
