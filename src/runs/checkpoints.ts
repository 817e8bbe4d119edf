/**
 * Checkpoints of runs, for resuming an interrupted run (a reload, a closed tab, a crashed worker): per run and
 * arm, the weights, the AdamW state and the step of the last evaluation, in the runs database (object store
 * `checkpoints`, DB version 2, db.ts). Written by whoever holds the tensors' values (a training worker: IndexedDB
 * is there in workers too), read back to restore a fresh trainer of the same config. Only the latest checkpoint of
 * an arm is kept; deleting a run deletes its checkpoints. Versioned like records; a checkpoint of another format,
 * of a model of another size, or damaged is refused with a message, never half-restored.
 */
import { z } from 'zod';
import type { Arm, MetricRow } from '../experiment/domain';

export const CHECKPOINT_FORMAT = 1;

/** An arm's state at a step, as plain arrays (the shape of src/train's snapshot of an arm). */
export interface CheckpointData {
  step: number;
  weights: Float32Array;
  optimizer: { m: Float32Array; v: Float32Array; t: number };
  /** The arm's metric rows up to `step`, so that a resumed run has the very rows its checkpoint came with. */
  rows?: MetricRow[];
}
export interface Checkpoint extends CheckpointData {
  format: typeof CHECKPOINT_FORMAT;
  /** `${run}:${arm}` */
  key: string;
  run: string;
  arm: Arm;
  /** The run's experiment (canonical link) and dataset hash: a checkpoint only restores the same run. */
  link: string;
  hash: string;
  savedAt: number;
}

export const checkpointKey = (run: string, arm: Arm) => `${run}:${arm}`;

const f32 = z.instanceof(Float32Array);
const stored = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  key: z.string().max(80),
  run: z.string().max(64),
  arm: z.enum(['cot', 'direct']),
  link: z.string().max(4096),
  hash: z.string().max(128),
  savedAt: z.number(),
  step: z.number().int().min(0),
  weights: f32,
  optimizer: z.object({ m: f32, v: f32, t: z.number().int().min(0) }),
  rows: z
    .array(z.object({ step: z.number().int().min(0) }).loose())
    .max(20_000)
    .optional(),
});

export type CheckpointReading = { ok: true; checkpoint: Checkpoint } | { ok: false; message: string };

/**
 * Checks a checkpoint read back for the run `expect` describes: its format, shape, experiment and dataset, and
 * that weights and optimiser moments have one value per parameter (`parameters`, when known).
 */
export function readCheckpoint(raw: unknown, expect: { link: string; hash: string; parameters?: number }): CheckpointReading {
  const format = raw && typeof raw === 'object' ? (raw as { format?: unknown }).format : undefined;
  if (typeof format === 'number' && format !== CHECKPOINT_FORMAT)
    return { ok: false, message: `the checkpoint has format ${format}; this playground reads ${CHECKPOINT_FORMAT}.` };
  const parsed = stored.safeParse(raw);
  if (!parsed.success) return { ok: false, message: 'the checkpoint is damaged.' };
  const c = parsed.data as Checkpoint;
  if (c.link !== expect.link) return { ok: false, message: 'the checkpoint belongs to another experiment.' };
  if (c.hash !== expect.hash) return { ok: false, message: 'the checkpoint was made on another dataset.' };
  const n = c.weights.length;
  if (c.optimizer.m.length !== n || c.optimizer.v.length !== n)
    return { ok: false, message: 'the checkpoint is damaged (its optimiser state does not match its weights).' };
  if (c.rows?.some((r) => r.step > c.step)) return { ok: false, message: 'the checkpoint is damaged (it has rows after its step).' };
  if (expect.parameters !== undefined && n !== expect.parameters)
    return { ok: false, message: `the checkpoint holds ${n} weights; this model has ${expect.parameters}.` };
  return { ok: true, checkpoint: c };
}

/** A checkpoint record for the database. The arrays are copied, so the caller may go on using its own. */
export function makeCheckpoint(run: string, arm: Arm, link: string, hash: string, data: CheckpointData, now = Date.now()): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    key: checkpointKey(run, arm),
    run,
    arm,
    link,
    hash,
    savedAt: now,
    step: data.step,
    weights: Float32Array.from(data.weights),
    optimizer: { m: Float32Array.from(data.optimizer.m), v: Float32Array.from(data.optimizer.v), t: data.optimizer.t },
    ...(data.rows ? { rows: structuredClone(data.rows) } : {}),
  };
}
