/**
 * The experiment being designed: its config (the single source of truth for the controls and the address)
 * and the notices to show (corrected links, backend fallbacks). Plain text only.
 */
import { create } from 'zustand';
import { checkValues } from '../experiment/validate';
import { DEFAULT_CONFIG, type Config, type ParamKey } from '../experiment/schema';

export interface Notice {
  id: number;
  kind: 'info' | 'warning';
  text: string;
}

interface ExperimentState {
  config: Config;
  notices: Notice[];
  /** Sets one parameter through the schema's checks; corrections become notices. */
  setParam: (key: ParamKey, value: string | number) => void;
  setConfig: (config: Config) => void;
  notify: (text: string | string[], kind?: Notice['kind']) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;
/** The parameter a correction message names ("degree: 12 is more than …" → "degree"). */
const paramOf = (text: string) => /^(\w+): /.exec(text)?.[1] ?? text;

export const useExperimentStore = create<ExperimentState>((set, get) => ({
  config: DEFAULT_CONFIG,
  notices: [],
  setParam: (key, value) => {
    const { config, messages } = checkValues({ ...get().config, [key]: value });
    set({ config });
    if (messages.length) {
      // a slider drag repeats the same correction step after step: keep only the latest per parameter
      const keys = new Set(messages.map(paramOf));
      set((s) => ({ notices: s.notices.filter((n) => n.kind !== 'warning' || !keys.has(paramOf(n.text))) }));
      get().notify(messages, 'warning');
    }
  },
  setConfig: (config) => set({ config }),
  notify: (text, kind = 'info') => {
    const lines = Array.isArray(text) ? text : [text];
    set((s) => ({ notices: [...s.notices, ...lines.map((t) => ({ id: nextId++, kind, text: t }))].slice(-8) }));
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
