/**
 * Where a training worker keeps its arm's checkpoints: the runs database (src/runs/db.ts; workers have IndexedDB
 * too), opened once on first use. Writes never overlap and only the latest checkpoint of a key waits for its
 * turn (an older one still waiting is dropped: only the latest is kept anyway). Every outcome is reported to
 * `done`, a failure as a StorageProblem's kind and sentence; nothing throws.
 */
import type { Checkpoint } from '../runs/checkpoints';
import { storageProblem, type ProblemKind, type RunsRepo } from '../runs/db';

export type WriteOutcome = { ok: true } | { ok: false; kind: ProblemKind; text: string };

export interface CheckpointWriter {
  /** Queues the checkpoint; `done` is told how it went (not at all when a newer one of the same key replaced it). */
  write(c: Checkpoint, done: (outcome: WriteOutcome) => void): void;
  /** The stored checkpoint of `key` (raw: checkpoints.ts readCheckpoint checks it), or a problem. */
  read(key: string): Promise<{ ok: true; raw: unknown } | { ok: false; kind: ProblemKind; text: string }>;
  /** Resolves when nothing is waiting or being written. */
  idle(): Promise<void>;
}

export function checkpointWriter(open: () => Promise<RunsRepo>): CheckpointWriter {
  let repo: Promise<RunsRepo> | null = null;
  const waiting = new Map<string, { c: Checkpoint; done: (o: WriteOutcome) => void }>();
  let draining: Promise<void> | null = null;
  const opened = () => (repo ??= open());
  const problem = (e: unknown) => {
    const p = storageProblem(e);
    return { ok: false as const, kind: p.kind, text: p.message };
  };

  async function drain(): Promise<void> {
    while (waiting.size) {
      const [key, { c, done }] = waiting.entries().next().value!;
      waiting.delete(key);
      let outcome: WriteOutcome;
      try {
        await (await opened()).putCheckpoint(c);
        outcome = { ok: true };
      } catch (e) {
        outcome = problem(e);
      }
      done(outcome);
    }
    draining = null;
  }

  return {
    write(c, done) {
      waiting.set(c.key, { c, done });
      draining ??= drain();
    },
    async read(key) {
      try {
        return { ok: true, raw: await (await opened()).getCheckpoint(key) };
      } catch (e) {
        return problem(e);
      }
    },
    idle: () => draining ?? Promise.resolve(),
  };
}
