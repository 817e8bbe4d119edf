/**
 * WebGPU in Node: Dawn's Node bindings (the `webgpu` package, MIT; its prebuilt `dawn.node` ships in the
 * package) give tfjs's webgpu backend the `navigator.gpu` it expects, so the CLI trains on a GPU with the same
 * kernels as the browser.
 *
 * The order matters: tfjs-backend-webgpu registers itself at import only when `navigator.gpu` exists, so the
 * globals (`navigator.gpu`, `GPUBufferUsage`, `GPUMapMode`, …) are installed first and the backend is imported
 * after. A machine without a GPU can still run it on a software Vulkan driver: Debian's Mesa lavapipe is
 * rejected by Dawn, Chromium's SwiftShader is not; when no adapter is found and Chromium's SwiftShader driver is
 * installed, it is used, and `software` says so.
 */
import { existsSync } from 'node:fs';
import { adapterName } from '../src/train/backend';

/** Chromium's own Vulkan driver (Debian's `chromium` package puts it here). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeAdapter {
  /** "SwiftShader driver 5.0.0 (google swiftshader)": description, vendor and architecture as the driver gives them. */
  name: string;
  /** A CPU emulation (Chromium's SwiftShader), chosen because no GPU adapter was found. */
  software: boolean;
}

export const NO_ADAPTER_HELP =
  'no WebGPU adapter: Dawn found no Vulkan GPU driver. On a machine with a GPU install its Vulkan driver (and libvulkan1); ' +
  `without one, install chromium and libvulkan1 (apt install chromium libvulkan1) and its SwiftShader driver (${SWIFTSHADER_ICD}) is used by itself.`;

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let installed: Promise<NodeAdapter> | null = null;

/**
 * The adapter this machine gives WebGPU, without loading tfjs (for the CLI's check before its threads start);
 * rejects with NO_ADAPTER_HELP when there is none. Chooses SwiftShader for this process and its threads when needed.
 */
export async function probeNodeAdapter(): Promise<NodeAdapter> {
  const found = await findAdapter((await import('webgpu')) as unknown as DawnModule);
  if (!found) throw new Error(NO_ADAPTER_HELP);
  return { name: adapterName(found.adapter.info), software: found.software };
}

async function findAdapter(dawn: DawnModule): Promise<{ gpu: GPU; adapter: GPUAdapter; software: boolean } | null> {
  if (process.env.COT_NO_GPU_ADAPTER) return null; // tests: a machine without any adapter
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter) return { gpu, adapter, software: /swiftshader/i.test(adapter.info?.architecture ?? '') };
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return null;
  // the Vulkan loader reads the driver list at each new instance: a second one sees only SwiftShader
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const soft = dawn.create([]);
  const fallback = await soft.requestAdapter();
  return fallback ? { gpu: soft, adapter: fallback, software: true } : null;
}

/**
 * Makes WebGPU available to tfjs in this thread (once) and registers tfjs's webgpu backend; rejects with
 * NO_ADAPTER_HELP when there is no adapter. Call before `tf.setBackend('webgpu')`.
 */
export function installNodeWebgpu(): Promise<NodeAdapter> {
  installed ??= (async () => {
    const dawn = (await import('webgpu')) as unknown as DawnModule;
    const found = await findAdapter(dawn);
    if (!found) throw new Error(NO_ADAPTER_HELP);
    Object.assign(globalThis, dawn.globals);
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu: found.gpu, userAgent: `Node.js ${process.version}` }, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    return { name: adapterName(found.adapter.info), software: found.software };
  })();
  return installed;
}
