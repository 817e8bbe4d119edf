/**
 * The CLI's reading of an experiment link: strict by default (any correction the browser would make is a
 * problem: the run is refused, exit 2, one line per problem), lenient on request (--lenient: the browser's
 * behaviour, corrections printed as warnings and the corrected experiment runs). Pure and tfjs-free, so that
 * bad links are refused before tfjs loads. A link copied from the page may carry page keys (hide, lock,
 * presenter, story: src/app/classroom.ts); they do not change the experiment and are read like the page reads
 * them (a bad one is a problem like any other), then left aside.
 */
import { splitLink } from '../src/app/classroom';
import { queryToConfig } from '../src/experiment/link';
import { PARAMS, type Config } from '../src/experiment/schema';
import { allowedOf, correctionTexts, strictLine } from '../src/experiment/validate';

export type LinkReading = { ok: true; config: Config; warnings: string[] } | { ok: false; problems: string[] };

export function readLink(link: string, lenient: boolean): LinkReading {
  const page = splitLink(link);
  const read = queryToConfig(page.experiment);
  const config = read.config;
  const corrections = [...read.corrections, ...page.corrections];
  if (corrections.length === 0) return { ok: true, config, warnings: [] };
  if (lenient) return { ok: true, config, warnings: correctionTexts(corrections) };
  return { ok: false, problems: corrections.map(strictLine) };
}

/** The parameter table as text, for --params: key, allowed values, default, and what it means. */
export function paramsTable(): string {
  const rows = PARAMS.map((p) => [p.key, allowedOf(p), String(p.default), p.hint]);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['key', 'allowed', 'default'][i].length));
  const line = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
  return [line(['key', 'allowed', 'default', 'meaning']), ...rows.map(line)].join('\n');
}
