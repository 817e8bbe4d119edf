/**
 * `npm run experiment` on every core it needs: each arm trains in its own worker thread (cli/armJob.ts), and
 * what they post is told to the CLI's sink as one run — the backend once all have one, the model line once all
 * are built (then they start together), their evaluations as they come, progress at the slower arm's step.
 * The parent thread loads no tfjs.
 */
import type { Worker } from 'node:worker_threads';
import type { Arm } from '../src/experiment/domain';
import type { ArmJobData, ArmToParent, ParentToArm } from './armJob';
import { taskSourceOf } from '../src/tasks/registry';
import { startTsWorker } from './workerThreads';
import type { ArmEvent, TrainingControl, TrainingJob, TrainingResult, TrainingSink } from './train';

type ReadyEvent = Extract<ArmEvent, { type: 'ready' }>;

interface ArmThread {
  arm: Arm;
  worker: Worker;
  backend?: Omit<Extract<ArmToParent, { type: 'backend' }>, 'type'>;
  ready?: ReadyEvent;
  step: number;
  stopped: boolean;
  result?: TrainingResult;
  error?: string;
}

export async function trainInThreads(
  job: Omit<TrainingJob, 'data'> & { hash: string; arms: Arm[] },
  sink: TrainingSink,
  control: Pick<TrainingControl, 'onStop'>,
): Promise<TrainingResult> {
  const threads: ArmThread[] = job.arms.map((arm) => {
    const taskFile = taskSourceOf(job.config);
    const data: ArmJobData = {
      config: job.config,
      arm,
      hash: job.hash,
      backend: job.backend,
      asked: job.asked,
      gemmThreads: job.gemmThreads,
      ...(taskFile !== undefined ? { taskFile } : {}),
    };
    return { arm, worker: startTsWorker(new URL('./armJob.ts', import.meta.url), data), step: 0, stopped: false };
  });
  const post = (m: ParentToArm) => {
    for (const t of threads) t.worker.postMessage(m);
  };
  control.onStop(() => post({ type: 'stop' }));
  let toldBackend = false;
  let toldReady = false;
  let lastStep = -1;

  const onMessage = (t: ArmThread, m: ArmToParent) => {
    switch (m.type) {
      case 'backend':
        t.backend = m;
        if (!toldBackend && threads.every((x) => x.backend)) {
          toldBackend = true;
          const names = [...new Set(threads.map((x) => x.backend!.backend))];
          const gemm = Math.min(...threads.map((x) => x.backend!.gemmThreads));
          sink.backend(
            names.join(' / '),
            [...new Set(threads.flatMap((x) => x.backend!.fallbacks))],
            gemm,
            threads.map((x) => x.backend!.adapter).find(Boolean),
          );
        }
        return;
      case 'event':
        if (m.event.type === 'ready') {
          t.ready = m.event;
          if (!toldReady && threads.every((x) => x.ready)) {
            toldReady = true;
            sink.event({ type: 'ready', hash: m.event.hash, arms: threads.flatMap((x) => x.ready!.arms) });
            post({ type: 'start' });
          }
          return;
        }
        if (m.event.type === 'stopped') t.stopped = true;
        sink.event(m.event);
        return;
      case 'mechanism':
        sink.mechanism(m.arm, m.record);
        return;
      case 'step': {
        t.step = m.step;
        const live = threads.filter((x) => !x.stopped && !x.result);
        const step = live.length ? Math.min(...live.map((x) => x.step)) : Math.max(...threads.map((x) => x.step));
        if (step !== lastStep) sink.step((lastStep = step));
        return;
      }
      case 'done':
        t.result = m.result;
        return;
      case 'error':
        t.error ??= m.message;
        post({ type: 'stop' }); // one arm failed: the run fails, the others stop after their step
        return;
    }
  };

  await Promise.all(
    threads.map(
      (t) =>
        new Promise<void>((exited) => {
          t.worker.on('message', (m: ArmToParent) => onMessage(t, m));
          t.worker.on('error', (e: Error) => {
            t.error ??= e.message.split('\n')[0];
            post({ type: 'stop' });
          });
          t.worker.on('exit', (code) => {
            if (!t.result && t.error === undefined) t.error = `the ${t.arm} arm's thread ended (exit code ${code}) before its training did`;
            exited();
          });
        }),
    ),
  );
  const failed = threads.find((t) => t.error !== undefined);
  if (failed) throw new Error(failed.error);
  const result: TrainingResult = { steps: {}, stepsPerSec: {} };
  for (const t of threads) {
    Object.assign(result.steps, t.result!.steps);
    Object.assign(result.stepsPerSec, t.result!.stepsPerSec);
  }
  return result;
}
