/**
 * Our GEMM split over threads: the calling thread and `threads − 1` helper workers (worker_threads in Node,
 * Web Workers in a browser), for the tfjs wasm backend's non-shared heap.
 *
 * tfjs's heap is not shared (its threaded build is not used: our other kernels need a plain memory), so the
 * helpers work on a separate shared WebAssembly.Memory: the operands they read are copied in, the rows (or
 * columns) of C they computed are copied back. The output is split into blocks of whole 4-row (8-column) panels;
 * the calling thread computes the first block on tfjs's heap directly, each helper one of the others. Every
 * element of C is summed in the same order as by the one-thread kernel, with the same binary variant (plain or
 * relaxed SIMD), so the result is bit for bit the same.
 *
 * Helpers sleep in Atomics.wait between GEMMs; the calling thread blocks in Atomics.wait until they are done,
 * which is allowed in workers and in Node's main thread (not on a browser page's main thread: never used there).
 */
import { SHARED_RELAXED_SIMD_WASM, SHARED_SIMD_WASM } from './wasm.generated';

export type SgemmStrided = (
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  transA: number,
  b: number,
  ldb: number,
  transB: number,
  c: number,
  ldc: number,
  bias: number,
  accumulate: number,
  scratch: number,
) => void;

export interface GemmPool {
  /** Threads that share a GEMM, the caller included. */
  readonly threads: number;
  /** GEMMs split so far. */
  readonly splits: number;
  /**
   * C[M, N] = op(A)·op(B) (+ bias), A, B, C and bias in `heap`, with the caller's `sgemmStrided` on that heap and
   * `scratch` (enough for the one-thread GEMM) for its share. Returns false, having done nothing, when the GEMM
   * is too small to be worth splitting or too large for the shared memory: then the caller runs it alone.
   */
  sgemm(
    own: SgemmStrided,
    heap: WebAssembly.Memory,
    scratch: number,
    M: number,
    N: number,
    K: number,
    a: number,
    transA: boolean,
    b: number,
    transB: boolean,
    c: number,
    bias: number,
  ): boolean;
  close(): void;
}

/** GEMMs below this many multiply-adds run on one thread: waking the helpers and the copies cost more. */
export const MIN_SPLIT_MACS = 1 << 20;
const MAX_PAGES = 16384; // 1 GiB of shared memory at most
const START_MS = 20_000;
/**
 * The longest the caller waits for its helpers to finish one GEMM. A GEMM of ours takes milliseconds; a sweep on
 * a machine loaded far past its cores once left a caller and its helper both asleep (each in Atomics.wait, at
 * step 300 of a run, not reproduced since): past this, the caller computes the GEMM alone, says so once, and
 * stops using the pool, so that a stall costs speed instead of hanging the run.
 */
export const STALL_MS = 30_000;
const MR = 4;
const NR = 8;
/** Control words: [0] generation, [1] helpers still working, [2] close; then 16 words per helper's job. */
const JOB = 16;

/**
 * The helper, as plain JavaScript text: run with eval in Node, from a Blob URL in browsers, so no bundler or
 * TypeScript transform touches it. Job words as written by `sgemm` below.
 */
const HELPER = `
const node = typeof self === 'undefined';
const port = node ? require('node:worker_threads').parentPort : self;
function start(m) {
  const sgemm = new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports.sgemmStrided;
  const c = new Int32Array(m.ctl);
  const o = 3 + m.id * ${JOB};
  let gen = Atomics.load(c, 0);
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(c, 0, gen);
    gen = Atomics.load(c, 0);
    if (Atomics.load(c, 2)) return;
    try {
      if (c[o] > 0) sgemm(c[o], c[o + 1], c[o + 2], c[o + 3], c[o + 4], c[o + 5], c[o + 6], c[o + 7], c[o + 8], c[o + 9], c[o + 10], c[o + 11], 0, c[o + 12]);
    } catch (e) {
      Atomics.store(c, 2, 2); // failed: the caller redoes the GEMM alone and stops using the pool
      port.postMessage(String(e && e.message || e));
    }
    if (Atomics.sub(c, 1, 1) === 1) Atomics.notify(c, 1);
  }
}
if (node) port.once('message', start);
else self.onmessage = (e) => start(e.data);
`;

export interface HelperHandle {
  post(m: unknown): void;
  ready: Promise<void>;
  end(): void;
}

