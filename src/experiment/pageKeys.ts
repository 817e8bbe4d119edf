/**
 * Page keys of a link: how the page is shown, not what the experiment is. They are not parameters of the
 * experiment (not in the schema's Config, never sent to a worker) but travel in the same address:
 *
 *   hide=designer,inspector,explanation   parts of the page left out (and out of the tab order)
 *   lock=entities,model                   parameters shown but not changeable (keys, groups, or `all`)
 *   presenter=1                           larger type, for a projector
 *   story=1                               the guided tour is open
 *   gallery=1                             the gallery of findings is open
 *
 * Read like the rest of a link: untrusted, never thrown on, every problem one plain-text correction
 * (shown in the "Link corrected: …" notice), nothing rendered as HTML. tfjs-free (and React-free).
 */
import { MAX_LINK_LENGTH } from './link';
import { PARAMS, type ParamGroup, type ParamKey } from './schema';
import { shown, type Correction } from './validate';

export const PAGE_KEYS = ['hide', 'lock', 'presenter', 'story', 'gallery'] as const;
export type PageKey = (typeof PAGE_KEYS)[number];

/** The designer's groups (the schema's `group` field). */
export const GROUPS: readonly ParamGroup[] = ['data', 'model', 'training', 'run'];

/** Parts of the page a link can hide, in the order a link lists them, with what the classroom panel calls them. */
export const PARTS = [
  { key: 'designer', label: 'Designer (every parameter control)' },
  { key: 'data', label: 'Data settings' },
  { key: 'model', label: 'Model settings' },
  { key: 'training', label: 'Training settings' },
  { key: 'run', label: 'Run settings (arms, backend)' },
  { key: 'explanation', label: 'Explanation' },
  { key: 'preview', label: 'Data preview' },
  { key: 'loss', label: 'Loss chart' },
  { key: 'inspector', label: 'Inside the models (attention, logit lens)' },
  { key: 'mechanism', label: 'The circuit over all test queries (aggregated lens, tracing)' },
  { key: 'runs', label: 'Runs history' },
  { key: 'tour', label: '“Take the tour” button' },
  { key: 'gallery', label: '“Gallery” button (findings that run as links)' },
  { key: 'classroom', label: '“Classroom” button' },
] as const satisfies readonly { key: string; label: string }[];
export type Part = (typeof PARTS)[number]['key'];
/** What `hide` accepts: a part, or one parameter's control. */
export type Hideable = Part | ParamKey;

export interface PageOptions {
  /** Hidden parts and controls, unique, in canonical order (PARTS, then PARAMS). */
  hide: readonly Hideable[];
  /** Locked parameters, unique, in PARAMS order (groups and `all` expanded). */
  lock: readonly ParamKey[];
  presenter: boolean;
  story: boolean;
  /** The gallery of findings is open. */
  gallery: boolean;
}

export const DEFAULT_PAGE: PageOptions = Object.freeze({ hide: [], lock: [], presenter: false, story: false, gallery: false });

/** At most this many names are read from one list (a hostile link cannot make the page loop long). */
export const MAX_LIST = 64;

const PART_KEYS: readonly string[] = PARTS.map((p) => p.key);
const PARAM_KEYS: readonly ParamKey[] = PARAMS.map((p) => p.key);
const HIDEABLE: readonly Hideable[] = [...(PART_KEYS as Part[]), ...PARAM_KEYS];
const LOCKABLE: readonly string[] = ['all', ...GROUPS, ...PARAM_KEYS];
/** Case-insensitive lookup of a name in a fixed list; no prototype, so `__proto__` is just unknown. */
function lookup<T extends string>(names: readonly T[]): (raw: string) => T | undefined {
  const map: Record<string, T> = Object.create(null);
  for (const n of names) map[n.toLowerCase()] = n;
  return (raw) => (Object.hasOwn(map, raw.toLowerCase()) ? map[raw.toLowerCase()] : undefined);
}
const HIDE_ALLOWED = `comma-separated parts (${PART_KEYS.join(', ')}) or parameter keys`;
const LOCK_ALLOWED = `comma-separated parameter keys, groups (${GROUPS.join(', ')}) or all`;
const findHideable = lookup(HIDEABLE);
const findLockable = lookup(LOCKABLE);

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
function nearest(raw: string, names: readonly string[]): string | null {
  if (raw.length > 40) return null;
  let best: { n: string; d: number } | null = null;
  for (const n of names) {
    const d = distance(raw.toLowerCase(), n.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { n, d };
  }
  return best?.n ?? null;
}

function correction(key: string, value: string, problem: string, allowed: string, text: string): Correction {
  return { key, value, problem, allowed, text };
}

const ON = new Set(['', '1', 'on', 'true', 'yes']);
const OFF = new Set(['0', 'off', 'false', 'no']);
function readFlag(key: PageKey, raw: string, out: Correction[]): boolean {
  const v = raw.trim().toLowerCase();
  if (ON.has(v)) return true;
  if (OFF.has(v)) return false;
  const s = shown(raw);
  out.push(correction(key, s, 'is not 1 or 0', '1 or 0', `${key}: "${s}" is not 1 or 0; ignored.`));
  return false;
}

function readList<T extends string>(
  key: PageKey,
  raw: string,
  find: (s: string) => T | undefined,
  names: readonly string[],
  what: string,
  allowed: string,
  out: Correction[],
): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length > MAX_LIST) {
    out.push(correction(key, '', `lists ${items.length} names`, `at most ${MAX_LIST}`, `${key}: ${items.length} names; only the first ${MAX_LIST} were read.`));
  }
  const found: T[] = [];
  for (const item of items.slice(0, MAX_LIST)) {
    const hit = find(item);
    if (hit !== undefined) {
      found.push(hit);
      continue;
    }
    const s = shown(item);
    const near = nearest(item, names);
    const hint = near ? ` (did you mean ${near}?)` : '';
    out.push(correction(key, s, `is not ${what}${hint}`, allowed, `${key}: "${s}" is not ${what}${hint}; ignored.`));
  }
  return found;
}

