/**
 * `npm run experiment` on every core it needs: each arm trains in its own worker thread (cli/armJob.ts, a
 * TrainingSession as in the page's workers, over src/worker/protocol.ts), and what they post is told to the CLI's
 * sink as one run — the backend once all have one, the model line once all are built (then they start together),
 * their evaluations as they come, progress at the slower arm's step (src/experiment/armsProgress.ts, as the page
 * folds its workers). The parent thread loads no tfjs.
 */
import { taskSourceOf } from '../src/tasks/registry';
import type { Worker } from 'node:worker_threads';
import type { Arm } from '../src/experiment/domain';
import { foldArms } from '../src/experiment/armsProgress';
import type { FromWorkerTagged, ToWorker } from '../src/worker/protocol';
import type { ArmJobData } from './armJob';
import type { ArmEvent, TrainingControl, TrainingJob, TrainingResult, TrainingSink } from './train';
import { startTsWorker } from './workerThreads';

type ReadyEvent = Extract<ArmEvent, { type: 'ready' }>;
type BackendMessage = Extract<FromWorkerTagged, { type: 'backend' }>;

/** The run number of every thread's init: the CLI starts one run, so any other is not ours. */
const RUN = 1;

interface ArmThread {
  arm: Arm;
  worker: Worker;
  backend?: BackendMessage;
  ready?: ReadyEvent;
  step: number;
  stopped: boolean;
  played: boolean;
  /** Ended by the parent before it trained (the run was stopped, or another arm failed, while it was being built). */
  dropped: boolean;
  result?: { step: number; stepsPerSec: number };
  error?: string;
}

export async function trainInThreads(
  job: Omit<TrainingJob, 'data'> & { hash: string; arms: Arm[] },
  sink: TrainingSink,
  control: Pick<TrainingControl, 'onStop'>,
): Promise<TrainingResult> {
  // a task read from a file: its text goes to each arm's thread beside the config
  const taskFile = taskSourceOf(job.config);
  const threads: ArmThread[] = job.arms.map((arm) => {
    const data: ArmJobData = { backend: job.backend, asked: job.asked, gemmThreads: job.gemmThreads };
    return { arm, worker: startTsWorker(new URL('./armJob.ts', import.meta.url), data), step: 0, stopped: false, played: false, dropped: false };
  });
  const post = (t: ArmThread, m: ToWorker) => t.worker.postMessage(m);
  let stopping = false;
  /** Stops every arm: those training after their current step, those not started yet at once. */
  const stopAll = () => {
    stopping = true;
    for (const t of threads) {
      if (t.played) post(t, { type: 'pause' });
      else if (!t.dropped) {
        t.dropped = true;
        void t.worker.terminate();
      }
    }
  };
  control.onStop(stopAll);
  let toldBackend = false;
  let toldReady = false;
  let lastStep = -1;
  const fold = () =>
    foldArms(
      threads.map((x) => ({
        step: x.step,
        stopped: x.stopped || x.result !== undefined,
        backend: x.backend?.backend ?? null,
        fallbacks: x.backend?.fallbacks ?? [],
      })),
    );
  const advance = (t: ArmThread, step: number) => {
    t.step = step;
    const now = fold().step;
    if (now !== lastStep) sink.step((lastStep = now));
  };
  const fail = (t: ArmThread, message: string) => {
    t.error ??= message.split('\n')[0];
    if (!t.dropped) {
      t.dropped = true;
      void t.worker.terminate();
    }
    stopAll(); // one arm failed: the run fails, the others stop after their step
  };

  const onMessage = (t: ArmThread, m: FromWorkerTagged) => {
    if (m.run !== RUN) return;
    switch (m.type) {
      case 'backend':
        t.backend = m;
        if (toldBackend)
          sink.backend(m.backend, m.fallbacks, m.gemmThreads ?? 1, m.adapter); // it moved (a lost GPU)
        else if (threads.every((x) => x.backend)) {
          toldBackend = true;
          const { backend, fallbacks } = fold();
          const gemm = Math.min(...threads.map((x) => x.backend!.gemmThreads ?? 1));
          sink.backend(backend ?? m.backend, fallbacks, gemm, threads.map((x) => x.backend!.adapter).find(Boolean));
        }
        return;
      case 'ready':
        if (m.hash !== job.hash) return fail(t, `the ${t.arm} arm's thread generated another dataset (${m.hash}, not ${job.hash})`);
        t.ready = m;
        if (!toldReady && threads.every((x) => x.ready)) {
          toldReady = true;
          sink.event({ type: 'ready', hash: m.hash, arms: threads.flatMap((x) => x.ready!.arms) });
          if (stopping) return;
          for (const x of threads) {
            x.played = true;
            post(x, { type: 'play' });
          }
        }
        return;
      case 'eval':
        sink.event(m);
        return;
      case 'stopped':
        t.stopped = true;
        sink.event(m);
        return;
      case 'mechanism':
        sink.mechanism(m.record.arm, m.record);
        return;
      case 'progress':
      case 'state':
        advance(t, m.step);
        return;
      case 'trained':
        t.result = { step: m.step, stepsPerSec: m.stepsPerSec };
        advance(t, m.step);
        void t.worker.terminate(); // its run is over, and all it measured was sent before
        return;
      case 'error':
        fail(t, m.message);
        return;
      default:
        return; // losses, memory, examples: the page's
    }
  };

  await Promise.all(
    threads.map(
      (t) =>
        new Promise<void>((exited) => {
          t.worker.on('message', (m: FromWorkerTagged) => onMessage(t, m));
          t.worker.on('error', (e: Error) => fail(t, e.message));
          t.worker.on('exit', (code) => {
            if (!t.result && !t.dropped && t.error === undefined) t.error = `the ${t.arm} arm's thread ended (exit code ${code}) before its training did`;
            exited();
          });
          post(t, { type: 'init', config: job.config, run: RUN, arm: t.arm, ...(taskFile !== undefined ? { taskFile } : {}) });
        }),
    ),
  );
  const failed = threads.find((t) => t.error !== undefined);
  if (failed) throw new Error(failed.error);
  const result: TrainingResult = { steps: {}, stepsPerSec: {} };
  for (const t of threads) {
    result.steps[t.arm] = t.result?.step ?? 0;
    result.stepsPerSec[t.arm] = t.result?.stepsPerSec ?? 0;
  }
  return result;
}
