/**
 * The experiment being designed: its config (the single source of truth for the controls and the address)
 * and the notices to show (corrected links, backend fallbacks). Plain text only.
 */
import { create } from 'zustand';
import { checkConfig, type Correction } from '../experiment/validate';
import { DEFAULT_CONFIG, type Config, type ParamKey, type TaskId } from '../experiment/schema';
import { switchTask } from '../experiment/switchTask';

export interface Notice {
  id: number;
  kind: 'info' | 'warning';
  text: string;
  /** The parameter a correction is about (a newer correction of it replaces the older). */
  key?: string;
}

interface ExperimentState {
  config: Config;
  notices: Notice[];
  /** Sets one parameter through the schema's checks; corrections become notices. */
  setParam: (key: ParamKey, value: string | number) => void;
  /** Switches the task: its own parameters at its defaults, the user's model and training values kept (switchTask.ts). */
  setTask: (task: TaskId) => void;
  setConfig: (config: Config) => void;
  notify: (text: string | string[], kind?: Notice['kind']) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useExperimentStore = create<ExperimentState>((set, get) => {
  /** Corrections become warnings; a slider drag repeats the same correction step after step: keep only the latest per parameter. */
  const warn = (corrections: readonly Correction[]) => {
    if (!corrections.length) return;
    const keys = new Set(corrections.map((c) => c.key));
    set((s) => ({
      notices: [
        ...s.notices.filter((n) => n.key === undefined || !keys.has(n.key)),
        ...corrections.map((c) => ({ id: nextId++, kind: 'warning' as const, text: c.text, key: c.key })),
      ].slice(-8),
    }));
  };
  return {
    config: DEFAULT_CONFIG,
    notices: [],
    setParam: (key, value) => {
      // the config carries every task's keys: check it as a config built in code, not as a link
      const { config, corrections } = checkConfig({ ...get().config, [key]: value });
      set({ config });
      warn(corrections);
    },
    setTask: (task) => {
      const { config, corrections } = checkConfig(switchTask(get().config, task));
      set({ config });
      warn(corrections);
    },
    setConfig: (config) => set({ config }),
    notify: (text, kind = 'info') => {
      const lines = Array.isArray(text) ? text : [text];
      set((s) => ({ notices: [...s.notices, ...lines.map((t) => ({ id: nextId++, kind, text: t }))].slice(-8) }));
    },
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
});
