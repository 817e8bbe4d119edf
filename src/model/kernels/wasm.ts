/**
 * Loads our WebAssembly kernels and binds them to the tfjs wasm backend's own memory, so they read and write
 * tensors where tfjs keeps them: no copies. One instance per backend memory.
 *
 * This reaches into tfjs-backend-wasm internals that its own kernels use (`wasm.asm.memory`, `_malloc`,
 * `dataIdMap`, `makeOutput`); `bind` returns null when any of them is missing or the memory is shared (the
 * threaded build), and callers then use plain tfjs ops.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { createGemmPool, type GemmPool, type SgemmStrided } from './threads';
import { RELAXED_SIMD_WASM, SIMD_WASM } from './wasm.generated';

export interface KernelExports {
  sgemm(
    M: number,
    N: number,
    K: number,
    a: number,
    transA: number,
    b: number,
    transB: number,
    c: number,
    bias: number,
    accumulate: number,
    scratch: number,
  ): void;
  sgemmStrided: SgemmStrided;
  layerNorm(x: number, gain: number, bias: number, N: number, d: number, eps: number, y: number, mean: number, rstd: number): void;
  layerNormGrad(
    dy: number,
    x: number,
    mean: number,
    rstd: number,
    gain: number,
    N: number,
    d: number,
    dx: number,
    dgain: number,
    dbias: number,
    tmp: number,
  ): void;
  gelu(x: number, n: number, y: number): void;
  geluGrad(dy: number, x: number, n: number, dx: number): void;
  colSum(x: number, N: number, d: number, out: number, accumulate: number): void;
  sumSquares(x: number, n: number): number;
  attention(qkv: number, B: number, T: number, H: number, hd: number, scale: number, mask: number, out: number, probs: number): void;
  attentionGrad(
    dout: number,
    qkv: number,
    probs: number,
    mask: number,
    B: number,
    T: number,
    H: number,
    hd: number,
    scale: number,
    dqkv: number,
    tmp: number,
  ): void;
  embed(tokens: number, N: number, T: number, wte: number, V: number, wpe: number, d: number, x: number): void;
  embedGrad(dx: number, tokens: number, N: number, T: number, V: number, P: number, d: number, dwte: number, dwpe: number): void;
  crossEntropy(logits: number, labels: number, N: number, V: number, loss: number, dlogits: number): void;
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    scale: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    bias1: number,
    bias2: number,
    decay: number,
    pOut: number,
    mOut: number,
    vOut: number,
  ): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm that the kernels use. */
interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export interface BoundKernels {
  k: KernelExports;
  /** `k.sgemm` without accumulation, split over the GEMM threads when there are some (see setGemmThreads). */
  gemm(M: number, N: number, K: number, a: number, transA: boolean, b: number, transB: boolean, c: number, bias: number, scratch: number): void;
  /** Byte offset of a tensor's data in the heap. */
  ptr(t: tf.TensorInfo): number;
  /** A new output tensor (uninitialised) and its offset. */
  out(shape: number[], dtype?: tf.DataType): { info: tf.TensorInfo; ptr: number };
  /** Scratch space of at least `bytes` bytes, valid until the next call. */
  scratch(bytes: number): number;
  /** A Float32Array view of the whole heap (made afresh: the heap may have grown). */
  heapF32(): Float32Array;
}

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

let compiled: { module: WebAssembly.Module; relaxed: boolean } | null | undefined;

function pickBinary(): { bytes: Uint8Array; relaxed: boolean } | null {
  if (typeof WebAssembly !== 'object') return null;
  const relaxed = decode(RELAXED_SIMD_WASM);
  if (WebAssembly.validate(relaxed as BufferSource)) return { bytes: relaxed, relaxed: true };
  const simd = decode(SIMD_WASM);
  return WebAssembly.validate(simd as BufferSource) ? { bytes: simd, relaxed: false } : null;
}

