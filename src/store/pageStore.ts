/**
 * The page keys in force (src/experiment/pageKeys.ts): what is hidden, what is locked, presenter view, and
 * whether the tour is open. Set from the address on load and on back/forward (src/app/address.ts), and by the
 * classroom panel and the tour; address.ts mirrors it into the address next to the experiment.
 */
import { create } from 'zustand';
import { DEFAULT_PAGE, isHidden, isLocked, type Hideable, type PageOptions } from '../experiment/pageKeys';
import type { ParamKey } from '../experiment/schema';

interface PageState {
  page: PageOptions;
  setPage: (page: PageOptions) => void;
  /** Opens or closes the tour (the address's story=1). */
  setStory: (open: boolean) => void;
  /** Opens or closes the gallery of findings (the address's gallery=1). */
  setGallery: (open: boolean) => void;
  setPresenter: (on: boolean) => void;
}

export const usePageStore = create<PageState>((set) => ({
  page: DEFAULT_PAGE,
  setPage: (page) => set({ page }),
  setStory: (story) => set((s) => (s.page.story === story ? s : { page: { ...s.page, story } })),
  setGallery: (gallery) => set((s) => (s.page.gallery === gallery ? s : { page: { ...s.page, gallery } })),
  setPresenter: (presenter) => set((s) => (s.page.presenter === presenter ? s : { page: { ...s.page, presenter } })),
}));

/** Hooks for views: is this part (or control) hidden, is this parameter locked. */
export const useHidden = (name: Hideable): boolean => usePageStore((s) => isHidden(s.page, name));
export const useLocked = (key: ParamKey): boolean => usePageStore((s) => isLocked(s.page, key));
