/**
 * The training of `npm run experiment`, where tfjs runs: picks the backend, trains the config's arms in lockstep
 * (src/train/experimentLoop.ts) and, with --lens/--trace, measures each arm after every evaluation. What happens is
 * told to a `TrainingSink`. Run in the CLI's own thread for all arms (`--jobs 1`), or in one worker thread per
 * arm with the config narrowed to that arm (cli/armJob.ts): an arm's training depends only on the config, the
 * data and its own seeded streams, so the two ways give the same numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
// in Node the union's bundle registers what training needs beside the core (gradients, chained ops, cpu)
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Dataset } from '../src/data/dataset';
import type { Arm, BackendName, ExperimentEvent } from '../src/experiment/domain';
import type { MechanismRecord } from '../src/experiment/mechanism';
import type { Config } from '../src/experiment/schema';
import { MechanismProbe } from '../src/mechanism/probe';
import { enableRelaxedSimdInNode } from '../src/model/kernels/node';
import { setGemmThreads } from '../src/model/kernels/wasm';
import { selectBackend } from '../src/train/backend';
import { Experiment } from '../src/train/experimentLoop';
import type { CliBackend } from './args';
import { installNodeWebgpu, type NodeAdapter } from './nodeWebgpu';

/** The events the CLI shows and records: `ready`, `eval` and `stopped` (losses and states are not forwarded). */
export type ArmEvent = Extract<ExperimentEvent, { type: 'ready' | 'eval' | 'stopped' }>;

export interface TrainingSink {
  /**
   * The backend in use; `fallbacks` say why another was not (empty when the asked one started); the threads an
   * arm's GEMMs use; on webgpu the adapter, as its driver names it.
   */
  backend(backend: string, fallbacks: string[], gemmThreads: number, adapter?: NodeAdapter): void;
  event(e: ArmEvent): void;
  mechanism(arm: Arm, record: MechanismRecord): void;
  /** After every training step: the step reached. */
  step(step: number): void;
}

export interface TrainingJob {
  config: Config;
  data: Dataset;
  backend: CliBackend;
  asked: { lens: boolean; trace: boolean };
  /** Threads each arm's GEMMs are split over on wasm (1: not split); the numbers are the same for any count. */
  gemmThreads: number;
}

/** Per arm, where training ended and its training speed (steps/s, evaluation excluded). */
export interface TrainingResult {
  steps: Partial<Record<Arm, number>>;
  stepsPerSec: Partial<Record<Arm, number>>;
}

export interface TrainingControl {
  /** Called with a function that stops training after the current step (e.g. on Ctrl-C). */
  onStop(stop: () => void): void;
  /** Awaited once the model is built, before the first step (the arms' threads start together). */
  beforeRun?(): Promise<void>;
}

/**
 * Selects the backend the way the CLI always has (tfjs's production mode, relaxed SIMD for our kernels, no
 * self-check); webgpu, asked for, is never silently another backend (cli/run.ts has checked that an adapter exists).
 * `fallbacks` say why another was used, empty when the asked one started.
 */
export async function pickCliBackend(choice: CliBackend): Promise<{ backend: BackendName; fallbacks: string[]; adapter?: NodeAdapter }> {
  tf.env().set('PROD', true); // no debug checks, and no advice to install tfjs-node
  await enableRelaxedSimdInNode(); // fused multiply-add in our wasm kernels (~30% faster); Node 20 has it behind a flag
  const adapter = choice === 'webgpu' ? await installNodeWebgpu() : undefined;
  const { backend, fallbacks } = await selectBackend(choice);
  if (choice === 'webgpu' && backend !== 'webgpu') throw new Error(`webgpu did not start: ${fallbacks.join('; ')}`);
  return { backend, fallbacks: backend !== choice ? fallbacks : [], ...(adapter ? { adapter } : {}) };
}

/** The CLI's backend (pickCliBackend); on wasm, our GEMMs split over `gemmThreads` threads (src/model/kernels/threads.ts). */
async function startBackend(choice: CliBackend, gemmThreads: number, sink: TrainingSink): Promise<void> {
  const { backend, fallbacks, adapter } = await pickCliBackend(choice);
  const threads = backend === 'wasm' ? await setGemmThreads(gemmThreads) : 1;
  sink.backend(backend, fallbacks, threads, adapter);
}

export async function train(job: TrainingJob, sink: TrainingSink, control: TrainingControl): Promise<TrainingResult> {
  await startBackend(job.backend, job.gemmThreads, sink);
  const probe = new MechanismProbe(job.config, job.data, job.asked);
  let measuring: Promise<void> = Promise.resolve();
  let ex: Experiment | undefined;
  ex = new Experiment(
    job.config,
    (e) => {
      if (e.type === 'eval') {
        sink.event(e);
        const trainer = probe.active ? ex?.trainers.find((t) => t.arm === e.arm) : undefined;
        if (trainer) {
          // computed now, at this step's weights; read back while training goes on
          const pending = probe.measure(e.arm, trainer.gpt, e.row.step);
          measuring = measuring.then(async () => sink.mechanism(e.arm, await pending));
        }
      } else if (e.type === 'ready' || e.type === 'stopped') sink.event(e);
    },
    job.data,
  );
  const experiment = ex;
  control.onStop(() => experiment.stop());
  try {
    await control.beforeRun?.();
    await experiment.run((step) => sink.step(step));
  } finally {
    await measuring;
    experiment.dispose();
    await setGemmThreads(1); // the helper threads end, so that nothing keeps this thread alive
  }
  const result: TrainingResult = { steps: {}, stepsPerSec: {} };
  for (const t of experiment.trainers) {
    result.steps[t.arm] = t.step;
    result.stepsPerSec[t.arm] = experiment.stepsPerSec(t.arm);
  }
  return result;
}
