/**
 * Node only (CLIs, tests): Node 20's V8 has relaxed SIMD (fused multiply-add) behind a flag. Setting it at run
 * time works as long as it happens before our module is compiled (the first fast op, or prepareKernels()).
 * Browsers need nothing: Chrome ≥ 114 validates relaxed SIMD by default, others get the plain SIMD module.
 */
export async function enableRelaxedSimdInNode(): Promise<boolean> {
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}
