import type { Config, Param } from '../../experiment/schema';
import { TASK_RULES } from '../../tasks/params';

/**
 * A tighter upper bound than the table's that the task's rules set from the other parameters (the graph's
 * degree ≤ relations, parity's training strings ≤ half of all strings): the value each rule mends the maximum to.
 */
export function ruleMax(p: Param, c: Config): number | undefined {
  if (p.type === 'enum' || p.type === 'hex' || p.task === undefined) return undefined;
  const to = TASK_RULES[c.task]?.({ ...c, [p.key]: p.max }).find((r) => r.key === p.key)?.to;
  return to !== undefined && to < p.max ? to : undefined;
}
