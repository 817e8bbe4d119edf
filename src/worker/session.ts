/**
 * One arm's training run, wherever it runs: the browser's training worker (training.worker.ts) and the CLI's arm
 * thread (cli/armJob.ts) are thin shells that hand every incoming message to a `TrainingSession` and post what it
 * sends. It owns the run's life cycle (init, play, pause, step, reset; commands one at a time, `pause` at once),
 * the backend and the move to wasm after a GPU fault (./gpu.ts), the looks inside the model and the memory reports
 * (./lookSchedule.ts), the mechanism measurements after evaluations (./mechanismWatch.ts), and the checkpoints of
 * Resume (./runCheckpoints.ts). Everything it needs of its surroundings comes in `SessionEnv`, so it runs in Node too.
 *
 * Faults: a config over the memory budget is refused; a GPU backend must pass a self-check against cpu (else
 * wasm); a lost WebGPU device or an uncaptured GPU error moves the arm to wasm from its last checkpoint (kept at
 * every evaluation); a non-finite loss stops the arm (Experiment). Test hooks (`fault` messages, a self-check
 * mismatch) act only when the run's init carried `test` (see protocol.ts TestHooks).
 */
import { loadTaskSource } from '../tasks/registry';
import * as tf from '@tensorflow/tfjs-core';
import { checkBrowserBudget } from '../data/memoryBudget';
import { pickExamples, vocabInfoOf } from '../data/queries';
import { ARM_LABEL, type Arm, type BackendName } from '../experiment/domain';
import type { MechanismRecord } from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import { checkConfig, correctionTexts } from '../experiment/validate';
import { MechanismProbe } from '../mechanism/probe';
import { selectBackend } from '../train/backend';
import { Experiment, type ExperimentEvent } from '../train/experimentLoop';
import { chooseBackend, injectGpuFault, watchDevice } from './gpu';
import { lookSchedule } from './lookSchedule';
import { watchMechanism } from './mechanismWatch';
import { FAULTS, type AdapterInfo, type Fault, type FromWorker, type FromWorkerTagged, type TestHooks, type ToWorker } from './protocol';
import type { RunsRepo } from '../runs/db';
import { RunCheckpoints } from './runCheckpoints';

/** The longest prompt an inspect message may carry (any task's context is shorter). */
const MAX_INSPECT_PROMPT = 256;

export interface BackendPick {
  backend: BackendName;
  fallbacks: string[];
  adapter?: AdapterInfo;
}

/** What a session needs of the thread it runs in. */
export interface SessionEnv {
  /** Posts a message (tagged with its run) to the page or the CLI's parent thread. */
  post(m: FromWorkerTagged, transfer: Transferable[]): void;
  /** The clock of progress, memory and inspection pacing (ms); performance.now() by default. */
  now?(): number;
  /** Picks the backend a run asks for; by default ./gpu.ts chooseBackend (a GPU must pass its self-check). */
  chooseBackend?(choice: Config['backend'], o: Parameters<typeof chooseBackend>[1]): Promise<BackendPick>;
  /** On wasm: splits the GEMMs over threads, for a config training `arms` arms at once; the count and how the page says it. */
  wasmThreads?(arms: number): Promise<{ count: number; text: string }>;
  /** Refuses a config too big to train here; by default the browser tab's budget. */
  checkBudget?(config: Config): { ok: true } | { ok: false; message: string };
  /** Opens the runs database, where Resume's checkpoints are kept (only with an init's `record`). */
  openRuns?(): Promise<RunsRepo>;
  /** Measures these at every evaluation (the CLI's --lens, --trace); by default ./mechanismWatch.ts paces them by cost. */
  mechanism?: { lens: boolean; trace: boolean };
}

