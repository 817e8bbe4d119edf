// AssemblyScript entry point (compiled by build.ts with --sharedMemory): GEMM alone, for the helper threads of
// threads.ts, which instantiate it on a shared WebAssembly.Memory.
export { sgemmStrided } from './gemm';
