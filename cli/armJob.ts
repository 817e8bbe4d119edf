/**
 * One arm of `npm run experiment`, in a worker thread of its own (cli/armThreads.ts starts it through
 * cli/workerThreads.ts): generates the dataset from the whole config, as every browser worker does, and checks it is
 * the parent's (same hash); then trains its arm (cli/train.ts, the config narrowed to it) and posts what
 * happens. It waits for `start` before the first step, so that the arms start together, and stops after the
 * current step on `stop`.
 */
import { parentPort } from 'node:worker_threads';
import { generateDataset } from '../src/data/dataset';
import { datasetHash } from '../src/data/hash';
import { loadTaskSource } from '../src/tasks/registry';
import type { Arm } from '../src/experiment/domain';
import type { MechanismRecord } from '../src/experiment/mechanism';
import type { Config } from '../src/experiment/schema';
import type { CliBackend } from './args';
import type { NodeAdapter } from './nodeWebgpu';
import { workerInput } from './workerThreads';
import { train, type ArmEvent, type TrainingResult, type TrainingSink } from './train';

export interface ArmJobData {
  config: Config;
  arm: Arm;
  /** The parent's dataset hash: this worker's data must be the same. */
  hash: string;
  backend: CliBackend;
  asked: { lens: boolean; trace: boolean };
  gemmThreads: number;
  /** The text the config's task is read from (a task file), loaded before the data. */
  taskFile?: string;
}

export type ArmToParent =
  | { type: 'backend'; backend: string; fallbacks: string[]; gemmThreads: number; adapter?: NodeAdapter }
  | { type: 'event'; event: ArmEvent }
  | { type: 'mechanism'; arm: Arm; record: MechanismRecord }
  | { type: 'step'; step: number }
  | { type: 'done'; result: TrainingResult }
  | { type: 'error'; message: string };
export type ParentToArm = { type: 'start' } | { type: 'stop' };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('cli/armJob.ts runs in a worker thread');
  const job = workerInput<ArmJobData>();
  const send = (m: ArmToParent) => port.postMessage(m);
  let stop: (() => void) | null = null;
  let stopAsked = false;
  let started: () => void = () => {};
  const start = new Promise<void>((ok) => (started = ok));
  const onMessage = (m: ParentToArm) => {
    if (m.type === 'start') started();
    else if (m.type === 'stop') {
      stopAsked = true;
      stop?.();
      started();
    }
  };
  port.on('message', onMessage);
  try {
    if (job.taskFile !== undefined) loadTaskSource(job.taskFile);
    const data = generateDataset(job.config);
    const hash = datasetHash(data);
    if (hash !== job.hash) throw new Error(`the ${job.arm} arm's thread generated another dataset (${hash}, not ${job.hash})`);
    const sink: TrainingSink = {
      backend: (backend, fallbacks, gemmThreads, adapter) => send({ type: 'backend', backend, fallbacks, gemmThreads, adapter }),
      event: (event) => send({ type: 'event', event }),
      mechanism: (arm, record) => send({ type: 'mechanism', arm, record }),
      step: (step) => send({ type: 'step', step }),
    };
    const result = await train({ config: { ...job.config, arms: job.arm }, data, backend: job.backend, asked: job.asked, gemmThreads: job.gemmThreads }, sink, {
      onStop: (s) => {
        stop = s;
        if (stopAsked) s();
      },
      beforeRun: () => start,
    });
    send({ type: 'done', result });
  } catch (e) {
    send({ type: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  } finally {
    port.off('message', onMessage); // nothing keeps the thread alive: it ends
  }
}

void main();
