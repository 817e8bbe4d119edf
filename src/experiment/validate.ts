/**
 * Turns untrusted values (a link, CLI flags, a worker message) into a valid Config plus one structured
 * correction per problem, naming the parameter. Never throws on bad input: bad values fall back to safe ones.
 * The browser applies the corrections and shows their `text`; the CLI refuses a link with any correction and
 * prints `strictLine` of each (unless --lenient).
 */
import { z } from 'zod';
import { TASK_RULES } from '../tasks/params';
import { PARAMS, PARAM_BY_KEY, paramApplies, taskDefaults, type Config, type Param, type ParamKey, type TaskId } from './schema';

export interface Correction {
  /** The parameter concerned (an unknown key as given, shortened), or 'link' / 'v' for the link as a whole. */
  key: string;
  /** The value as received, shortened and made printable; '' when there is none. */
  value: string;
  /** What is wrong with the value, e.g. 'is outside 10–2000'. */
  problem: string;
  /** What is allowed, e.g. 'a whole number in 10–2000'. */
  allowed: string;
  /** One line for a notice, with what was done instead: 'entities: 5000 is outside 10–2000; using 2000.' */
  text: string;
}

export interface Checked {
  config: Config;
  /** One per correction, in the order found. Render as text, never as HTML. */
  corrections: Correction[];
}

