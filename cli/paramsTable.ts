/**
 * The parameter table of `--params`, grouped by task: the keys every task shares (the task itself, the common
 * data keys, the model and training), then each task's own keys under "task=<id>", with that task's defaults.
 * A key of one task in a link of another is refused (src/experiment/validate.ts), so the grouping is what a
 * link may hold. Pure and tfjs-free.
 */
import { PARAMS, taskDefaults, type Param } from '../src/experiment/schema';
import { allowedOf } from '../src/experiment/validate';
import { TASK_IDS } from '../src/tasks/params';
import { TASKS } from '../src/tasks/registry';

type Row = [key: string, allowed: string, def: string, meaning: string];

export function paramsTable(): string {
  const all = PARAMS as readonly Param[];
  const common = all.filter((p) => p.task === undefined);
  const rowOf = (p: Param, def: unknown): Row => [p.key, allowedOf(p), String(def), p.hint];
  const sections: { title: string | null; rows: Row[]; note?: string }[] = [{ title: null, rows: common.map((p) => rowOf(p, p.default)) }];
  for (const id of TASK_IDS) {
    const defaults = taskDefaults(id) as unknown as Record<string, unknown>;
    // the task's preset may move a shared key's default: say so under the task
    const moved = common.filter((p) => p.key !== 'task' && defaults[p.key] !== p.default).map((p) => `${p.key}=${defaults[p.key]}`);
    sections.push({
      title: `task=${id}: ${TASKS[id].label}`,
      rows: all.filter((p) => p.task === id).map((p) => rowOf(p, defaults[p.key])),
      ...(moved.length ? { note: `  (task=${id} also changes the defaults: ${moved.join(', ')})` } : {}),
    });
  }
  const header: Row = ['key', 'allowed', 'default', 'meaning'];
  const rows = [header, ...sections.flatMap((s) => s.rows)];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: Row) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
  const out = [line(header)];
  for (const s of sections) {
    if (s.title) out.push('', s.title);
    if (s.note) out.push(s.note);
    out.push(...s.rows.map(line));
  }
  return out.join('\n');
}
