/**
 * A training worker: all tfjs work happens here, off the page's main thread. The page starts one per arm, so
 * that the two arms train on two cores. It picks the backend, runs the Experiment for its arm (the dataset is
 * generated from the whole config, identical in every worker), forwards its events, and after evaluations
 * looks inside the model (attention maps, logit lens) on the chosen query. Commands are handled one at a time,
 * in order; `pause` acts at once (between two training steps).
 *
 * Faults: a config over the memory budget is refused; a GPU backend must pass a self-check against cpu (else
 * wasm; ./gpu.ts); a lost WebGPU device or an uncaptured GPU error moves the arm to wasm from its last checkpoint
 * (kept at every evaluation); a non-finite loss stops the arm (Experiment); at a quiet point every 0.5 s (at least
 * every 100 steps) the worker reports its tfjs memory. Test hooks (`fault` messages, a self-check mismatch) act
 * only when the page's init carried `test` (see protocol.ts TestHooks).
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs-core';
import '../train/tfjsWorker'; // gradients, chained ops; cpu, webgpu and webgl loaded when first set
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { checkConfig, correctionTexts } from '../experiment/validate';
import type { Config } from '../experiment/schema';
import { selectBackend } from '../train/backend';
import { Experiment, LOSS_READBACK_EVERY, type ExperimentEvent } from '../train/experimentLoop';
import { checkBrowserBudget } from '../data/memoryBudget';
import { fitsVocab, pickExamples, vocabInfoOf } from '../data/queries';
import { chooseBackend, injectGpuFault, watchDevice } from './gpu';
import { inspectArm } from './inspect';
import { watchMechanism } from './mechanismWatch';
import { FAULTS, type Fault, type FromWorker, type InspectRequest, type TestHooks, type ToWorker } from './protocol';
import { ARM_LABEL, type Arm, type BackendName } from '../experiment/domain';
import { RunCheckpoints } from './runCheckpoints';
import { loadTaskSource } from '../tasks/registry';
import { keepTfjsWasmUnthreaded, startGemmThreads, threadsText } from '../model/kernels/threadPolicy';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
keepTfjsWasmUnthreaded(); // our kernels need tfjs's plain heap; they split their GEMMs themselves

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** At most this often (ms) is a progress message or a look inside the models sent while training. */
const PROGRESS_MS = 100;
const INSPECT_MS = 1500;
/** The longest prompt an inspect message may carry (any task's context is shorter). */
const MAX_INSPECT_PROMPT = 256;

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
/** A memory report is sent while training every MEMORY_MS, and at least every MEMORY_STEPS steps. */
const MEMORY_MS = 500;
const MEMORY_STEPS = 100;
let lastMemory = -Infinity;
let lastMemoryStep = 0;
/** The backend in use, and why the one asked for was not (sent again with every init). */
let backendName: BackendName | null = null;
let backendFallbacks: string[] = [];
/** The test hooks of the current run (empty unless a test asked, see protocol.ts). */
let hooks: TestHooks = {};
/** What went wrong with the GPU, once it did (the worker stays on wasm from then on). */
let gpuFault: string | null = null;
let onGpuFaultSeen: (() => void) | null = null;
const gpuFaultSeen = new Promise<void>((ok) => (onGpuFaultSeen = ok));
/** The move to wasm after a GPU fault, while it runs: commands wait for it. */
let recovering: Promise<void> | null = null;