export interface TrainingSession {
  /** Takes one incoming message (untrusted): `pause` acts at once, everything else in order. */
  receive(m: unknown): void;
  /** Resolves when every message received so far is handled. */
  settled(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
/** Waits for `p`, at most `ms` (a step on a lost device may never end). */
const settle = (p: Promise<unknown> | null, ms: number) => (p ? Promise.race([p.catch(() => {}), sleep(ms)]) : Promise.resolve());

export function createTrainingSession(env: SessionEnv): TrainingSession {
  const now = env.now ?? (() => performance.now());
  const pickBackend: NonNullable<SessionEnv['chooseBackend']> = env.chooseBackend ?? chooseBackend;
  const checkBudget = env.checkBudget ?? checkBrowserBudget;

  let exp: Experiment | null = null;
  /** The checked config of the current run, as asked for (arms not narrowed). */
  let config: Config | null = null;
  /** The run id of the current experiment; every message carries it, and the receiver drops those of older runs. */
  let run = 0;
  /** The arm this session trains (from the init); null: the config's arms, in lockstep. */
  let onlyArm: Arm | null = null;
  let running: Promise<void> | null = null;
  /** Measurements at every evaluation (env.mechanism), sent in order; awaited before `trained`. */
  let measuring: Promise<void> = Promise.resolve();
  let backendChoice: string | null = null;
  /** The backend in use, and why the one asked for was not (sent again with every init). */
  let backend: { name: BackendName; fallbacks: string[]; adapter?: AdapterInfo } | null = null;
  let hooks: TestHooks = {};
  /** What went wrong with the GPU, once it did (the session stays on wasm from then on). */
  let gpuFault: string | null = null;
  let onGpuFaultSeen: () => void = () => {};
  const gpuFaultSeen = new Promise<void>((ok) => (onGpuFaultSeen = ok));
  /** The move to wasm after a GPU fault, while it runs: commands wait for it. */
  let recovering: Promise<void> | null = null;
  /** Numbers the experiments: one abandoned after a GPU fault may still emit when it ends late; dropped. */
  let generation = 0;
  let queue: Promise<void> = Promise.resolve();
  /** The `cmd` of the last play, pause or step handled: every state carries it (protocol.ts). */
  let acked = 0;

  function send(m: FromWorker, transfer: Transferable[] = [], from = run): void {
    env.post(m.type === 'state' ? { ...m, run: from, ack: acked } : { ...m, run: from }, transfer);
  }
  /** The current experiment's state, sent as the answer to a command that may have changed nothing. */
  function sendState(): void {
    if (exp) send({ type: 'state', running: running !== null, step: exp.step, done: exp.done });
  }
  function fail(e: unknown): void {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  const checkpoints = new RunCheckpoints(send, env.openRuns);
  const looks = lookSchedule({ now, send, current: () => exp, failed: (e, current) => failOf(e, current) });

  /** Whether a GPU fault is (or within `ms` becomes) known: a failed readback may come just before the device's lost event. */
  async function gpuFaultWithin(ms: number): Promise<boolean> {
    if (gpuFault !== null) return true;
    if (backend?.name !== 'webgpu') return false;
    return Promise.race([gpuFaultSeen.then(() => true), sleep(ms).then(() => false)]);
  }
  /** A failure of the experiment `current`: reported unless it is no longer current or the GPU failed (then it moves to wasm). */
  async function failOf(e: unknown, current: Experiment | null): Promise<void> {
    if (await gpuFaultWithin(1000)) return;
    if (exp === current) fail(e);
  }

  function measure(current: Experiment, e: Extract<ExperimentEvent, { type: 'eval' }>, from: number, probe: MechanismProbe | null): void {
    const sendRecord = (record: MechanismRecord) => send({ type: 'mechanism', record }, [], from);
    if (!probe) {
      watchMechanism(current, e, sendRecord);
      return;
    }
    const trainer = current.trainers.find((t) => t.arm === e.arm);
    if (!trainer || !probe.active) return;
    const pending = probe.measure(e.arm, trainer.gpt, e.row.step); // at this step's weights; read back while training goes on
    measuring = measuring.then(async () => sendRecord(await pending)).catch((x) => failOf(x, current));
  }

  function makeExperiment(c: Config, from: number, data?: Experiment['data'], keep = false): Experiment {
    const g = ++generation;
    let probe: MechanismProbe | null = null;
    const current: Experiment = new Experiment(
      c,
      (e) => {
        if (g !== generation) return;
        send(e, [], from);
        if (e.type !== 'eval' || from !== run || exp !== current) return; // nothing more of a run being replaced
        looks.evaluated();
        probe ??= env.mechanism ? new MechanismProbe(current.config, current.data, env.mechanism) : null;
        measure(current, e, from, probe);
      },
      data,
      { checkpoints: keep },
    );
    return current;
  }

  function onStep(step: number): void {
    looks.stepped(step);
    checkpoints.save(exp, config, run);
  }

  // ---------------------------------------------------------------- the GPU: lost device, uncaught errors (./gpu.ts)
  function onGpuFault(why: string): void {
    if (gpuFault !== null || backend?.name !== 'webgpu') return;
    gpuFault = why;
    onGpuFaultSeen();
    exp?.pause();
    recovering = recoverOnWasm(why)
      .catch(fail)
      .finally(() => (recovering = null));
  }

  /** After a GPU fault: the experiment goes on on wasm from its last checkpoint (or starts there, if none yet). */
  async function recoverOnWasm(why: string): Promise<void> {
    const old = exp;
    const wasRunning = running !== null;
    exp = null; // nothing new starts on the old one
    old?.pause();
    await settle(running, 5000);
    await settle(looks.inFlight(), 5000);
    running = null;
    looks.forget();
    const faultStep = old?.step ?? 0;
    try {
      old?.dispose(); // buffers of a lost device: nothing to free, but the engine forgets them
    } catch {
      /* the device is gone */
    }
    const wasm = await selectBackend('wasm');
    if (!old || !config) {
      backend = { name: wasm.backend, fallbacks: [`webgpu: ${why}`, ...wasm.fallbacks] };
      send({ type: 'backend', backend: backend.name, fallbacks: backend.fallbacks });
      return;
    }
    const next = makeExperiment(old.config, run, old.data, checkpoints.record !== null);
    next.restore(old);
    exp = next;
    // one line, shown by the page as "Training on wasm: webgpu: the CoT arm lost the GPU at step 57: …"
    const who = onlyArm ? `the ${ARM_LABEL[onlyArm]} arm` : 'the run';
    const where = next.step > 0 ? `from step ${next.step}, its last checkpoint` : 'from the start';
    const fallbacks = [`webgpu: ${who} lost the GPU at step ${faultStep}: ${why}; it goes on on ${wasm.backend} ${where}`, ...wasm.fallbacks];
    backend = { name: wasm.backend, fallbacks };
    send({ type: 'backend', backend: wasm.backend, fallbacks });
    send({ type: 'state', running: false, step: next.step, done: next.done });
    if (wasRunning) play();
    else void looks.inspectNow();
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
      if (t) tf.tidy(() => t.weights.tokenEmbedding.assign(tf.fill(t.weights.tokenEmbedding.shape, Number.NaN)));
    } else {
      injectGpuFault(fault);
    }
  }

  /** Stops training and waits until the current step and look inside are over. */
  async function halt(): Promise<void> {
    exp?.pause();
    if (running) await running;
    await looks.idle();
  }

  async function startBackend(checked: Config): Promise<void> {
    if (backendChoice !== checked.backend) {
      const pick = await pickBackend(checked.backend, { config, arm: onlyArm ?? 'cot', earlierFault: gpuFault, selfCheckError: hooks.selfCheckError });
      backendChoice = checked.backend;
      backend = { name: pick.backend, fallbacks: pick.fallbacks, ...(pick.adapter ? { adapter: pick.adapter } : {}) };
      if (pick.backend === 'webgpu') watchDevice(onGpuFault);
    }
    if (!backend) return;
    // every run is told its backend (the page forgets it at a reset); on wasm, how many threads its GEMMs use
    // the arms of the config train at once (one worker each on the page): they share the cores
    const arms = checked.arms === 'both' ? 2 : 1;
    const threads = backend.name === 'wasm' && env.wasmThreads ? await env.wasmThreads(arms) : null;
    send({
      type: 'backend',
      backend: backend.name,
      fallbacks: backend.fallbacks,
      ...(threads ? { threads: threads.text, gemmThreads: threads.count } : {}),
      ...(backend.adapter ? { adapter: backend.adapter } : {}),
    });
  }

  async function init(raw: Config, id: number, test?: TestHooks, runRecord: string | null = null, resume = false): Promise<void> {
    // forget the old experiment first, so that nothing starts on it while it winds down
    const old = exp;
    exp = null;
    old?.pause();
    if (running) await running;
    await looks.idle();
    old?.dispose();
    run = id;
    checkpoints.record = runRecord;
    if (test !== undefined) hooks = { faults: test.faults === true, selfCheckError: Number.isFinite(test.selfCheckError) ? test.selfCheckError : undefined };
    const { config: checked, corrections } = checkConfig(raw);
    config = checked;
    if (corrections.length) send({ type: 'notice', messages: correctionTexts(corrections) });
    // the page refuses these before it starts a worker; a config from elsewhere is refused here too
    const budget = checkBudget(checked);
    if (!budget.ok) {
      config = null;
      send({ type: 'error', message: `not started: ${budget.message}` });
      return;
    }
    await startBackend(checked);
    // a copy of every arm at each evaluation: on a GPU to go on from if it is lost, and saved for resuming the run
    const keep = backend?.name === 'webgpu' || backend?.name === 'webgl' || checkpoints.record !== null;
    const current = makeExperiment(onlyArm ? { ...checked, arms: onlyArm } : checked, id, undefined, keep);
    exp = current;
    if (resume) await checkpoints.resume(current, config, () => exp === current);
    if (exp !== current) return;
    send({ type: 'examples', vocab: vocabInfoOf(current.data), examples: pickExamples(current.data), config: checked, hash: current.hash });
    send({ type: 'state', running: false, step: current.step, done: current.done });
  }

  function play(): void {
    const current = exp;
    if (!current || running || current.done) return;
    const from = run;
    const p: Promise<void> = current
      .run(onStep)
      .catch((e) => failOf(e, current))
      .then(() => measuring)
      .then(() => {
        // the run ended (paused, stopped or done): each arm's training speed, once what it measured is sent
        if (exp === current)
          for (const t of current.trainers) send({ type: 'trained', arm: t.arm, step: t.step, stepsPerSec: current.stepsPerSec(t.arm) }, [], from);
      })
      .finally(() => {
        if (running === p) running = null; // a run abandoned after a GPU fault ends late: not the current one
        if (exp === current) void looks.inspectNow();
      });
    running = p;
  }

  async function stepOnce(): Promise<void> {
    await halt();
    const current = exp;
    if (!current || current.done) return sendState(); // nothing to step: still an answer
    await current.stepOnce();
    checkpoints.save(exp, config, run);
    sendState();
    await looks.inspectNow();
  }

  async function handle(m: ToWorker): Promise<void> {
    while (recovering) await recovering;
    const nextRun = (id: unknown) => (Number.isSafeInteger(id) ? (id as number) : run + 1);
    if ((m.type === 'play' || m.type === 'pause' || m.type === 'step') && Number.isSafeInteger(m.cmd)) acked = m.cmd as number;
    switch (m.type) {
      case 'init':
        onlyArm = m.arm === 'cot' || m.arm === 'direct' ? m.arm : null;
        // a task read from a file: its text comes beside the config, checked and loaded before the data is built
        if (typeof m.taskFile === 'string') {
          const loading = loadTaskSource(m.taskFile);
          if (!loading.ok) send({ type: 'notice', messages: loading.problems });
        }
        return init(
          m.config,
          nextRun(m.run),
          m.test && typeof m.test === 'object' ? m.test : {},
          typeof m.record === 'string' && m.record.length <= 64 ? m.record : null,
          m.resume === true,
        );
      case 'reset':
        return config ? init(config, nextRun(m.run)) : undefined;
      case 'play':
        play();
        if (!running) sendState(); // nothing started (done, or no experiment): still an answer
        return;
      case 'pause':
        await halt();
        return sendState();
      case 'step':
        return stepOnce();
      case 'inspect': {
        const p = m.example?.prompt;
        // untrusted: a short list of whole numbers (the schedule checks it against the run's vocabulary and context)
        if (!Array.isArray(p) || p.length < 1 || p.length > MAX_INSPECT_PROMPT || !p.every((x) => Number.isInteger(x))) return;
        return looks.choose({ prompt: p.slice() });
      }
      case 'fault':
        if (hooks.faults && FAULTS.includes(m.fault)) injectFault(m.fault);
        return;
    }
  }

  return {
    receive(raw) {
      if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') return;
      const m = raw as ToWorker;
      if (m.type === 'pause') exp?.pause(); // pause must not wait behind other commands
      queue = queue.then(() => handle(m)).catch(fail);
    },
    settled: async () => {
      let seen: Promise<void> | null = null;
      while (seen !== queue) {
        seen = queue;
        await queue;
      }
    },
  };
}