async function spawn(): Promise<HelperHandle> {
  const code = HELPER;
  if (typeof Worker === 'undefined' && typeof process !== 'undefined' && process.versions?.node) {
    const { Worker: NodeWorker } = await import('node:worker_threads');
    const w = new NodeWorker(code, { eval: true });
    w.unref(); // never keeps a CLI alive
    let started = false;
    const ready = new Promise<void>((ok, fail) => {
      w.on('message', (m) => (started ? console.warn(`GEMM helper: ${m}`) : ((started = true), ok())));
      w.once('error', fail);
    });
    return { post: (m) => w.postMessage(m), ready, end: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const w = new Worker(url);
  let started = false;
  const ready = new Promise<void>((ok, fail) => {
    w.onmessage = (e) => (started ? console.warn(`GEMM helper: ${e.data}`) : ((started = true), ok()));
    w.onerror = (e) => fail(new Error(e.message || 'GEMM helper failed to start'));
  });
  return {
    post: (m) => w.postMessage(m),
    ready: ready.finally(() => URL.revokeObjectURL(url)),
    end: () => w.terminate(),
  };
}

const decode = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));

/** Whether this environment can share memory between threads (Node always; a browser when cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/**
 * A pool of `threads − 1` helpers running the `variant` of our GEMM (the caller's: plain and relaxed SIMD round
 * differently). Null when threads ≤ 1, memory cannot be shared, or a helper fails to start.
 */
export async function createGemmPool(
  threads: number,
  variant: 'simd' | 'relaxed-simd',
  minMacs = MIN_SPLIT_MACS,
  stallMs = STALL_MS,
): Promise<GemmPool | null> {
  if (threads <= 1 || !canShareMemory()) return null;
  const helpers: HelperHandle[] = [];
  try {
    const module = await WebAssembly.compile(decode(variant === 'relaxed-simd' ? SHARED_RELAXED_SIMD_WASM : SHARED_SIMD_WASM) as BufferSource);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const ctl = new SharedArrayBuffer((3 + JOB * threads) * 4);
    for (let id = 0; id < threads - 1; id++) {
      const h = await spawn();
      helpers.push(h);
      h.post({ module, memory, ctl, id });
    }
    // a helper that never starts (a browser refusing nested workers quietly) must not hold up training
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('GEMM helpers did not start')), START_MS)));
    await Promise.race([Promise.all(helpers.map((h) => h.ready)), late]).finally(() => clearTimeout(timer));
    return makePool(threads, minMacs, memory, new Int32Array(ctl), helpers, stallMs);
  } catch {
    for (const h of helpers) h.end();
    return null;
  }
}

const align16 = (n: number) => (n + 15) & ~15;
/** Bytes of packing scratch the GEMM needs for an m × n block with depth K (as gemm.as documents). */
const scratchBytes = (m: number, n: number, K: number) => ((Math.ceil(m / MR) * MR + Math.ceil(n / NR) * NR) * K + 512) * 4;

