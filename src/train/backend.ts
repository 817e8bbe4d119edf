/**
 * Picks the tfjs backend. `auto` tries webgpu → webgl → wasm → cpu, in that order, skipping those that
 * are not registered or fail to initialise; the result says which one is in use and why others were skipped.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../experiment/domain';
import type { BackendChoice } from '../experiment/schema';

export type { BackendName } from '../experiment/domain';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendResult {
  backend: BackendName;
  /** Why the requested backend was not used, one line per skipped backend; empty when the first choice worked. */
  fallbacks: string[];
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

export async function selectBackend(choice: BackendChoice): Promise<BackendResult> {
  const order = choice === 'auto' ? BACKEND_ORDER : [choice, ...BACKEND_ORDER.filter((b) => b !== choice)];
  const fallbacks: string[] = [];
  for (const name of order) {
    if (!tf.engine().registryFactory[name]) {
      fallbacks.push(`${name}: not available here`);
      continue;
    }
    if ((name === 'webgpu' || name === 'webgl') && choice === 'auto') {
      const skip = name === 'webgpu' ? await webgpuSkipReason() : webglSkipReason();
      if (skip) {
        fallbacks.push(`${name}: ${skip}`);
        continue;
      }
    }
    try {
      const ok = await tf.setBackend(name);
      if (ok) {
        await tf.ready();
        return { backend: name, fallbacks };
      }
      fallbacks.push(`${name}: failed to initialise`);
    } catch (e) {
      fallbacks.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`No tfjs backend could start (${fallbacks.join('; ')})`);
}
