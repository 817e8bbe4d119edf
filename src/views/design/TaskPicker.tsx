/**
 * The task picker: a select labelled "Task" above the data parameters, each option a task of src/tasks/registry.ts
 * with its one-line description (the option's tooltip; the chosen task's under the select). Switching goes
 * through experimentStore.setTask (src/experiment/switchTask.ts).
 * Test hook: data-testid="param-task" and data-value on the select, like every parameter's control.
 */
import { useId } from 'react';
import { PARAM_BY_KEY, type EnumParam, type TaskId } from '../../experiment/schema';
import { TASKS } from '../../tasks/registry';

const TASK_PARAM = PARAM_BY_KEY.task as EnumParam;

export function TaskPicker({ task, locked = false, onChange }: { task: TaskId; locked?: boolean; onChange: (task: TaskId) => void }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const chosen = TASKS[task];
  return (
    <div className={`param param-enum task-picker${locked ? ' locked' : ''}`}>
      <div className="param-head">
        <label htmlFor={id}>{TASK_PARAM.label}</label>
        <select
          id={id}
          data-testid="param-task"
          data-value={task}
          aria-describedby={hintId}
          value={task}
          disabled={locked}
          onChange={(e) => onChange(e.target.value as TaskId)}
        >
          {(TASK_PARAM.options as readonly TaskId[]).map((t) => (
            <option key={t} value={t} title={TASKS[t].description}>
              {TASKS[t].label}
            </option>
          ))}
        </select>
      </div>
      <p className="param-hint" id={hintId}>
        {locked && <span className="param-locked-note">Locked by this link. </span>}
        {chosen.description}
      </p>
    </div>
  );
}