function send(m: FromWorker, transfer: Transferable[] = [], from = run): void {
  scope.postMessage({ ...m, run: from }, transfer);
}
function fail(e: unknown): void {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
/** Each arm's checkpoint saved under the page's run record after every evaluation, and read back to resume. */
const runCheckpoints = new RunCheckpoints(send);

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
/** Whether a GPU fault is (or within `ms` becomes) known: a failed readback may come just before the device's lost event. */
async function gpuFaultWithin(ms: number): Promise<boolean> {
  if (gpuFault !== null) return true;
  if (backendName !== 'webgpu') return false;
  return Promise.race([gpuFaultSeen.then(() => true), sleep(ms).then(() => false)]);
}
/** A failure of the experiment `current`: reported unless it is no longer current or the GPU failed (then it moves to wasm). */
async function failOf(e: unknown, current: Experiment | null): Promise<void> {
  if (await gpuFaultWithin(1000)) return;
  if (exp === current) fail(e);
}

function onEvent(e: ExperimentEvent, from: number): void {
  send(e, [], from);
  if (e.type === 'eval' && from === run) inspectDue = true;
  // the aggregated lens (and tracing, within its time budget) of this step's weights
  if (e.type === 'eval' && from === run && exp) watchMechanism(exp, e, (record) => send({ type: 'mechanism', record }, [], from));
}

/** Numbers the experiments: one abandoned after a GPU fault may still emit when it ends late; dropped. */
let generation = 0;
function makeExperiment(c: Config, id: number, data?: Experiment['data'], checkpoints = false): Experiment {
  const g = ++generation;
  return new Experiment(c, (e) => g === generation && onEvent(e, id), data, { checkpoints });
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
  if (!fitsVocab(prompt, vocabInfoOf(current.data))) return Promise.resolve();
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
    .catch((e) => failOf(e, current))
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
  // memory at a quiet point of training: every loss just read back, and no evaluation at this step (the work that
  // follows one — a look inside, mechanism measurements — holds tensors for a while); `inspecting` says whether a
  // look inside is still in flight (its tensors are counted)
  const current = exp;
  const evaluated = current?.trainers.some((t) => current.history[t.arm].at(-1)?.step === step);
  if (step % LOSS_READBACK_EVERY === 0 && !evaluated && (now - lastMemory >= MEMORY_MS || Math.abs(step - lastMemoryStep) >= MEMORY_STEPS)) {
    lastMemory = now;
    lastMemoryStep = step;
    const m = tf.memory();
    send({ type: 'memory', step, numTensors: m.numTensors, numBytes: m.numBytes, inspecting: inspecting !== null });
  }
  if (inspectDue && now - lastInspect >= INSPECT_MS) void inspectNow();
  runCheckpoints.save(exp, config, run);
}

// ---------------------------------------------------------------- the GPU: lost device, uncaught errors (./gpu.ts)
function onGpuFault(why: string): void {
  if (gpuFault !== null || backendName !== 'webgpu') return;
  gpuFault = why;
  onGpuFaultSeen?.();
  exp?.pause();
  recovering = recoverOnWasm(why)
    .catch(fail)
    .finally(() => (recovering = null));
}

/** Waits for `p`, at most `ms` (a step on a lost device may never end). */
const settle = (p: Promise<unknown> | null, ms: number) => (p ? Promise.race([p.catch(() => {}), sleep(ms)]) : Promise.resolve());

/** After a GPU fault: the experiment goes on on wasm from its last checkpoint (or starts there, if none yet). */
async function recoverOnWasm(why: string): Promise<void> {
  const old = exp;
  const wasRunning = running !== null;
  exp = null; // nothing new starts on the old one
  old?.pause();
  await settle(running, 5000);
  await settle(inspecting, 5000);
  running = null;
  inspecting = null;
  const faultStep = old?.step ?? 0;
  try {
    old?.dispose(); // buffers of a lost device: nothing to free, but the engine forgets them
  } catch {
    /* the device is gone */
  }
  const { backend, fallbacks } = await selectBackend('wasm');
  backendName = backend;
  if (!old || !config) {
    backendFallbacks = [`webgpu: ${why}`, ...fallbacks];
    send({ type: 'backend', backend, fallbacks: backendFallbacks });
    return;
  }
  const from = run;
  const next = makeExperiment(old.config, from, old.data, runCheckpoints.record !== null);
  next.restore(old);
  exp = next;
  // one line, shown by the page as "Training on wasm: webgpu: the CoT arm lost the GPU at step 57: …"
  const who = onlyArm ? `the ${ARM_LABEL[onlyArm]} arm` : 'the run';
  const where = next.step > 0 ? `from step ${next.step}, its last checkpoint` : 'from the start';
  backendFallbacks = [`webgpu: ${who} lost the GPU at step ${faultStep}: ${why}; it goes on on ${backend} ${where}`, ...fallbacks];
  send({ type: 'backend', backend, fallbacks: backendFallbacks });
  send({ type: 'state', running: false, step: next.step, done: next.done });
  if (wasRunning) play();
  else void inspectNow();
}

/** Test-only faults (honoured only with `hooks.faults`). */
function injectFault(fault: Fault): void {
  if (fault === 'crash') {
    // uncaught, outside any promise: the page gets the worker's error event
    setTimeout(() => {
      throw new Error('injected crash (test hook)');
    });
  } else if (fault === 'nan') {
    const t = exp?.trainers[0];
    if (t) tf.tidy(() => t.weights.tokenEmbedding.assign(tf.fill(t.weights.tokenEmbedding.shape, NaN)));
  } else {
    injectGpuFault(fault);
  }
}

/** Stops training and waits until the current step and look inside are over. */
async function halt(): Promise<void> {
  exp?.pause();
  if (running) await running;
  while (inspecting) await inspecting;
}

/** The arm this worker trains (from the page's init); null: the config's arms, in lockstep. */
let onlyArm: Arm | null = null;

async function init(raw: Config, id: number, test?: TestHooks, runRecord: string | null = null, resume = false): Promise<void> {
  // forget the old experiment first, so that nothing starts on it while it winds down
  const old = exp;
  exp = null;
  old?.pause();
  if (running) await running;
  while (inspecting) await inspecting;
  old?.dispose();
  run = id;
  runCheckpoints.record = runRecord;
  if (test !== undefined) hooks = { faults: test?.faults === true, selfCheckError: Number.isFinite(test?.selfCheckError) ? test.selfCheckError : undefined };
  const { config: checked, corrections } = checkConfig(raw);
  config = checked;
  if (corrections.length) send({ type: 'notice', messages: correctionTexts(corrections) });
  // the page refuses these before it starts a worker; a config from elsewhere is refused here too
  const budget = checkBrowserBudget(checked);
  if (!budget.ok) {
    config = null;
    send({ type: 'error', message: `not started: ${budget.message}` });
    return;
  }
  if (backendChoice !== checked.backend) {
    const { backend, fallbacks } = await chooseBackend(checked.backend, {
      config,
      arm: onlyArm ?? 'cot',
      earlierFault: gpuFault,
      selfCheckError: hooks.selfCheckError,
    });
    backendChoice = checked.backend;
    backendName = backend;
    backendFallbacks = fallbacks;
    if (backend === 'webgpu') watchDevice(onGpuFault);
  }
  // every run is told its backend (the page forgets it at a reset); on wasm, how many threads its GEMMs use
  const threads = backendName === 'wasm' ? threadsText(await startGemmThreads(checked.arms === 'both' ? 2 : 1)) : undefined;
  if (backendName) send({ type: 'backend', backend: backendName, fallbacks: backendFallbacks, ...(threads ? { threads } : {}) });
  // a copy of every arm at each evaluation: on a GPU to go on from if it is lost, and saved for resuming the run
  const keep = backendName === 'webgpu' || backendName === 'webgl' || runCheckpoints.record !== null;
  const current = makeExperiment(onlyArm ? { ...checked, arms: onlyArm } : checked, id, undefined, keep);
  exp = current;
  if (resume) await runCheckpoints.resume(current, config, () => exp === current);
  if (exp !== current) return;
  send({
    type: 'examples',
    vocab: vocabInfoOf(exp.data),
    examples: pickExamples(exp.data),
    config: checked,
    hash: exp.hash,
  });
  send({ type: 'state', running: false, step: current.step, done: current.done });
}

function play(): void {
  const current = exp;
  if (!current || running || current.done) return;
  const p: Promise<void> = current
    .run(onStep)
    .catch((e) => failOf(e, current))
    .finally(() => {
      if (running === p) running = null; // a run abandoned after a GPU fault ends late: not the current one
      if (exp === current) void inspectNow();
    });
  running = p;
}

async function stepOnce(): Promise<void> {
  await halt();
  const current = exp;
  if (!current || current.done) return;
  await current.stepOnce();
  runCheckpoints.save(exp, config, run);
  send({ type: 'state', running: false, step: current.step, done: current.done });
  await inspectNow();
}

async function handle(m: ToWorker): Promise<void> {
  while (recovering) await recovering;
  switch (m.type) {
    case 'init':
      onlyArm = m.arm === 'cot' || m.arm === 'direct' ? m.arm : null;
      if (typeof m.taskFile === 'string') {
        const loading = loadTaskSource(m.taskFile);
        if (!loading.ok) send({ type: 'notice', messages: loading.problems });
      }
      return init(
        m.config,
        Number.isSafeInteger(m.run) ? m.run : run + 1,
        m.test && typeof m.test === 'object' ? m.test : {},
        typeof m.record === 'string' && m.record.length <= 64 ? m.record : null,
        m.resume === true,
      );
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
      // untrusted: a short list of whole numbers (inspectNow checks it against the run's vocabulary and context)
      if (!Array.isArray(p) || p.length < 1 || p.length > MAX_INSPECT_PROMPT || !p.every((x) => Number.isInteger(x))) return;
      example = { prompt: p.slice() };
      if (inspecting) await inspecting;
      return inspectNow();
    }
    case 'fault':
      if (hooks.faults && FAULTS.includes(m.fault)) injectFault(m.fault);
      return;
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
