/**
 * The CLI's reading of an experiment link: strict by default (any correction the browser would make is a
 * problem: the run is refused, exit 2, one line per problem), lenient on request (--lenient: the browser's
 * behaviour, corrections printed as warnings and the corrected experiment runs). Pure and tfjs-free, so that
 * bad links are refused before tfjs loads. A link copied from the page may carry page keys (hide, lock,
 * presenter, story: src/experiment/pageKeys.ts); they do not change the experiment and are read like the page reads
 * them (a bad one is a problem like any other), then left aside.
 */
import { splitLink } from '../src/experiment/pageKeys';
import { queryToConfig } from '../src/experiment/link';
import type { Config } from '../src/experiment/schema';
import { correctionTexts, strictLine } from '../src/experiment/validate';

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