const MAX_SHOWN = 24;
/** Shortens an untrusted value before it is quoted in a message. */
export function shown(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** The line the strict CLI prints for a correction: the parameter, its value and what is allowed. */
export function strictLine(c: Correction): string {
  const value = c.value === '' ? '' : ` "${c.value}"`;
  return `${c.key}${value}: ${c.problem} (allowed: ${c.allowed})`;
}

/** What a parameter accepts, in words. */
export function allowedOf(p: Param): string {
  if (p.type === 'enum') return `one of ${p.options.join(', ')}`;
  if (p.type === 'hex') return `${p.length} hex digits (0-9, a-f), or nothing`;
  return `${p.type === 'int' ? 'a whole number' : 'a number'} in ${p.min}–${p.max}`;
}

/** A finite number, or a short string holding one (zod 4's z.number() rejects NaN and ±Infinity). */
const numberish = z.union([z.number(), z.string().trim().min(1).max(32).transform(Number)]).pipe(z.number());

const hexOf = (length: number) => z.union([z.literal(''), z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`))]);

function zodFor(p: Param): z.ZodType {
  if (p.type === 'enum') return z.enum(p.options as [string, ...string[]]);
  if (p.type === 'hex') return hexOf(p.length);
  return numberish;
}
/** The zod schema of a complete config, derived from the table; used to check configs built in code. */
export const configSchema = z.object(
  Object.fromEntries(
    (PARAMS as readonly Param[]).map((p) => [
      p.key,
      p.type === 'enum' ? z.enum(p.options as unknown as [string, ...string[]]) : p.type === 'hex' ? hexOf(p.length) : z.number().min(p.min).max(p.max),
    ]),
  ),
);

function correction(key: string, value: string, problem: string, allowed: string, text: string): Correction {
  return { key, value, problem, allowed, text };
}

function checkOne(p: Param, raw: unknown, out: Correction[]): Config[ParamKey] {
  const parsed = zodFor(p).safeParse(typeof raw === 'string' ? raw.trim() : raw);
  const allowed = allowedOf(p);
  const value = shown(raw);
  if (p.type === 'enum') {
    if (parsed.success) return parsed.data as Config[ParamKey];
    out.push(correction(p.key, value, 'is not an option', allowed, `${p.key}: "${value}" is not one of ${p.options.join(', ')}; using ${p.default}.`));
    return p.default as Config[ParamKey];
  }
  if (p.type === 'hex') {
    if (parsed.success) return parsed.data as Config[ParamKey];
    out.push(correction(p.key, value, `is not ${p.length} hex digits`, allowed, `${p.key}: "${value}" is not ${p.length} hex digits; left empty.`));
    return p.default as Config[ParamKey];
  }
  if (!parsed.success) {
    out.push(correction(p.key, value, 'is not a finite number', allowed, `${p.key}: "${value}" is not a number; using ${p.default}.`));
    return p.default;
  }
  let v = parsed.data as number;
  if (p.type === 'int' && !Number.isInteger(v)) {
    const r = Math.round(v);
    out.push(correction(p.key, value, 'is not a whole number', allowed, `${p.key}: ${shown(v)} is not a whole number; using ${r}.`));
    v = r;
  }
  if (v < p.min || v > p.max) {
    const c = Math.min(p.max, Math.max(p.min, v));
    out.push(correction(p.key, value, `is outside ${p.min}–${p.max}`, allowed, `${p.key}: ${shown(v)} is outside ${p.min}–${p.max}; using ${c}.`));
    v = c;
  }
  return v === 0 ? 0 : v; // -0 (e.g. from rounding -5e-324) would not survive config → link → config
}

/** Rules that tie parameters together (the model's, and the task's own: src/tasks/params.ts); each correction is reported. */
function checkRelations(c: Config, out: Correction[]): void {
  const values = c as unknown as Record<string, number | string>;
  for (const r of TASK_RULES[c.task]?.(values) ?? []) {
    out.push(correction(r.key, String(values[r.key]), r.problem, r.allowed, `${r.key}: ${values[r.key]} ${r.problem}; using ${r.to}.`));
    values[r.key] = r.to;
  }
  if (c.dModel % c.heads !== 0) {
    let h = c.heads;
    while (c.dModel % h !== 0) h--;
    out.push(
      correction(
        'heads',
        String(c.heads),
        `does not divide dModel (${c.dModel})`,
        'a divisor of dModel',
        `heads: ${c.heads} does not divide dModel ${c.dModel}; using ${h}.`,
      ),
    );
    c.heads = h;
  }
}

/** Edit distance of two short strings (for "did you mean"). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The parameter a mistyped key most likely meant, if one is close. */
export function closestKey(key: string): ParamKey | null {
  if (key.length > 40) return null;
  const k = key.toLowerCase();
  let best: { key: ParamKey; d: number } | null = null;
  for (const p of PARAMS) {
    const d = distance(k, p.key.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { key: p.key, d };
  }
  return best?.key ?? null;
}

/** The correction for a key that is not a parameter. */
export function unknownKey(key: string): Correction {
  const k = shown(key);
  const near = closestKey(key);
  const hint = near ? ` (did you mean ${near}?)` : '';
  return correction(k, '', `is not a parameter${hint}`, 'a key listed by --params', `Unknown parameter "${k}" ignored${hint}.`);
}

/**
 * Checks a partial set of raw values (strings or numbers); missing keys take the defaults of the task named by
 * `raw.task` (the knowledge graph when none or a bad one). `foreign`: what to do with a key of another task than
 * the config's — 'correct' (a link: refused or corrected, the value left at its default) or 'keep' (a whole
 * config built in code, which carries every task's keys).
 */
export function checkValues(raw: Partial<Record<string, unknown>>, foreign: 'correct' | 'keep' = 'correct'): Checked {
  const corrections: Correction[] = [];
  const taskParam = PARAM_BY_KEY.task;
  const task = (Object.hasOwn(raw, 'task') && raw.task !== undefined ? checkOne(taskParam, raw.task, corrections) : taskParam.default) as TaskId;
  const config = { ...taskDefaults(task) } as Record<ParamKey, Config[ParamKey]>;
  for (const key of Object.keys(raw)) {
    if (key === 'task') continue;
    const p = Object.hasOwn(PARAM_BY_KEY, key) ? PARAM_BY_KEY[key as ParamKey] : undefined;
    if (!p) {
      corrections.push(unknownKey(key));
      continue;
    }
    const value = raw[key];
    if (value === undefined) continue;
    if (foreign === 'correct' && !paramApplies(p, task)) {
      const k = shown(key);
      corrections.push(
        correction(
          k,
          shown(value),
          `is a parameter of the ${p.task} task, not of ${task}`,
          `the parameters of ${task} (--params)`,
          `${k} belongs to the ${p.task} task, not to ${task}; ignored.`,
        ),
      );
      continue;
    }
    config[p.key as ParamKey] = checkOne(p, value, corrections);
  }
  const c = config as Config;
  checkRelations(c, corrections);
  return { config: c, corrections };
}

/** Validates a config built in code (e.g. received from another thread); corrects it like a link would. */
export function checkConfig(c: Partial<Config>): Checked {
  return checkValues(c as Record<string, unknown>, 'keep');
}

/** The notice lines of corrections. */
export const correctionTexts = (cs: readonly Correction[]): string[] => cs.map((c) => c.text);
