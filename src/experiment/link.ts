/**
 * An experiment as a link: the query string holds a version and only the non-default values (a link of an
 * earlier version is read with that version's defaults; a link without a version is read as the current one).
 * Parsing accepts a bare query ("entities=300&hops=3"), one with "?" or a full URL, and treats it as untrusted.
 */
import { TASK_IDS } from '../tasks/params';
import { EARLIER_DEFAULTS, LINK_VERSION, PARAMS, paramApplies, taskDefaults, type Config } from './schema';
import { checkValues, shown, type Checked, type Correction } from './validate';

/** Longest link we read; anything longer is cut before parsing (a hostile link cannot stall the page). */
export const MAX_LINK_LENGTH = 4096;

export function configToQuery(config: Config): string {
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  // the task first; then only its parameters, where they differ from its defaults (its measured preset)
  const defaults = taskDefaults(config.task);
  if (config.task !== PARAMS[0].default) q.set('task', config.task);
  for (const p of PARAMS) {
    if (p.key === 'task' || !paramApplies(p, config.task)) continue;
    const v = config[p.key];
    if (v !== defaults[p.key]) q.set(p.key, String(v));
  }
  return q.toString();
}

export function queryToConfig(linkOrQuery: string): Checked {
  const messages: Correction[] = [];
  let text = typeof linkOrQuery === 'string' ? linkOrQuery : '';
  if (text.length > MAX_LINK_LENGTH) {
    messages.push({
      key: 'link',
      value: '',
      problem: `is ${text.length} characters long`,
      allowed: `at most ${MAX_LINK_LENGTH} characters`,
      text: `The link is ${text.length} characters long; only the first ${MAX_LINK_LENGTH} were read.`,
    });
    text = text.slice(0, MAX_LINK_LENGTH);
  }
  const qIndex = text.indexOf('?');
  let query = qIndex >= 0 ? text.slice(qIndex + 1) : text;
  const hash = query.indexOf('#');
  if (hash >= 0) query = query.slice(0, hash);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    params = new URLSearchParams();
    messages.push({
      key: 'link',
      value: '',
      problem: 'could not be read',
      allowed: 'a URL query string',
      text: 'The link could not be read; using the default experiment.',
    });
  }
  // no prototype: keys such as __proto__ or constructor are plain (unknown) keys here
  const raw: Record<string, string> = Object.create(null);
  let earlier: Partial<Record<string, Partial<Config>>> | undefined;
  for (const [k, v] of params) {
    if (k === 'v') {
      earlier = Object.hasOwn(EARLIER_DEFAULTS, v) ? EARLIER_DEFAULTS[Number(v) as keyof typeof EARLIER_DEFAULTS] : undefined;
      if (earlier === undefined && v !== String(LINK_VERSION)) {
        messages.push({
          key: 'v',
          value: shown(v),
          problem: 'is not a known link version',
          allowed: String(LINK_VERSION),
          text: `Link version "${shown(v)}" is not ${LINK_VERSION}; values were read as version ${LINK_VERSION}.`,
        });
      }
      continue;
    }
    if (Object.hasOwn(raw, k)) {
      messages.push({
        key: shown(k),
        value: shown(v),
        problem: 'appears more than once',
        allowed: 'each key once',
        text: `${shown(k)} appears more than once; the last value is used.`,
      });
    }
    raw[k] = v;
  }
  // an earlier version's link leaves out that version's defaults of its task: they stand where the link says
  // nothing (a task the link names wrongly is read as the default task, as checkValues corrects it)
  const task = TASK_IDS.find((t) => t === raw.task) ?? PARAMS[0].default;
  for (const [k, v] of Object.entries(earlier?.[task] ?? {})) if (!Object.hasOwn(raw, k)) raw[k] = String(v);
  const checked = checkValues(raw);
  return { config: checked.config, corrections: [...messages, ...checked.corrections] };
}

/** True when the config equals the default experiment. */
export function isDefault(config: Config): boolean {
  const defaults = taskDefaults(PARAMS[0].default);
  return PARAMS.every((p) => config[p.key] === defaults[p.key]);
}
