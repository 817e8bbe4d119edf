/**
 * A training worker: all tfjs work happens here, off the page's main thread. The page starts one per arm, so
 * that the two arms train on two cores. It picks the backend, runs the Experiment for its arm (the dataset is
 * generated from the whole config, identical in every worker), forwards its events, and after evaluations
 * looks inside the model (attention maps, logit lens) on the chosen query. Commands are handled one at a time,
 * in order; `pause` acts at once (between two training steps).
 */
/// <reference lib="webworker" />
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { checkConfig, correctionTexts } from '../experiment/validate';
import type { Config } from '../experiment/schema';
import { selectBackend } from '../train/backend';
import { Experiment, type ExperimentEvent } from '../train/experiment';
import { pickExamples } from './examples';
import { inspectArm } from './inspect';
import { watchMechanism } from './mechanism';
import type { FromWorker, InspectRequest, ToWorker } from './protocol';
import { type Arm } from '../experiment/domain';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** At most this often (ms) is a progress message or a look inside the models sent while training. */
const PROGRESS_MS = 100;
const INSPECT_MS = 1500;

let exp: Experiment | null = null;
/** The checked config of the current run, as asked for (arms not narrowed). */
let config: Config | null = null;
/** The run id of the current experiment (from the page's init); stale messages are dropped by the page. */
let run = 0;
let running: Promise<void> | null = null;
let backendChoice: string | null = null;
let example: InspectRequest | null = null;
let inspecting: Promise<void> | null = null;
let inspectDue = false;
/** A look was asked for while one was running: look again when it ends (so the last look is current). */
let inspectAgain = false;
let lastInspect = 0;
let lastProgress = 0;

function send(m: FromWorker, transfer: Transferable[] = [], from = run): void {
  scope.postMessage({ ...m, run: from }, transfer);
}
function fail(e: unknown): void {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

function onEvent(e: ExperimentEvent, from: number): void {
  send(e, [], from);
  if (e.type === 'eval' && from === run) inspectDue = true;
  // the aggregated lens (and tracing, within its time budget) of this step's weights
  if (e.type === 'eval' && from === run && exp) watchMechanism(exp, e, (record) => send({ type: 'mechanism', record }, [], from));
}

/** Looks inside every arm on the chosen query (one look at a time). */
function inspectNow(): Promise<void> {
  const current = exp;
  if (!current || !example) return Promise.resolve();
  if (inspecting) {
    inspectAgain = true;
    return inspecting;
  }
  const prompt = example.prompt;
  const from = run;
  const v = current.data.vocab;
  if (prompt.some((x) => x < 0 || x >= v.entities + v.relations)) return Promise.resolve();
  inspectDue = false;
  lastInspect = performance.now();
  inspecting = (async () => {
    for (const t of current.trainers) {
      const { attention, lens } = await inspectArm(t, current.data, prompt);
      if (exp !== current) return; // reset meanwhile: drop
      send(attention, [attention.weights.buffer], from);
      send(lens, [lens.ranks.buffer, lens.probs.buffer], from);
    }
  })()
    .catch(fail)
    .finally(() => {
      inspecting = null;
      if (inspectAgain) {
        inspectAgain = false;
        void inspectNow();
      }
    });
  return inspecting;
}

function onStep(step: number): void {
  const now = performance.now();
  if (now - lastProgress >= PROGRESS_MS) {
    lastProgress = now;
    send({ type: 'progress', step, running: true });
  }
  if (inspectDue && now - lastInspect >= INSPECT_MS) void inspectNow();
}

/** Stops training and waits until the current step and look inside are over. */
async function halt(): Promise<void> {
  exp?.pause();
  if (running) await running;
  while (inspecting) await inspecting;
}

/** The arm this worker trains (from the page's init); null: the config's arms, in lockstep. */
let onlyArm: Arm | null = null;

async function init(raw: Config, id: number): Promise<void> {
  // forget the old experiment first, so that nothing starts on it while it winds down
  const old = exp;
  exp = null;
  old?.pause();
  if (running) await running;
  while (inspecting) await inspecting;
  old?.dispose();
  run = id;
  const { config: checked, corrections } = checkConfig(raw);
  config = checked;
  if (corrections.length) send({ type: 'notice', messages: correctionTexts(corrections) });
  if (backendChoice !== checked.backend) {
    const { backend, fallbacks } = await selectBackend(checked.backend);
    backendChoice = checked.backend;
    send({ type: 'backend', backend, fallbacks });
  }
  exp = new Experiment(onlyArm ? { ...checked, arms: onlyArm } : checked, (e) => onEvent(e, id));
  const v = exp.data.vocab;
  send({
    type: 'examples',
    vocab: { entities: v.entities, relations: v.relations, hops: exp.data.hops },
    examples: pickExamples(exp.data),
    config: checked,
    hash: exp.hash,
  });
  send({ type: 'state', running: false, step: 0, done: exp.done });
}

function play(): void {
  const current = exp;
  if (!current || running || current.done) return;
  running = current
    .run(onStep)
    .catch(fail)
    .finally(() => {
      running = null;
      if (exp === current) void inspectNow();
    });
}

async function stepOnce(): Promise<void> {
  await halt();
  const current = exp;
  if (!current || current.done) return;
  await current.stepOnce();
  send({ type: 'state', running: false, step: current.step, done: current.done });
  await inspectNow();
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init':
      onlyArm = m.arm === 'cot' || m.arm === 'direct' ? m.arm : null;
      return init(m.config, Number.isSafeInteger(m.run) ? m.run : run + 1);
    case 'reset':
      return config ? init(config, Number.isSafeInteger(m.run) ? m.run : run + 1) : undefined;
    case 'play':
      return play();
    case 'pause':
      return halt();
    case 'step':
      return stepOnce();
    case 'inspect': {
      const p = m.example?.prompt;
      if (!Array.isArray(p) || p.length < 2 || p.length > 4 || !p.every((x) => Number.isInteger(x))) return;
      example = { prompt: p.slice() };
      if (inspecting) await inspecting;
      return inspectNow();
    }
  }
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
  // pause must not wait behind other commands
  if (m.type === 'pause') exp?.pause();
  queue = queue.then(() => handle(m)).catch(fail);
};
