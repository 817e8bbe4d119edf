/**
 * The distribution designer: the task picker, then every parameter of the schema table that applies to the
 * chosen task as a control, grouped by the table's group field. Data is the headline group; Model, Training and
 * Run fold away (a folded group shows its values in one line and opens by itself when a link sets one of its
 * parameters).
 */
import { useEffect, useState } from 'react';
import { paramsOf, PARAMS, taskDefaults, type Config, type Param, type ParamGroup, type ParamKey } from '../../experiment/schema';
import { useExperimentStore } from '../../store/experimentStore';
import { isHidden, isLocked } from '../../experiment/pageKeys';
import { usePageStore } from '../../store/pageStore';
import { checkConfig } from '../../experiment/validate';
import { formatValue, ParamControl } from './ParamControl';
import './design.css';
import { RecipePresets } from './RecipePresets';
import { ruleMax } from './ruleMax';
import { TaskPicker } from './TaskPicker';

const GROUPS: { group: ParamGroup; title: string; blurb: string }[] = [
  { group: 'data', title: 'Data', blurb: 'The reasoning task, and the data the model learns it from and is tested on.' },
  { group: 'model', title: 'Model', blurb: 'A small GPT-style decoder, the same for both arms.' },
  { group: 'training', title: 'Training', blurb: 'AdamW with warm-up; both arms see the same batches of examples.' },
  { group: 'run', title: 'Run', blurb: 'Which arms to train and where the maths runs.' },
];

/** The parameters of a group that apply to the task (the task itself is the picker, not one of them). */
const groupParams = (g: ParamGroup, task: string): Param[] => paramsOf(task).filter((p) => p.group === g && p.key !== 'task');
const changed = (c: Config, g: ParamGroup) => {
  const defaults = taskDefaults(c.task);
  return groupParams(g, c.task).some((p) => c[p.key as ParamKey] !== defaults[p.key as ParamKey]);
};

function oneLine(c: Config, g: ParamGroup): string {
  return groupParams(g, c.task)
    .slice(0, 4)
    .map((p) => {
      const v = c[p.key as ParamKey];
      return `${p.label.split(' ')[0]} ${typeof v === 'number' && p.type !== 'enum' && p.type !== 'hex' ? formatValue(p, v) : v}`;
    })
    .join(' · ');
}

export function Designer() {
  const config = useExperimentStore((s) => s.config);
  const setParam = useExperimentStore((s) => s.setParam);
  const setTask = useExperimentStore((s) => s.setTask);
  const setConfig = useExperimentStore((s) => s.setConfig);
  // a classroom link can hide groups or controls and lock parameters (src/experiment/pageKeys.ts)
  const page = usePageStore((s) => s.page);
  const shown = (g: ParamGroup) => groupParams(g, config.task).filter((p) => !isHidden(page, p.key as ParamKey));
  const pickerShown = !isHidden(page, 'task');
  // the defaults of the task shown (a locked parameter, the task included, keeps its value)
  const defaults = checkConfig({ ...taskDefaults(config.task), ...Object.fromEntries(page.lock.map((k) => [k, config[k]])) }).config;
  const [open, setOpen] = useState<Record<ParamGroup, boolean>>({ data: true, model: false, training: false, run: true });

  // a link (or any outside change) that sets a folded group's parameter opens that group
  useEffect(() => {
    setOpen((o) => {
      const next = { ...o };
      for (const { group } of GROUPS) if (!o[group] && changed(config, group)) next[group] = true;
      return GROUPS.some(({ group }) => next[group] !== o[group]) ? next : o;
    });
  }, [config]);

  const controls = (g: ParamGroup) =>
    shown(g).map((p) => (
      <ParamControl
        key={p.key}
        param={p}
        value={config[p.key as ParamKey]}
        max={ruleMax(p, config)}
        locked={isLocked(page, p.key as ParamKey)}
        onChange={(v) => setParam(p.key as ParamKey, v)}
      />
    ));

  return (
    <div className="designer" aria-label="Experiment designer">
      <div className="designer-head">
        <h2>Design the experiment</h2>
        <button
          type="button"
          className="ghost small"
          onClick={() => setConfig(defaults)}
          disabled={PARAMS.every((p) => config[p.key as ParamKey] === defaults[p.key as ParamKey])}
          title={page.lock.length ? 'Set every parameter that is not locked back to its default' : 'Set every parameter back to its default'}
        >
          Defaults
        </button>
      </div>
      <RecipePresets />
      {GROUPS.filter(({ group }) => shown(group).length > 0 || (group === 'data' && pickerShown)).map(({ group, title, blurb }) =>
        group === 'data' ? (
          <section key={group} className="param-group param-group-data" aria-labelledby="group-data-title">
            <h3 id="group-data-title">{title}</h3>
            <p className="group-blurb">{blurb}</p>
            {pickerShown && <TaskPicker task={config.task} locked={isLocked(page, 'task')} onChange={setTask} />}
            {controls(group)}
          </section>
        ) : (
          <details
            key={group}
            className="param-group"
            open={open[group]}
            onToggle={(e) => {
              const isOpen = e.currentTarget.open;
              setOpen((o) => (o[group] === isOpen ? o : { ...o, [group]: isOpen }));
            }}
          >
            <summary>
              <span className="group-title">{title}</span>
              {!open[group] && <span className="group-line">{oneLine(config, group)}</span>}
            </summary>
            <p className="group-blurb">{blurb}</p>
            {controls(group)}
          </details>
        ),
      )}
    </div>
  );
}
