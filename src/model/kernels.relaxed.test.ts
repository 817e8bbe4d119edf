// The kernel suite of kernels.test.ts again, on the relaxed-SIMD (fused multiply-add) module.
process.env.COT_KERNELS = 'relaxed-simd';
await import('./kernels.test');
export {};
