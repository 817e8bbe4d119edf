/**
 * A training worker's part in Resume (src/store/README.md "Resume"): when the page's init names a run record, each
 * arm's newest checkpoint (made by the Experiment at an evaluation) is saved under it with the arm's rows, through
 * ./checkpointWriter.ts; at an init with `resume`, the fresh experiment first goes on from the saved ones. The page
 * hears of every save (`checkpoint`) and of where each arm went on from, or why it could not (`resumed`).
 */
import type { Config } from '../experiment/schema';
import type { MetricRow } from '../experiment/domain';
import { configToQuery } from '../experiment/link';
import { checkpointKey, makeCheckpoint, readCheckpoint } from '../runs/checkpoints';
import { openRunsRepo, type RunsRepo } from '../runs/db';
import type { ArmSnapshot } from '../train/arm';
import type { Experiment } from '../train/experimentLoop';
import { type CheckpointWriter, checkpointWriter } from './checkpointWriter';
import type { FromWorker } from './protocol';

/** The worker's `send`: without `from`, the message belongs to the worker's current run. */
type Send = (m: FromWorker, transfer?: Transferable[], from?: number) => void;

export class RunCheckpoints {
  /** The page's run record of the current run (from its init); null: nothing is saved. */
  record: string | null = null;
  private readonly writer: CheckpointWriter;
  /** The checkpoint of each arm last handed to the writer (a new evaluation makes a new one). */
  private readonly queued = new WeakSet<ArmSnapshot>();

  constructor(
    private readonly send: Send,
    open: () => Promise<RunsRepo> = () => openRunsRepo(),
  ) {
    this.writer = checkpointWriter(open);
  }

  /** Hands each arm's newest checkpoint to the writer, with its rows; the page is told (as run `from`) when it is saved. */
  save(current: Experiment | null, config: Config | null, from: number): void {
    const record = this.record;
    if (!current || record === null || !config) return;
    const link = configToQuery(config);
    for (const t of current.trainers) {
      const snap = current.checkpoints[t.arm];
      if (!snap || this.queued.has(snap)) continue;
      this.queued.add(snap);
      const rows = current.history[t.arm].filter((r) => r.step <= snap.step);
      const arm = t.arm;
      this.writer.write(makeCheckpoint(record, arm, link, current.hash, { ...snap, rows }), (o) =>
        this.send({ type: 'checkpoint', arm, step: snap.step, ...(o.ok ? {} : { problem: { kind: o.kind, text: o.text } }) }, [], from),
      );
    }
  }

  /**
   * Makes the fresh experiment go on from the checkpoints saved under the run record (every arm, or none: arms in
   * lockstep must stay at one step). Tells the page, per arm, where it went on from and with which rows, or why not.
   * Does nothing more once `stillCurrent` says the experiment was replaced while the checkpoints were read.
   */
  async resume(current: Experiment, config: Config | null, stillCurrent: () => boolean): Promise<void> {
    const record = this.record;
    if (record === null || !config) return;
    const link = configToQuery(config);
    const reads = await Promise.all(
      current.trainers.map(async (t) => {
        const raw = await this.writer.read(checkpointKey(record, t.arm));
        if (!raw.ok) return { arm: t.arm, ok: false as const, message: raw.text };
        if (raw.raw === undefined) return { arm: t.arm, ok: false as const, message: 'no checkpoint of it was saved' };
        const read = readCheckpoint(raw.raw, { link, hash: current.hash, parameters: t.parameters });
        return read.ok ? { arm: t.arm, ...read } : { arm: t.arm, ok: false as const, message: read.message.replace(/\.$/, '') };
      }),
    );
    if (!stillCurrent()) return;
    const failed = reads.filter((r) => !r.ok);
    if (failed.length === 0) {
      const ok = reads.filter((r) => r.ok);
      current.restore({
        checkpoints: Object.fromEntries(ok.map((r) => [r.arm, r.checkpoint])),
        history: { cot: [], direct: [], ...Object.fromEntries(ok.map((r) => [r.arm, (r.checkpoint.rows ?? []) as MetricRow[]])) },
      });
      for (const t of current.trainers) this.send({ type: 'resumed', arm: t.arm, step: t.step, history: current.history[t.arm] });
      return;
    }
    for (const t of current.trainers) {
      const why = failed.find((r) => r.arm === t.arm);
      const problem = `${why ? why.message : 'the other arm could not'}; it starts again at step 0 (same seed: the same curve)`;
      this.send({ type: 'resumed', arm: t.arm, step: 0, history: [], problem });
    }
  }
}
