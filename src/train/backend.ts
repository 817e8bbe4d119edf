/**
 * Picks the tfjs backend. `auto` tries webgpu → webgl → wasm → cpu, in that order, skipping those that
 * are not registered, fail to initialise, or (webgpu, webgl) are software emulations. Given a way to time
 * training steps (`options.time`), `auto` does not trust the first one that starts: it times a few steps of
 * the actual model on each usable one (webgpu, webgl, wasm; within RACE_BUDGET_MS in all) and keeps the
 * fastest, since small models can run slower on a GPU than on wasm (dispatch overhead). The result says which
 * backend is in use and why the others were not.
 */
import * as tf from '@tensorflow/tfjs-core';
import { generateDataset } from '../data/dataset';
import type { Arm, BackendName } from '../experiment/domain';
import type { BackendChoice, Config } from '../experiment/schema';
import { ArmTrainer } from './arm';

export type { BackendName } from '../experiment/domain';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** The backends `auto` races when it can time steps (cpu is only the last fallback: never faster). */
export const RACE_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];
/** The time the race may take in all, shared between its backends. */
export const RACE_BUDGET_MS = 2000;

export interface RaceTiming {
  backend: BackendName;
  /** Measured training steps per second; null when timing failed (then `error` says why). */
  stepsPerSec: number | null;
  error?: string;
}

export interface BackendResult {
  backend: BackendName;
  /** Why the requested backend was not used, one line per skipped backend; empty when the first choice worked. */
  fallbacks: string[];
  /** With `auto` and more than one usable backend: what each did in the race, in BACKEND_ORDER. */
  race?: RaceTiming[];
}

export interface SelectOptions {
  /** Times training steps of the actual model on the backend now set, within `budgetMs`; returns steps/s. */
  time?: (backend: BackendName, budgetMs: number) => Promise<number>;
}

/** The fastest backend of a race (the earlier in the list on a tie); null when none was measured. */
export function fastest(timings: readonly RaceTiming[]): BackendName | null {
  let best: RaceTiming | null = null;
  for (const t of timings) if (t.stepsPerSec !== null && Number.isFinite(t.stepsPerSec) && (best === null || t.stepsPerSec > (best.stepsPerSec ?? 0))) best = t;
  return best?.backend ?? null;
}

const rate = (x: number) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2));

/** The race in one line, fastest first: "auto: wasm 5.1 steps/s, webgpu 3.2 steps/s → wasm". */
export function raceText(timings: readonly RaceTiming[], winner: BackendName): string {
  const sorted = [...timings].sort((a, b) => (b.stepsPerSec ?? -1) - (a.stepsPerSec ?? -1));
  const parts = sorted.map((t) => (t.stepsPerSec === null ? `${t.backend} failed (${t.error ?? 'no timing'})` : `${t.backend} ${rate(t.stepsPerSec)} steps/s`));
  return `auto: ${parts.join(', ')} → ${winner}`;
}

/**
 * Steps/s of `step` (one training step; returns the loss) on the backend now set: one warm-up step (shapes
 * compile), then timed steps, each read back (so a GPU's queue is counted), until `budgetMs` has passed since
 * the start, at least one and at most `maxSteps`.
 */
export async function timeSteps(step: () => tf.Scalar, budgetMs: number, maxSteps = 20): Promise<number> {
  const t0 = performance.now();
  const warm = step();
  await warm.data();
  warm.dispose();
  const t1 = performance.now();
  let n = 0;
  while (n < 1 || (n < maxSteps && performance.now() - t0 < budgetMs)) {
    const loss = step();
    await loss.data();
    loss.dispose();
    n++;
  }
  return n / ((performance.now() - t1) / 1000);
}

/**
 * The race's timer for a run: steps of `arm`'s own model on the run's data (made at the first timing, so only when
 * a race happens), a fresh trainer per backend, disposed after.
 */
export function raceTimer(config: Config, arm: Arm): NonNullable<SelectOptions['time']> {
  let data: ReturnType<typeof generateDataset> | null = null;
  return async (_backend, budgetMs) => {
    data ??= generateDataset(config);
    const trainer = new ArmTrainer(config, data, arm);
    try {
      return await timeSteps(() => trainer.trainStep(), budgetMs);
    } finally {
      trainer.dispose();
    }
  };
}