/** The pool over helpers already started (exported for its test: a pool whose helper never answers). */
export function makePool(
  threads: number,
  minMacs: number,
  memory: WebAssembly.Memory,
  ctl: Int32Array,
  helpers: readonly HelperHandle[],
  stallMs = STALL_MS,
): GemmPool {
  let closed = false;
  let splits = 0;
  return {
    threads,
    get splits() {
      return splits;
    },
    sgemm(own, heap, scratch, M, N, K, a, transA, b, transB, c, bias) {
      if (closed || M * N * K < minMacs) return false;
      // split the larger of M and N: each thread packs all of the other operand, so that one is the smaller
      const byRows = M >= N;
      const unit = byRows ? MR : NR;
      const total = byRows ? M : N;
      const per = Math.ceil(total / unit / threads) * unit;
      const parts = Math.ceil(total / per);
      if (parts < 2) return false;
      const start = per; // the caller's block is [0, per); helpers share [per, total)
      // what the helpers read of A (stored [M, K] or, transposed, [K, M]) and of B ([K, N] or [N, K]): contiguous
      // float ranges of the stored matrices; all of it unless their block is a run of whole stored rows
      const aRange: [number, number] = byRows && !transA ? [start * K, M * K] : [0, M * K];
      const bRange: [number, number] = !byRows && transB ? [start * K, N * K] : [0, K * N];
      const cRange: [number, number] = byRows ? [start * N, M * N] : [0, M * N];
      let off = 0;
      const place = (floats: number) => {
        const at = off;
        off = align16(off + floats * 4);
        return at;
      };
      const sa = place(aRange[1] - aRange[0]);
      const sb = place(bRange[1] - bRange[0]);
      const sbias = bias ? place(N) : 0;
      const sc = place(cRange[1] - cRange[0]);
      const sScratch = off;
      const perScratch = align16(byRows ? scratchBytes(per, N, K) : scratchBytes(M, per, K));
      const need = sScratch + perScratch * (parts - 1);
      const have = memory.buffer.byteLength;
      if (need > have) {
        try {
          memory.grow(Math.ceil((need - have) / 65536));
        } catch {
          return false;
        }
      }
      const shared = new Float32Array(memory.buffer);
      const src = new Float32Array(heap.buffer);
      shared.set(src.subarray((a >>> 2) + aRange[0], (a >>> 2) + aRange[1]), sa >>> 2);
      shared.set(src.subarray((b >>> 2) + bRange[0], (b >>> 2) + bRange[1]), sb >>> 2);
      if (bias) shared.set(src.subarray(bias >>> 2, (bias >>> 2) + N), sbias >>> 2);
      // a pointer into the shared copy of a stored matrix, from its float offset in the original
      const inA = (float: number) => sa + (float - aRange[0]) * 4;
      const inB = (float: number) => sb + (float - bRange[0]) * 4;
      const inC = (float: number) => sc + (float - cRange[0]) * 4;
      const [lda, ldb] = [transA ? M : K, transB ? K : N];
      // the stored offset (floats) of logical row i of op(A), column j of op(B)
      const rowA = (i: number) => (transA ? i : i * K);
      const colB = (j: number) => (transB ? j * K : j);
      for (let h = 0; h < threads - 1; h++) {
        const o = 3 + h * JOB;
        const lo = start + h * per;
        if (lo >= total) {
          ctl[o] = 0;
          continue;
        }
        const n = Math.min(per, total - lo);
        const [m0, mm, j0, nn] = byRows ? [lo, n, 0, N] : [0, M, lo, n];
        ctl.set(
          [
            mm,
            nn,
            K,
            inA(rowA(m0)),
            lda,
            transA ? 1 : 0,
            inB(colB(j0)),
            ldb,
            transB ? 1 : 0,
            inC(m0 * N + j0),
            N,
            bias ? sbias + j0 * 4 : 0,
            sScratch + h * perScratch,
          ],
          o,
        );
      }
      Atomics.store(ctl, 1, threads - 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      // the caller's block, on tfjs's heap
      if (byRows) own(per, N, K, a, lda, transA ? 1 : 0, b, ldb, transB ? 1 : 0, c, N, bias, 0, scratch);
      else own(M, per, K, a, lda, transA ? 1 : 0, b, ldb, transB ? 1 : 0, c, N, bias, 0, scratch);
      const deadline = Date.now() + stallMs;
      let stalled = false;
      for (let left = Atomics.load(ctl, 1); left !== 0 && !stalled; left = Atomics.load(ctl, 1)) {
        stalled = Atomics.wait(ctl, 1, left, Math.max(0, deadline - Date.now())) === 'timed-out' && Atomics.load(ctl, 1) !== 0;
      }
      if (stalled) console.warn(`GEMM helpers did not finish a GEMM within ${stallMs / 1000} s: this run goes on with its GEMMs on one thread.`);
      if (stalled || Atomics.load(ctl, 2) === 2) {
        // a helper failed (its error is logged) or stalled: this GEMM on one thread, and no more splits
        closed = true;
        own(M, N, K, a, lda, transA ? 1 : 0, b, ldb, transB ? 1 : 0, c, N, bias, 0, scratch);
        return true;
      }
      const out = new Float32Array(heap.buffer); // the same heap (nothing ran on it meanwhile), a fresh view
      const back = new Float32Array(memory.buffer);
      if (byRows) out.set(back.subarray(sc >>> 2, (sc >>> 2) + (M - start) * N), (c >>> 2) + start * N);
      else {
        for (let i = 0; i < M; i++) {
          const from = (sc >>> 2) + i * N + start;
          out.set(back.subarray(from, from + N - start), (c >>> 2) + i * N + start);
        }
      }
      splits++;
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(ctl, 2, 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      for (const h of helpers) h.end();
    },
  };
}
