/**
 * The runs the playground has kept: every run trained here (saved by runRecorder.ts at each evaluation) and every
 * report imported, in IndexedDB (src/runs/db.ts) or, where there is none, in memory for the page's life. The
 * runs panel lists them (pinned first, then newest first), renames, pins, deletes, opens (restores the link),
 * clears, exports and imports them, and ticks some to compare.
 *
 * Built by createRunsStore with what it needs (a storage opener, a notice sink, the experiment to open), so a
 * test builds its own with fake-indexeddb and nothing is module state. Storage failures become notices; none
 * of them throws out of an action.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { Config } from '../experiment/schema';
import { readRunsCsv } from '../runs/csv';
import { memoryRepo, openRunsRepo, storageProblem, type RunsRepo } from '../runs/db';
import { importedRecord, newRunId, readStored, type RunRecord } from '../runs/record';
import { MAX_FILE_BYTES, readReports, type ReadResult, type Report } from '../runs/reportFormat';
import { useExperimentStore } from './experimentStore';

export type StorageKind = 'loading' | 'indexeddb' | 'memory';

export interface RunsState {
  storage: StorageKind;
  /** Why runs are kept in memory only (plain text), or null. */
  storageNote: string | null;
  /** Pinned first, then newest first. */
  runs: RunRecord[];
  /** Saved runs that could not be read (a newer format, damage): left in the database, not shown. */
  unreadable: string[];
  /** Ids of the runs ticked for comparison, in the order ticked. */
  compare: string[];
  /** Opens the storage and reads the saved runs (once; later calls wait for the first). */
  load: () => Promise<void>;
  rename: (id: string, name: string) => Promise<void>;
  togglePin: (id: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  /** Deletes every run that is not pinned; returns how many. */
  clearAll: () => Promise<number>;
  /** Restores the run's experiment (its link) as the current one. */
  open: (id: string) => void;
  setCompared: (id: string, on: boolean) => void;
  /** Imports a report file (JSON report(s) or runs CSV); returns the message shown (`quiet`: shown by the caller). */
  importFile: (file: ImportFile, quiet?: boolean) => Promise<{ ok: boolean; message: string; added: number }>;
  /** Imports several files with one notice (the problems of each file listed). */
  importFiles: (files: readonly ImportFile[]) => Promise<void>;
  /**
   * The recorder's write of a live run: `make(old)` gives the record to save (old is undefined the first time);
   * resolves false when the run is no longer kept (the user deleted it), so the recorder stops.
   */
  saveLive: (id: string, make: (old: RunRecord | undefined) => RunRecord, create: boolean) => Promise<boolean>;
}

export interface ImportFile {
  name: string;
  size: number;
  text: () => Promise<string>;
}

export interface RunsDeps {
  openRepo: () => Promise<RunsRepo>;
  notify: (text: string, kind: 'info' | 'warning') => void;
  openConfig: (config: Config) => void;
  now: () => number;
}

export const MAX_NAME = 120;

