/**
 * Where saved runs live: one IndexedDB object store (through `idb`, a 1 kB promise wrapper), or, where the
 * browser gives no IndexedDB (some private windows, a blocked origin, a test), a store in memory for the page's
 * life. Both behind one small interface, so the runs store never cares which it has. Every failure is turned
 * into a plain-text StorageProblem (quota full, storage unavailable, other) for a notice; nothing here throws
 * anything else at its callers.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Checkpoint } from './checkpoints';
import type { RunRecord } from './record';

export const DB_NAME = 'cot-playground-runs';
/**
 * IndexedDB schema version (object stores and indexes): 1 the runs; 2 adds the checkpoints (checkpoints.ts).
 * The record and checkpoint formats are versioned on their own.
 */
export const DB_VERSION = 2;
const STORE = 'runs';
const CHECKPOINTS = 'checkpoints';
/** A database that does not open within this time is given up (some private modes never answer). */
const OPEN_TIMEOUT_MS = 8000;

interface RunsDb extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { createdAt: number } };
  checkpoints: { key: string; value: Checkpoint; indexes: { run: string } };
}

export type ProblemKind = 'quota' | 'unavailable' | 'other';
export class StorageProblem extends Error {
  override name = 'StorageProblem';
  constructor(
    readonly kind: ProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** A browser error as a StorageProblem with a sentence a user can act on. */
export function storageProblem(e: unknown): StorageProblem {
  if (e instanceof StorageProblem) return e;
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '';
  const detail = e instanceof Error ? e.message.split('\n')[0].slice(0, 160) : String(e).slice(0, 160);
  if (name === 'QuotaExceededError' || /quota/i.test(detail)) {
    return new StorageProblem('quota', "The browser's storage for this site is full: the run was not saved. Delete or export old runs to make room.");
  }
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'UnknownError' || name === 'NotFoundError' || name === 'VersionError') {
    return new StorageProblem(
      'unavailable',
      `Runs cannot be saved in this window (${name}${detail ? `: ${detail}` : ''}); they are kept only until the page is closed.`,
    );
  }
  return new StorageProblem('other', `Saving runs failed (${name ? `${name}: ` : ''}${detail || 'unknown error'}).`);
}

/** What the runs store needs of a storage. Records are read back raw: record.ts checks them. */
export interface RunsRepo {
  readonly kind: 'indexeddb' | 'memory';
  list(): Promise<unknown[]>;
  /**
   * Reads the record `id`, lets `f` change it (or create it: `f(undefined)`), and writes the result, in one
   * transaction; `f` returning null writes nothing. Resolves to what was written.
   */
  update(id: string, f: (old: RunRecord | undefined) => RunRecord | null): Promise<RunRecord | null>;
  put(records: RunRecord[]): Promise<void>;
  /** Deletes runs and their checkpoints. */
  delete(ids: string[]): Promise<void>;
  /** The latest checkpoint of an arm replaces the one before (read back raw: checkpoints.ts checks it). */
  putCheckpoint(c: Checkpoint): Promise<void>;
  getCheckpoint(key: string): Promise<unknown>;
  /** Deletes the checkpoints of runs not in `keep` (left by a worker that wrote after its run was deleted); resolves to how many. */
  pruneCheckpoints(keep: ReadonlySet<string>): Promise<number>;
  close(): void;
}

/** Runs kept in memory only (no IndexedDB): the page works, nothing outlives it. */
export function memoryRepo(): RunsRepo {
  const rows = new Map<string, RunRecord>();
  const checkpoints = new Map<string, Checkpoint>();
  return {
    kind: 'memory',
    list: async () => [...rows.values()].map((r) => structuredClone(r)),
    update: async (id, f) => {
      const next = f(rows.get(id));
      if (next) rows.set(id, structuredClone(next));
      return next;
    },
    put: async (records) => {
      for (const r of records) rows.set(r.id, structuredClone(r));
    },
    delete: async (ids) => {
      for (const id of ids) rows.delete(id);
      for (const [k, c] of checkpoints) if (ids.includes(c.run)) checkpoints.delete(k);
    },
    putCheckpoint: async (c) => {
      checkpoints.set(c.key, structuredClone(c));
    },
    getCheckpoint: async (key) => structuredClone(checkpoints.get(key)),
    pruneCheckpoints: async (keep) => {
      let n = 0;
      for (const [k, c] of checkpoints) if (!keep.has(c.run) && checkpoints.delete(k)) n++;
      return n;
    },
    close: () => {},
  };
}

function idbRepo(db: IDBPDatabase<RunsDb>): RunsRepo {
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw storageProblem(e);
    }
  };
  return {
    kind: 'indexeddb',
    list: () => guard(() => db.getAllFromIndex(STORE, 'createdAt')),
    update: (id, f) =>
      guard(async () => {
        const tx = db.transaction(STORE, 'readwrite');
        const old = await tx.store.get(id);
        const next = f(old);
        if (next) await tx.store.put(next);
        await tx.done;
        return next;
      }),
    put: (records) =>
      guard(async () => {
        const tx = db.transaction(STORE, 'readwrite');
        await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
      }),
    delete: (ids) =>
      guard(async () => {
        const tx = db.transaction([STORE, CHECKPOINTS], 'readwrite');
        const runs = tx.objectStore(STORE);
        const cps = tx.objectStore(CHECKPOINTS);
        const keys = (await Promise.all(ids.map((id) => cps.index('run').getAllKeys(id)))).flat();
        await Promise.all([...ids.map((id) => runs.delete(id)), ...keys.map((k) => cps.delete(k)), tx.done]);
      }),
    putCheckpoint: (c) => guard(() => db.put(CHECKPOINTS, c).then(() => {})),
    getCheckpoint: (key) => guard(() => db.get(CHECKPOINTS, key)),
    pruneCheckpoints: (keep) =>
      guard(async () => {
        const tx = db.transaction(CHECKPOINTS, 'readwrite');
        const keys = (await tx.store.getAllKeys()).filter((k) => !keep.has(k.slice(0, k.lastIndexOf(':'))));
        await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
        return keys.length;
      }),
    close: () => db.close(),
  };
}

/**
 * Opens the runs database of the page's IndexedDB (`globalThis.indexedDB`; tests install fake-indexeddb's).
 * Rejects with a StorageProblem of kind 'unavailable' when there is none or it does not open; the caller then
 * falls back to memoryRepo().
 */
export async function openRunsRepo(name = DB_NAME): Promise<RunsRepo> {
  if (typeof indexedDB === 'undefined' || !indexedDB) {
    throw new StorageProblem('unavailable', 'This browser window has no IndexedDB (a private window?): runs are kept only until the page is closed.');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const opening = openDB<RunsDb>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
        if (oldVersion < 2) db.createObjectStore(CHECKPOINTS, { keyPath: 'key' }).createIndex('run', 'run');
      },
    });
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () =>
          fail(
            new StorageProblem(
              'unavailable',
              'The runs database did not open (another tab holding an old version open?): runs are kept only until the page is closed.',
            ),
          ),
        OPEN_TIMEOUT_MS,
      );
    });
    return idbRepo(await Promise.race([opening, timeout]));
  } catch (e) {
    const p = storageProblem(e);
    throw p.kind === 'unavailable' ? p : new StorageProblem('unavailable', `Runs cannot be saved in this window: ${p.message}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