/** Compiles the module ahead of use (asynchronously: safe on a browser's main thread). */
export async function prepareKernels(): Promise<boolean> {
  if (compiled !== undefined) return compiled !== null;
  const bin = pickBinary();
  try {
    compiled = bin ? { module: await WebAssembly.compile(bin.bytes as BufferSource), relaxed: bin.relaxed } : null;
  } catch {
    compiled = null;
  }
  return compiled !== null;
}

function compileSync(): void {
  if (compiled !== undefined) return;
  const bin = pickBinary();
  try {
    compiled = bin ? { module: new WebAssembly.Module(bin.bytes as BufferSource), relaxed: bin.relaxed } : null;
  } catch {
    compiled = null; // e.g. synchronous compilation refused on a browser's main thread: call prepareKernels()
  }
}

/** Which module is in use: 'relaxed-simd' (fused multiply-add), 'simd', or null (not loaded / unavailable). */
export function kernelVariant(): 'relaxed-simd' | 'simd' | null {
  compileSync();
  return compiled ? (compiled.relaxed ? 'relaxed-simd' : 'simd') : null;
}

let pool: GemmPool | null = null;
let poolMinMacs: number | undefined;

/**
 * Splits every large-enough GEMM of our kernels over `threads` threads (this one and helpers, threads.ts), or
 * over none when threads ≤ 1. Returns the number of threads in use: 1 where memory cannot be shared (a page
 * that is not cross-origin isolated) or the helpers could not start. Results are bit for bit those of 1 thread.
 */
export async function setGemmThreads(threads: number, minMacs?: number): Promise<number> {
  const variant = kernelVariant();
  if (pool && pool.threads === threads && minMacs === poolMinMacs) return threads;
  poolMinMacs = minMacs;
  pool?.close();
  pool = variant && threads > 1 ? await createGemmPool(threads, variant, minMacs) : null;
  return pool?.threads ?? 1;
}

/** Threads a large GEMM runs on now, and how many GEMMs were split. */
export function gemmThreads(): { threads: number; splits: number } {
  return { threads: pool?.threads ?? 1, splits: pool?.splits ?? 0 };
}

const bound = new WeakMap<object, BoundKernels | null>();

/** Our kernels bound to this tfjs wasm backend, or null when that is not possible. */
export function bind(backend: object): BoundKernels | null {
  if (bound.has(backend)) return bound.get(backend) ?? null;
  let result: BoundKernels | null = null;
  try {
    result = tryBind(backend as WasmBackendLike);
  } catch {
    result = null;
  }
  bound.set(backend, result);
  return result;
}

function tryBind(be: WasmBackendLike): BoundKernels | null {
  const memory = be.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof be.wasm._malloc !== 'function' || !be.dataIdMap || !be.makeOutput) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  compileSync();
  if (!compiled) return null;
  const instance = new WebAssembly.Instance(compiled.module, { env: { memory } });
  const k = instance.exports as unknown as KernelExports;
  let scratchPtr = 0;
  let scratchBytes = 0;
  const ptr = (t: tf.TensorInfo) => {
    const off = be.dataIdMap.get(t.dataId)?.memoryOffset;
    if (off == null) throw new Error('tensor has no data in the wasm heap');
    return off;
  };
  return {
    k,
    gemm: (M, N, K, a, transA, b, transB, c, bias, scratch) => {
      if (pool?.sgemm(k.sgemmStrided, memory, scratch, M, N, K, a, transA, b, transB, c, bias)) return;
      k.sgemm(M, N, K, a, transA ? 1 : 0, b, transB ? 1 : 0, c, bias, 0, scratch);
    },
    ptr,
    out: (shape, dtype = 'float32') => {
      const info = be.makeOutput(shape, dtype);
      return { info, ptr: ptr(info) };
    },
    heapF32: () => new Float32Array(memory.buffer),
    scratch: (bytes) => {
      if (bytes > scratchBytes) {
        if (scratchPtr) be.wasm._free(scratchPtr);
        scratchBytes = Math.max(bytes, Math.ceil(scratchBytes * 1.5));
        scratchPtr = be.wasm._malloc(scratchBytes + 16);
      }
      return ((scratchPtr + 15) & ~15) >>> 0;
    },
  };
}
