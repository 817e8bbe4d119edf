/**
 * The training worker's dealings with the GPU: choosing a backend that must pass a self-check against cpu (else
 * wasm), watching a WebGPU device for loss and uncaptured errors, and the test-only faults that cause both.
 * What to do after a fault (go on on wasm from the last checkpoint) stays in training.worker.ts, which owns the run.
 */
import { webgpuAdapter } from '../train/backend';
import type { AdapterInfo } from './protocol';
import * as tf from '@tensorflow/tfjs-core';
import type { Arm, BackendName } from '../experiment/domain';
import type { Config } from '../experiment/schema';
import { raceTimer, selectBackend } from '../train/backend';
import { selfCheck, selfCheckText } from '../train/selfCheck';
import type { Fault } from './protocol';

interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener(type: 'uncapturederror', f: (e: { error?: { message?: string } }) => void): void;
  destroy(): void;
  createBuffer(d: { size: number; usage: number }): unknown;
  queue: { onSubmittedWorkDone(): Promise<void> };
}
const gpuDevice = (): GpuDeviceLike | null => (tf.getBackend() === 'webgpu' ? ((tf.backend() as unknown as { device?: GpuDeviceLike }).device ?? null) : null);

/** Calls `onFault` (with what happened, in words) when the current WebGPU device is lost or reports an uncaptured error. */
export function watchDevice(onFault: (why: string) => void): void {
  const device = gpuDevice();
  if (!device) return;
  void device.lost.then((info) => onFault(`its WebGPU device was lost (${[info.reason, info.message].filter(Boolean).join(': ') || 'no reason given'})`));
  device.addEventListener('uncapturederror', (e) => onFault(`an uncaptured WebGPU error (${e.error?.message?.split('\n')[0] || 'no message'})`));
}

/** Test-only: destroys the device, or makes it raise an error nobody captures. */
export function injectGpuFault(fault: Extract<Fault, 'device-lost' | 'gpu-error'>): void {
  const device = gpuDevice();
  if (fault === 'device-lost') device?.destroy();
  else {
    // MAP_READ (1) may only go with COPY_DST: with STORAGE (128) this is a validation error nobody captures
    device?.createBuffer({ size: 4, usage: 1 | 128 });
    void device?.queue.onSubmittedWorkDone(); // an idle device may not report the error until it does something
  }
}

/**
 * Picks the backend; a GPU backend must also pass the self-check, else training runs on wasm. After a GPU fault
 * earlier in this tab (`earlierFault`) it is wasm. `auto` races the usable backends on the run's own model.
 */
export async function chooseBackend(
  choice: Config['backend'],
  o: { config: Config | null; arm: Arm; earlierFault: string | null; selfCheckError?: number },
): Promise<{ backend: BackendName; fallbacks: string[]; adapter?: AdapterInfo }> {
  if (o.earlierFault !== null) {
    const r = await selectBackend('wasm');
    return { backend: r.backend, fallbacks: [`webgpu: ${o.earlierFault} earlier in this tab`, ...r.fallbacks] };
  }
  const first = await selectBackend(choice, o.config ? { time: raceTimer(o.config, o.arm) } : {});
  if (first.backend !== 'webgpu' && first.backend !== 'webgl') return first;
  let problem: string | null = null;
  try {
    const bump = o.selfCheckError;
    const check = await selfCheck(first.backend, bump ? { perturb: (v) => (v[v.length - 1] += bump) } : {});
    if (!check.ok) problem = selfCheckText(check);
  } catch (e) {
    problem = `${first.backend}: its self-check could not run (${e instanceof Error ? e.message : String(e)})`;
  }
  if (problem === null) {
    // the badge names the GPU it trains on
    const adapter = first.backend === 'webgpu' ? await webgpuAdapter() : null;
    return adapter ? { ...first, adapter } : first;
  }
  const wasm = await selectBackend('wasm');
  return { backend: wasm.backend, fallbacks: [...first.fallbacks, problem, ...wasm.fallbacks] };
}
