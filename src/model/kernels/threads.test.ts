/**
 * The GEMM split over threads (threads.ts) at the kernel level, without tfjs: on a plain (non-shared) memory
 * like tfjs's heap, the split result equals the one-thread kernel's bit for bit, for every transpose, with and
 * without bias, on shapes that split by rows, by columns, and leave ragged edge panels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { createGemmPool, makePool, type GemmPool, type SgemmStrided } from './threads';
import { SIMD_WASM } from './wasm.generated';

interface Exports {
  sgemm(M: number, N: number, K: number, a: number, tA: number, b: number, tB: number, c: number, bias: number, acc: number, s: number): void;
  sgemmStrided: SgemmStrided;
}

const heap = new WebAssembly.Memory({ initial: 1200 });
const k = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(SIMD_WASM), (c) => c.charCodeAt(0))), { env: { memory: heap } })
  .exports as unknown as Exports;
const pools: GemmPool[] = [];

beforeAll(async () => {
  for (const threads of [2, 3]) {
    const p = await createGemmPool(threads, 'simd', 0);
    expect(p, `pool of ${threads}`).not.toBeNull();
    pools.push(p!);
  }
});
afterAll(() => {
  for (const p of pools) p.close();
});

let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;

describe('GEMM split over threads', () => {
  const shapes = [
    [1280, 512, 128], // by rows
    [128, 512, 1280], // by columns
    [130, 67, 9], // ragged row panels
    [37, 203, 31], // ragged column panels
    [9, 9, 300], // too few panels for 3 threads: some helpers idle
    [1, 17, 5], // one row, three column panels
    [3, 5, 7], // one panel: not split
  ];
  for (const [M, N, K] of shapes) {
    it(`${M}×${N}×${K}: bit for bit the one-thread result (every transpose, with and without bias)`, () => {
      const a = 4096;
      const b = a + M * K * 4 + 64;
      const bias = b + K * N * 4 + 64;
      const c1 = bias + N * 4 + 64;
      const c2 = c1 + M * N * 4 + 64;
      const scratch = c2 + M * N * 4 + 64;
      const f = new Float32Array(heap.buffer);
      for (let i = 0; i < M * K; i++) f[a / 4 + i] = rnd();
      for (let i = 0; i < K * N; i++) f[b / 4 + i] = rnd();
      for (let i = 0; i < N; i++) f[bias / 4 + i] = rnd();
      for (const pool of pools) {
        for (const tA of [0, 1]) {
          for (const tB of [0, 1]) {
            for (const bi of [0, bias]) {
              f.fill(0, c1 / 4, c1 / 4 + M * N);
              f.fill(Number.NaN, c2 / 4, c2 / 4 + M * N);
              k.sgemm(M, N, K, a, tA, b, tB, c1, bi, 0, scratch);
              const before = pool.splits;
              const split = pool.sgemm(k.sgemmStrided, heap, scratch, M, N, K, a, tA === 1, b, tB === 1, c2, bi);
              expect(pool.splits - before).toBe(split ? 1 : 0);
              const panels = M >= N ? Math.ceil(M / 4) : Math.ceil(N / 8); // the larger dimension is split
              expect(split, 'split when there are two panels or more').toBe(panels >= 2);
              if (!split) continue;
              const one = f.subarray(c1 / 4, c1 / 4 + M * N);
              const many = f.subarray(c2 / 4, c2 / 4 + M * N);
              expect(one.some((x) => x !== 0)).toBe(true);
              const mismatch = one.findIndex((x, i) => !Object.is(x, many[i]));
              expect(mismatch, `threads ${pool.threads}, transA ${tA}, transB ${tB}, bias ${bi !== 0}`).toBe(-1);
            }
          }
        }
      }
    });
  }

  it('a pool refuses GEMMs below its size threshold (the caller runs them alone)', async () => {
    const p = await createGemmPool(2, 'simd', 1 << 20);
    expect(p).not.toBeNull();
    expect(p!.sgemm(k.sgemmStrided, heap, 1 << 20, 64, 64, 64, 4096, false, 8192, false, 1 << 19, 0)).toBe(false);
    expect(p!.splits).toBe(0);
    p!.close();
    expect(await createGemmPool(1, 'simd')).toBeNull();
  });
  it('a helper that never answers costs a wait, not the run: the caller computes the GEMM alone and stops splitting', () => {
    const [M, N, K] = [64, 48, 32];
    const a = 4096;
    const b = a + M * K * 4 + 64;
    const c1 = b + K * N * 4 + 64;
    const c2 = c1 + M * N * 4 + 64;
    const scratch = c2 + M * N * 4 + 64;
    const f = new Float32Array(heap.buffer);
    for (let i = 0; i < M * K; i++) f[a / 4 + i] = rnd();
    for (let i = 0; i < K * N; i++) f[b / 4 + i] = rnd();
    k.sgemm(M, N, K, a, 0, b, 0, c1, 0, 0, scratch);
    f.fill(Number.NaN, c2 / 4, c2 / 4 + M * N);
    // two threads, and the one helper never started: no one ever counts its share done
    const stuck = makePool(
      2,
      0,
      new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true }),
      new Int32Array(new SharedArrayBuffer((3 + 32) * 4)),
      [],
      200,
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t0 = Date.now();
    expect(stuck.sgemm(k.sgemmStrided, heap, scratch, M, N, K, a, false, b, false, c2, 0)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    const one = f.subarray(c1 / 4, c1 / 4 + M * N);
    const alone = f.subarray(c2 / 4, c2 / 4 + M * N);
    expect(one.findIndex((x, i) => !Object.is(x, alone[i]))).toBe(-1);
    // no more splits: the next GEMM is the caller's alone, at once
    expect(stuck.sgemm(k.sgemmStrided, heap, scratch, M, N, K, a, false, b, false, c2, 0)).toBe(false);
  });
});