/** What a WebGPU adapter's driver calls it: "SwiftShader Device (Subzero) (google swiftshader)", "NVIDIA … (nvidia ampere)". */
export function adapterName(info: { description?: string; device?: string; vendor?: string; architecture?: string } | undefined): string {
  if (!info) return 'unknown adapter';
  const what = [info.vendor, info.architecture].filter(Boolean).join(' ');
  return [info.description || info.device || 'unnamed adapter', what && `(${what})`].filter(Boolean).join(' ');
}

/** The adapter WebGPU gives this page or worker (null: none, or no WebGPU). */
export async function webgpuAdapter(): Promise<{ name: string; software: boolean } | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  const adapter = gpu
    ? ((await gpu.requestAdapter().catch(() => null)) as {
        isFallbackAdapter?: boolean;
        info?: Parameters<typeof adapterName>[0] & { isFallbackAdapter?: boolean };
      } | null)
    : null;
  if (!adapter) return null;
  return { name: adapterName(adapter.info), software: Boolean(adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter) };
}

/**
 * Why WebGPU should be skipped in `auto` mode, or null to try it: no adapter, or only a software one
 * (Chromium's SwiftShader reports `isFallbackAdapter`; it runs our model ~400× slower than the wasm path).
 */
async function webgpuSkipReason(): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'no WebGPU in this browser';
  const adapter = (await gpu.requestAdapter().catch(() => null)) as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
  if (!adapter) return 'no WebGPU adapter (GPU blocked or missing)';
  if (adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter) return 'only a software WebGPU adapter, slower than wasm';
  return null;
}

/** Why WebGL should be skipped in `auto` mode: a software renderer (SwiftShader, llvmpipe) is slower than wasm. */
function webglSkipReason(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null; // let tfjs decide (it may still find a context)
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return 'no WebGL2 context';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? 'only a software WebGL renderer, slower than wasm' : null;
  } catch {
    return null;
  }
}

/** Sets `name` as tfjs's backend; null when it started, else why not. */
async function start(name: BackendName): Promise<string | null> {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return null;
    }
    return 'failed to initialise';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Whether `name` may be tried: registered and, in `auto` mode, not a software GPU emulation; else why not. */
async function skipReason(name: BackendName, choice: BackendChoice): Promise<string | null> {
  if (!tf.engine().registryFactory[name]) return 'not available here';
  if ((name === 'webgpu' || name === 'webgl') && choice === 'auto') return name === 'webgpu' ? webgpuSkipReason() : webglSkipReason();
  return null;
}

export async function selectBackend(choice: BackendChoice, options: SelectOptions = {}): Promise<BackendResult> {
  const order = choice === 'auto' ? BACKEND_ORDER : [choice, ...BACKEND_ORDER.filter((b) => b !== choice)];
  const fallbacks: string[] = [];
  const usable: BackendName[] = [];
  const race = choice === 'auto' && options.time !== undefined;
  for (const name of order) {
    if (race && usable.length > 0 && !RACE_BACKENDS.includes(name)) break;
    const skip = (await skipReason(name, choice)) ?? (await start(name));
    if (skip) {
      fallbacks.push(`${name}: ${skip}`);
      continue;
    }
    usable.push(name);
    if (!race) return { backend: name, fallbacks };
  }
  if (usable.length === 0) throw new Error(`No tfjs backend could start (${fallbacks.join('; ')})`);
  if (usable.length === 1 || !options.time) {
    await start(usable[0]);
    return { backend: usable[0], fallbacks };
  }
  const timings: RaceTiming[] = [];
  for (const name of usable) {
    const problem = await start(name);
    if (problem) {
      timings.push({ backend: name, stepsPerSec: null, error: problem });
      continue;
    }
    try {
      timings.push({ backend: name, stepsPerSec: await options.time(name, RACE_BUDGET_MS / usable.length) });
    } catch (e) {
      timings.push({ backend: name, stepsPerSec: null, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const winner = fastest(timings) ?? usable[usable.length - 1];
  const problem = await start(winner);
  if (problem) throw new Error(`${winner} won the backend race but did not start again (${problem})`);
  return { backend: winner, fallbacks: [...fallbacks, raceText(timings, winner)], race: timings };
}
