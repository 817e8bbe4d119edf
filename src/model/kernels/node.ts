/**
 * Node only (CLIs, tests): Node 20's V8 has relaxed SIMD (fused multiply-add) behind a flag. Setting it at run
 * time works as long as it happens before our module is compiled (the first fast op, or prepareKernels()).
 * Where relaxed SIMD already validates (newer Node) nothing is changed. Browsers need nothing: Chrome ≥ 114 has it
 * by default, others get the plain-SIMD module.
 */
import { RELAXED_SIMD_WASM } from './wasm.generated';

const relaxedValidates = () => WebAssembly.validate(Uint8Array.from(atob(RELAXED_SIMD_WASM), (c) => c.charCodeAt(0)));

/** Returns whether relaxed SIMD is available afterwards. */
export async function enableRelaxedSimdInNode(): Promise<boolean> {
  if (relaxedValidates()) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedValidates();
}
