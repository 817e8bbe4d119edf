/**
 * A training session's pacing of what it reports while training (./session.ts): progress at most every PROGRESS_MS,
 * tfjs memory at quiet points, and the looks inside the model on the chosen query (attention maps, logit lens:
 * ./inspect.ts) after an evaluation, at most every INSPECT_MS and one at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fitsVocab, vocabInfoOf } from '../data/queries';
import { LOSS_READBACK_EVERY, type Experiment } from '../train/experimentLoop';
import { inspectArm } from './inspect';
import type { FromWorker, InspectRequest } from './protocol';

/** At most this often (ms) is a progress message or a look inside the models sent while training. */
const PROGRESS_MS = 100;
const INSPECT_MS = 1500;
/** A memory report is sent while training every MEMORY_MS, and at least every MEMORY_STEPS steps. */
const MEMORY_MS = 500;
const MEMORY_STEPS = 100;

export interface LookEnv {
  now(): number;
  send(m: FromWorker, transfer?: Transferable[]): void;
  /** The session's current experiment (null between runs). */
  current(): Experiment | null;
  /** A look that failed, on the experiment it looked at. */
  failed(e: unknown, on: Experiment): Promise<void>;
}

export interface LookSchedule {
  /** After each training step. */
  stepped(step: number): void;
  /** After an evaluation: a look is due. */
  evaluated(): void;
  /** Chooses the query to look at, and looks (after the look in flight, if any). */
  choose(example: InspectRequest): Promise<void>;
  /** Looks inside every arm of the current experiment on the chosen query (one look at a time). */
  inspectNow(): Promise<void>;
  /** The look in flight, if any. */
  inFlight(): Promise<void> | null;
  /** Resolves once no look is in flight. */
  idle(): Promise<void>;
  /** Drops the look in flight (its experiment was abandoned). */
  forget(): void;
}

export function lookSchedule(env: LookEnv): LookSchedule {
  let example: InspectRequest | null = null;
  let inspecting: Promise<void> | null = null;
  let inspectDue = false;
  /** A look was asked for while one was running: look again when it ends (so the last look is current). */
  let inspectAgain = false;
  let lastInspect = 0;
  let lastProgress = 0;
  let lastMemory = Number.NEGATIVE_INFINITY;
  let lastMemoryStep = 0;

  function inspectNow(): Promise<void> {
    const current = env.current();
    if (!current || !example) return Promise.resolve();
    if (inspecting) {
      inspectAgain = true;
      return inspecting;
    }
    const prompt = example.prompt;
    if (!fitsVocab(prompt, vocabInfoOf(current.data))) return Promise.resolve();
    inspectDue = false;
    lastInspect = env.now();
    inspecting = (async () => {
      for (const t of current.trainers) {
        const { attention, lens } = await inspectArm(t, current.data, prompt);
        if (env.current() !== current) return; // reset meanwhile: drop
        env.send(attention, [attention.weights.buffer]);
        env.send(lens, [lens.ranks.buffer, lens.probs.buffer]);
      }
    })()
      .catch((e) => env.failed(e, current))
      .finally(() => {
        inspecting = null;
        if (inspectAgain) {
          inspectAgain = false;
          void inspectNow();
        }
      });
    return inspecting;
  }

  async function idle(): Promise<void> {
    while (inspecting) await inspecting;
  }

  function stepped(step: number): void {
    const now = env.now();
    if (now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      env.send({ type: 'progress', step, running: true });
    }
    // memory at a quiet point of training: every loss just read back, and no evaluation at this step (the work that
    // follows one — a look inside, mechanism measurements — holds tensors for a while); `inspecting` says whether a
    // look inside is still in flight (its tensors are counted)
    const current = env.current();
    const evaluated = current?.trainers.some((t) => current.history[t.arm].at(-1)?.step === step);
    if (step % LOSS_READBACK_EVERY === 0 && !evaluated && (now - lastMemory >= MEMORY_MS || Math.abs(step - lastMemoryStep) >= MEMORY_STEPS)) {
      lastMemory = now;
      lastMemoryStep = step;
      const m = tf.memory();
      env.send({ type: 'memory', step, numTensors: m.numTensors, numBytes: m.numBytes, inspecting: inspecting !== null });
    }
    if (inspectDue && now - lastInspect >= INSPECT_MS) void inspectNow();
  }

  return {
    stepped,
    evaluated: () => {
      inspectDue = true;
    },
    choose: async (e) => {
      example = e;
      if (inspecting) await inspecting;
      return inspectNow();
    },
    inspectNow,
    inFlight: () => inspecting,
    idle,
    forget: () => {
      inspecting = null;
    },
  };
}