/** Locked parameters from a list of keys, groups and `all`, in PARAMS order. */
export function expandLock(names: readonly string[]): ParamKey[] {
  const set = new Set(names);
  return PARAMS.filter((p) => set.has('all') || set.has(p.group) || set.has(p.key)).map((p) => p.key);
}

/** Hidden names in canonical order, unique. */
export function canonicalHide(names: readonly Hideable[]): Hideable[] {
  const set = new Set<string>(names);
  return HIDEABLE.filter((n) => set.has(n));
}

/** Reads the page keys out of a parsed query; `out` collects the corrections. */
export function readPage(raw: Partial<Record<PageKey, string>>, out: Correction[] = []): PageOptions {
  const hide =
    raw.hide === undefined ? [] : canonicalHide(readList('hide', raw.hide, findHideable, HIDEABLE, 'a part of the page or a parameter', HIDE_ALLOWED, out));
  const lock = raw.lock === undefined ? [] : expandLock(readList('lock', raw.lock, findLockable, LOCKABLE, 'a parameter, a group or all', LOCK_ALLOWED, out));
  const presenter = raw.presenter === undefined ? false : readFlag('presenter', raw.presenter, out);
  const story = raw.story === undefined ? false : readFlag('story', raw.story, out);
  const gallery = raw.gallery === undefined ? false : readFlag('gallery', raw.gallery, out);
  return { hide, lock, presenter, story, gallery };
}

export interface SplitLink {
  /** The experiment's part of the query, every segment as it came (for queryToConfig). */
  experiment: string;
  page: PageOptions;
  corrections: Correction[];
}

const isPageKey = (k: string): k is PageKey => (PAGE_KEYS as readonly string[]).includes(k);

/**
 * Splits a link (full URL, "?query" or bare query) into the experiment's query and the page keys. The
 * experiment's segments pass through untouched, so queryToConfig reads (and corrects) them as before.
 */
export function splitLink(linkOrQuery: string): SplitLink {
  const out: Correction[] = [];
  let text = typeof linkOrQuery === 'string' ? linkOrQuery : '';
  const q = text.indexOf('?');
  if (q >= 0) text = text.slice(q + 1);
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  const raw: Partial<Record<PageKey, string>> = {};
  const rest: string[] = [];
  let at = 0;
  for (const segment of text.split('&')) {
    const start = at;
    at += segment.length + 1;
    if (segment === '') continue;
    let key = '';
    let value = '';
    try {
      const entry = [...new URLSearchParams(segment)][0];
      if (entry) [key, value] = entry;
    } catch {
      /* not ours: the experiment's reader reports it */
    }
    if (!isPageKey(key)) {
      rest.push(segment);
      continue;
    }
    // the experiment's reader cuts an over-long link (and says so); page keys are read from the same prefix
    if (start + segment.length > MAX_LINK_LENGTH) continue;
    if (raw[key] !== undefined)
      out.push(correction(key, shown(value), 'appears more than once', 'each key once', `${key} appears more than once; the last value is used.`));
    raw[key] = value;
  }
  const page = readPage(raw, out);
  return { experiment: rest.join('&'), page, corrections: out };
}

/** The page keys as a query ('' when the page is as by default), in a fixed order, lists compacted. */
export function pageQuery(page: PageOptions): string {
  const q = new URLSearchParams();
  const hide = canonicalHide(page.hide);
  if (hide.length) q.set('hide', hide.join(','));
  const lock = compactLock(page.lock);
  if (lock.length) q.set('lock', lock.join(','));
  if (page.presenter) q.set('presenter', '1');
  if (page.story) q.set('story', '1');
  if (page.gallery) q.set('gallery', '1');
  // commas stay readable in the address
  return q.toString().replace(/%2C/g, ',');
}

/** The shortest list naming the locked parameters: `all`, whole groups, then single keys. */
export function compactLock(lock: readonly ParamKey[]): string[] {
  const set = new Set(lock);
  if (PARAMS.every((p) => set.has(p.key))) return ['all'];
  const out: string[] = [];
  for (const g of GROUPS) {
    const keys = PARAMS.filter((p) => p.group === g).map((p) => p.key);
    if (keys.every((k) => set.has(k))) out.push(g);
    else out.push(...keys.filter((k) => set.has(k)));
  }
  return out;
}

/** True when the part (or the parameter's control) is hidden; a group or the designer hides its controls. */
export function isHidden(page: PageOptions, name: Hideable): boolean {
  if (page.hide.includes(name)) return true;
  const param = PARAMS.find((p) => p.key === name);
  if (param) return page.hide.includes('designer') || page.hide.includes(param.group);
  if ((GROUPS as readonly string[]).includes(name)) return page.hide.includes('designer');
  return false;
}

export const isLocked = (page: PageOptions, key: ParamKey): boolean => page.lock.includes(key);

export function samePage(a: PageOptions, b: PageOptions): boolean {
  return pageQuery(a) === pageQuery(b);
}