const order = (a: RunRecord, b: RunRecord) => Number(b.pinned) - Number(a.pinned) || b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/** A name for a new run: "Run N", one more than the highest N in use. */
export function nextRunName(runs: readonly { name: string }[]): string {
  let n = 0;
  for (const r of runs) {
    const m = /^Run (\d{1,9})$/.exec(r.name);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `Run ${n + 1}`;
}

/** What identifies the same results imported twice. */
function fingerprint(r: Report): string {
  const last = (a: 'cot' | 'direct') => {
    const f = r.arms[a]?.final;
    // every split's score (the task's), in the order they were written
    return f ? [f.step, f.loss, f.acc, r.arms[a]?.history.length] : null;
  };
  return JSON.stringify([r.link, r.dataset.hash, r.backend, last('cot'), last('direct')]);
}

export function createRunsStore(deps: RunsDeps): UseBoundStore<StoreApi<RunsState>> {
  let repo: RunsRepo | null = null;
  let loading: Promise<void> | null = null;
  /** Problems already told (one notice per kind of problem and run). */
  const told = new Set<string>();
  const tell = (key: string, text: string, kind: 'info' | 'warning' = 'warning') => {
    if (told.has(key)) return;
    told.add(key);
    deps.notify(text, kind);
  };

  return create<RunsState>((set, get) => {
    const setRuns = (f: (runs: RunRecord[]) => RunRecord[]) => set((s) => ({ runs: f(s.runs).sort(order) }));
    const upsert = (r: RunRecord) => setRuns((runs) => [...runs.filter((x) => x.id !== r.id), r]);

    /** Runs `f` on the storage; a failure becomes a notice (and a storage that went away, memory). */
    async function withRepo<T>(what: string, f: (repo: RunsRepo) => Promise<T>): Promise<T | undefined> {
      await get().load();
      try {
        return await f(repo!);
      } catch (e) {
        const p = storageProblem(e);
        if (p.kind === 'quota') tell(`quota:${what}`, p.message);
        else if (p.kind === 'unavailable' && repo?.kind === 'indexeddb') {
          repo = memoryRepo();
          await repo.put(get().runs);
          set({ storage: 'memory', storageNote: p.message });
          tell('unavailable', p.message);
        } else tell(`other:${what}`, p.message);
        return undefined;
      }
    }

    return {
      storage: 'loading',
      storageNote: null,
      runs: [],
      unreadable: [],
      compare: [],

      load: () => {
        if (loading) return loading;
        loading = (async () => {
          try {
            repo = await deps.openRepo();
          } catch (e) {
            const p = storageProblem(e);
            repo = memoryRepo();
            set({ storage: 'memory', storageNote: p.message });
            tell('unavailable', p.message, 'info');
            return;
          }
          let raw: unknown[] = [];
          try {
            raw = await repo.list();
          } catch (e) {
            tell('list', storageProblem(e).message);
          }
          const runs: RunRecord[] = [];
          const unreadable: string[] = [];
          for (const r of raw) {
            const read = readStored(r);
            if (read.ok) runs.push(read.record);
            else unreadable.push(read.message);
          }
          // checkpoints of runs no longer kept (written after their run was deleted) free their space
          const ids = new Set(raw.map((r) => (r && typeof r === 'object' ? String((r as { id?: unknown }).id) : '')));
          void repo.pruneCheckpoints(ids).catch(() => {});
          if (unreadable.length) tell('unreadable', `${unreadable.length} saved run${unreadable.length > 1 ? 's' : ''} could not be read: ${unreadable[0]}`);
          // runs of this session (recorded before the storage opened) stay
          set((s) => ({ storage: repo!.kind, runs: [...runs.filter((r) => !s.runs.some((x) => x.id === r.id)), ...s.runs].sort(order), unreadable }));
          if (get().runs.length > runs.length) await repo.put(get().runs.filter((r) => !runs.some((x) => x.id === r.id))).catch(() => {});
        })();
        return loading;
      },

      rename: async (id, name) => {
        const clean = name
          .replace(/[\u0000-\u001f\u007f]/g, ' ')
          .trim()
          .slice(0, MAX_NAME);
        if (!clean) return;
        const saved = await withRepo('rename', (r) => r.update(id, (old) => (old ? { ...old, name: clean } : null)));
        const cur = get().runs.find((r) => r.id === id);
        if (cur) upsert({ ...(saved ?? cur), name: clean });
      },
      togglePin: async (id) => {
        const cur = get().runs.find((r) => r.id === id);
        if (!cur) return;
        const pinned = !cur.pinned;
        upsert({ ...cur, pinned });
        await withRepo('pin', (r) => r.update(id, (old) => (old ? { ...old, pinned } : null)));
      },
      // the list changes once the database has the change: a reload right after never brings a deleted run back
      remove: async (id) => {
        await withRepo('delete', (r) => r.delete([id]));
        setRuns((runs) => runs.filter((r) => r.id !== id));
        set((s) => ({ compare: s.compare.filter((x) => x !== id) }));
      },
      clearAll: async () => {
        const gone = get()
          .runs.filter((r) => !r.pinned)
          .map((r) => r.id);
        await withRepo('delete', (r) => r.delete(gone));
        setRuns((runs) => runs.filter((r) => !gone.includes(r.id)));
        set((s) => ({ compare: s.compare.filter((x) => !gone.includes(x)) }));
        return gone.length;
      },
      open: (id) => {
        const run = get().runs.find((r) => r.id === id);
        if (run) deps.openConfig(run.report.config);
      },
      setCompared: (id, on) => set((s) => ({ compare: on ? (s.compare.includes(id) ? s.compare : [...s.compare, id]) : s.compare.filter((x) => x !== id) })),

      importFile: async (file, quiet = false) => {
        const fileName = String(file.name ?? 'file').slice(0, 80);
        const fail = (why: string) => {
          const message = `Could not import ${fileName}: ${why}`;
          if (!quiet) deps.notify(message, 'warning');
          return { ok: false, message, added: 0 };
        };
        if (!(file.size <= MAX_FILE_BYTES)) return fail(`it is ${(file.size / 1e6).toFixed(1)} MB; at most ${MAX_FILE_BYTES / 1024 / 1024} MB are read.`);
        let text: string;
        try {
          text = await file.text();
        } catch {
          return fail('the file could not be read.');
        }
        // by the file's extension; without one, by its first character
        const csv = /\.csv$/i.test(fileName) || (!/\.json$/i.test(fileName) && !/^\s*[[{]/.test(text.slice(0, 200)));
        const read: ReadResult = csv ? readRunsCsv(text) : readReports(text);
        if (!read.ok) return fail(read.message);
        const known = new Set(get().runs.map((r) => fingerprint(r.report)));
        const base = fileName.replace(/\.(json|csv)$/i, '');
        const now = deps.now();
        const records: RunRecord[] = [];
        let skipped = 0;
        read.reports.forEach(({ report, name }, i) => {
          const fp = fingerprint(report);
          if (known.has(fp)) {
            skipped++;
            return;
          }
          known.add(fp);
          const fallback = read.reports.length > 1 ? `${base} #${i + 1}` : base;
          // newest first keeps the file's order: the first report is the newest
          records.push(importedRecord(report, { id: newRunId(now), name: (name ?? fallback).slice(0, MAX_NAME) || 'imported run', now: now - i }));
        });
        for (const r of records) upsert(r);
        if (records.length) await withRepo('import', (r) => r.put(records));
        const parts = [`Imported ${records.length} run${records.length === 1 ? '' : 's'} from ${fileName}`];
        if (skipped) parts.push(`${skipped} already in the list`);
        const message = `${parts.join('; ')}.${read.warnings.length ? ` ${read.warnings.slice(0, 3).join(' ')}` : ''}`;
        if (!quiet) deps.notify(message, read.warnings.length ? 'warning' : 'info');
        return { ok: true, message, added: records.length };
      },

      importFiles: async (files) => {
        if (files.length === 1) {
          await get().importFile(files[0]);
          return;
        }
        const results = [];
        for (const f of files) results.push(await get().importFile(f, true));
        const added = results.reduce((n, r) => n + r.added, 0);
        const failed = results.filter((r) => !r.ok);
        const head = `Imported ${added} run${added === 1 ? '' : 's'} from ${files.length - failed.length} of ${files.length} files.`;
        deps.notify([head, ...failed.slice(0, 3).map((r) => r.message)].join(' '), failed.length ? 'warning' : 'info');
      },

      saveLive: async (id, make, createIt) => {
        let kept = true;
        let made: RunRecord | null = null;
        const saved = await withRepo('save', (r) =>
          r.update(id, (old) => {
            if (!old && !createIt) {
              kept = false; // deleted meanwhile
              return null;
            }
            made = make(old);
            return made;
          }),
        );
        if (!kept) return false;
        // kept in the list even when the write failed (quota): the panel still shows the run of this session
        const record = saved ?? made ?? make(get().runs.find((r) => r.id === id));
        if (!createIt && !get().runs.some((r) => r.id === id)) return false;
        upsert(record);
        return true;
      },
    };
  });
}

export const useRunsStore = createRunsStore({
  openRepo: () => openRunsRepo(),
  notify: (text, kind) => useExperimentStore.getState().notify(text, kind),
  openConfig: (config) => useExperimentStore.getState().setConfig(config),
  now: () => Date.now(),
});
