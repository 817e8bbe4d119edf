/**
 * Turns untrusted values (a link, CLI flags, a worker message) into a valid Config plus plain-text messages
 * naming every parameter that was corrected. Never throws on bad input: bad values fall back to safe ones.
 */
import { z } from 'zod';
import { DEFAULT_CONFIG, PARAMS, PARAM_BY_KEY, type Config, type Param, type ParamKey } from './schema';

export interface Checked {
  config: Config;
  /** One plain-text line per correction, naming the parameter. Render as text, never as HTML. */
  messages: string[];
}

const MAX_SHOWN = 24;
/** Shortens an untrusted value before it is quoted in a message. */
export function shown(value: unknown): string {
  const s = String(value).replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** A finite number, or a short string holding one (zod 4's z.number() rejects NaN and ±Infinity). */
const numberish = z.union([z.number(), z.string().trim().min(1).max(32).transform(Number)]).pipe(z.number());

function zodFor(p: Param): z.ZodType {
  if (p.type === 'enum') return z.enum(p.options as [string, ...string[]]);
  return numberish;
}
/** The zod schema of a complete config, derived from the table; used to check configs built in code. */
export const configSchema = z.object(
  Object.fromEntries(
    PARAMS.map((p) => [p.key, p.type === 'enum' ? z.enum(p.options as unknown as [string, ...string[]]) : z.number().min(p.min).max(p.max)]),
  ),
);

function checkOne(p: Param, raw: unknown, messages: string[]): Config[ParamKey] {
  const parsed = zodFor(p).safeParse(typeof raw === 'string' ? raw.trim() : raw);
  if (p.type === 'enum') {
    if (parsed.success) return parsed.data as Config[ParamKey];
    messages.push(`${p.key}: "${shown(raw)}" is not one of ${p.options.join(', ')}; using ${p.default}.`);
    return p.default as Config[ParamKey];
  }
  if (!parsed.success) {
    messages.push(`${p.key}: "${shown(raw)}" is not a number; using ${p.default}.`);
    return p.default;
  }
  let v = parsed.data as number;
  if (p.type === 'int' && !Number.isInteger(v)) {
    const r = Math.round(v);
    messages.push(`${p.key}: ${shown(v)} is not a whole number; using ${r}.`);
    v = r;
  }
  if (v < p.min || v > p.max) {
    const c = Math.min(p.max, Math.max(p.min, v));
    messages.push(`${p.key}: ${shown(v)} is outside ${p.min}–${p.max}; using ${c}.`);
    v = c;
  }
  return v;
}

/** Rules that tie parameters together; each correction is reported. */
function checkRelations(c: Config, messages: string[]): void {
  if (c.degree > c.relations) {
    messages.push(`degree: ${c.degree} is more than relations (${c.relations}); using ${c.relations}.`);
    c.degree = c.relations;
  }
  if (c.dModel % c.heads !== 0) {
    let h = c.heads;
    while (c.dModel % h !== 0) h--;
    messages.push(`heads: ${c.heads} does not divide dModel ${c.dModel}; using ${h}.`);
    c.heads = h;
  }
}

/** Checks a partial set of raw values (strings or numbers); missing keys take their defaults. */
export function checkValues(raw: Partial<Record<string, unknown>>, opts: { unknownKeys?: string[] } = {}): Checked {
  const messages: string[] = [];
  const config = { ...DEFAULT_CONFIG } as Record<ParamKey, Config[ParamKey]>;
  for (const key of Object.keys(raw)) {
    const p = Object.hasOwn(PARAM_BY_KEY, key) ? PARAM_BY_KEY[key as ParamKey] : undefined;
    if (!p) {
      messages.push(`Unknown parameter "${shown(key)}" ignored.`);
      continue;
    }
    const value = raw[key];
    if (value === undefined) continue;
    config[p.key as ParamKey] = checkOne(p, value, messages);
  }
  for (const k of opts.unknownKeys ?? []) messages.push(`Unknown parameter "${shown(k)}" ignored.`);
  const c = config as Config;
  checkRelations(c, messages);
  return { config: c, messages };
}

/** Validates a config built in code (e.g. received from another thread); corrects it like a link would. */
export function checkConfig(c: Partial<Config>): Checked {
  return checkValues(c as Record<string, unknown>);
}
