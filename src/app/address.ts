/**
 * The address bar mirrors the experiment: every config change replaces the query (non-default values only,
 * versioned), and opening a link (or going back/forward) loads it through queryToConfig, which treats it as
 * untrusted; its corrections become one "Link corrected: …" notice (plain text). The page keys (hide, lock,
 * presenter, story: src/experiment/pageKeys.ts) are split off first, read with the same discipline, kept in the
 * page store and written back after the experiment's keys.
 */
import { configToQuery, isDefault, queryToConfig } from '../experiment/link';
import type { Config } from '../experiment/schema';
import { correctionTexts } from '../experiment/validate';
import { useExperimentStore } from '../store/experimentStore';
import { onSweepChange, takeSweep, withSweep } from './sweepAddress';
import { pageQuery, splitLink, type PageOptions } from '../experiment/pageKeys';
import { usePageStore } from '../store/pageStore';

export const ADDRESS_DEBOUNCE_MS = 120;

/** The shareable address of a config on this page, with the page keys in force (or those given). */
export function linkFor(config: Config, base: Location | URL = location, page: PageOptions = usePageStore.getState().page): string {
  const parts = [isDefault(config) ? '' : configToQuery(config), pageQuery(page)].filter((x) => x !== '');
  return `${base.origin}${base.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/** Loads the config from the current address; returns the corrections (also shown as a notice). */
export function loadFromAddress(): string[] {
  const sweep = takeSweep(location.search); // sweep=KEY:v1,v2&seeds=…: the sweep store's
  const split = splitLink(sweep.rest);
  const { config, corrections } = queryToConfig(split.experiment);
  const messages = correctionTexts([...corrections, ...split.corrections]);
  messages.push(...sweep.apply(config));
  usePageStore.getState().setPage(split.page);
  const store = useExperimentStore.getState();
  store.setConfig(config);
  if (messages.length > 0) store.notify(`Link corrected: ${messages.join(' ')}`, 'warning');
  writeAddress(config); // show the corrected link, not the hostile one
  return messages;
}

/** Opens a link (an experiment, with page and sweep keys) in this page, as following it would: a new history entry. */
export function openLink(query: string): string[] {
  history.pushState(null, '', `${location.pathname}?${query}`);
  return loadFromAddress();
}

function writeAddress(config: Config): void {
  const target = withSweep(linkFor(config)) + location.hash;
  if (target !== location.href) history.replaceState(history.state, '', target);
}

/** Starts mirroring the store into the address and listening to back/forward; returns a stop function. */
export function syncAddress(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = useExperimentStore.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      writeAddress(useExperimentStore.getState().config);
    }, ADDRESS_DEBOUNCE_MS);
  });
  // page keys (the tour opening, presenter view) go to the address at once
  const unsubscribePage = usePageStore.subscribe((s, prev) => {
    if (s.page !== prev.page) writeAddress(useExperimentStore.getState().config);
  });
  const unsubscribeSweep = onSweepChange(() => writeAddress(useExperimentStore.getState().config));
  const onPop = () => loadFromAddress();
  window.addEventListener('popstate', onPop);
  return () => {
    unsubscribe();
    unsubscribeSweep();
    unsubscribePage();
    window.removeEventListener('popstate', onPop);
    if (timer) clearTimeout(timer);
  };
}
