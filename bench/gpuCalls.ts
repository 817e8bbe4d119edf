/**
 * Counts what tfjs's webgpu backend asks of the GPU: compute dispatches, queue submits, buffer writes (uniforms
 * and uploads) and readbacks (buffer maps), by wrapping those methods of the WebGPU classes (Dawn's in Node, the
 * browser's in a page). The lever for a dispatch-bound step is fewer of each (issue 20: ≤ 150 dispatches and
 * ≤ 2 submits per preset step).
 */
export interface GpuCalls {
  dispatches: number;
  submits: number;
  writes: number;
  readbacks: number;
}

type Methods = Record<string, (...args: unknown[]) => unknown>;
const WRAPPED: [cls: string, method: string, counter: keyof GpuCalls][] = [
  ['GPUComputePassEncoder', 'dispatchWorkgroups', 'dispatches'],
  ['GPUQueue', 'submit', 'submits'],
  ['GPUQueue', 'writeBuffer', 'writes'],
  ['GPUBuffer', 'mapAsync', 'readbacks'],
];

/** Starts counting (from zero); `restore` puts the methods back. Throws where WebGPU's classes are missing. */
export function countGpuCalls(): { read(): GpuCalls; reset(): void; restore(): void } {
  const counts: GpuCalls = { dispatches: 0, submits: 0, writes: 0, readbacks: 0 };
  const undo: (() => void)[] = [];
  for (const [cls, method, counter] of WRAPPED) {
    const proto = (globalThis as unknown as Record<string, { prototype: Methods } | undefined>)[cls]?.prototype;
    if (!proto || typeof proto[method] !== 'function') throw new Error(`no WebGPU here (${cls}.${method} missing)`);
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      counts[counter]++;
      return original.apply(this, args);
    };
    undo.push(() => {
      proto[method] = original;
    });
  }
  return {
    read: () => ({ ...counts }),
    reset: () => {
      for (const k of Object.keys(counts) as (keyof GpuCalls)[]) counts[k] = 0;
    },
    restore: () => {
      for (const u of undo) u();
    },
  };
}
