/**
 * The GEMMs of one training step, on one thread and split over a pool (src/model/kernels/threads.ts), at the kernel level (no
 * tfjs): `npx tsx bench/gemmThreads.ts [--threads N] [--tokens 1280] [--d 128] [--layers 4]
 * [--vocab 222] [--reps 15]`. Shapes: the default preset's (CoT arm: 256 sequences × 5 tokens); per GEMM the
 * median of `reps` alternating runs of both; also the cost of the copies alone (operands into the shared memory,
 * C back) measured as plain TypedArray copies of the same sizes. Prints one line per shape and the totals.
 *
 * Besides wall time, the CPU time of the whole process (all threads) per GEMM: on a loaded machine the helpers
 * may get no free core, so wall time cannot show the scaling, but CPU time shows the work a split adds (copies,
 * duplicated packing, waking the helpers): split CPU / 1-thread CPU is the work inflation w, and on n free
 * cores the GEMMs would take about w / n of their one-thread time.
 */
import { cpus, loadavg } from 'node:os';
import { enableRelaxedSimdInNode } from '../src/model/kernels/node';
import { createGemmPool } from '../src/model/kernels/threads';
import { RELAXED_SIMD_WASM, SIMD_WASM } from '../src/model/kernels/wasm.generated';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const threads = arg('threads', 2);
const T = arg('tokens', 1280);
const d = arg('d', 128);
const layers = arg('layers', 4);
const V = arg('vocab', 222);
const reps = arg('reps', 15);

const relaxed = await enableRelaxedSimdInNode();
const variant = relaxed ? 'relaxed-simd' : 'simd';
const bytes = Uint8Array.from(atob(relaxed ? RELAXED_SIMD_WASM : SIMD_WASM), (c) => c.charCodeAt(0));
const heap = new WebAssembly.Memory({ initial: 4096 });
const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: heap } }).exports as unknown as {
  sgemm(M: number, N: number, K: number, a: number, tA: number, b: number, tB: number, c: number, bias: number, acc: number, s: number): void;
  sgemmStrided: Parameters<NonNullable<Awaited<ReturnType<typeof createGemmPool>>>['sgemm']>[0];
};
const pool = await createGemmPool(threads, variant);
if (!pool) throw new Error('no pool');

// [M, N, K, transA, transB, count per step, what]
type Shape = [number, number, number, boolean, boolean, number, string];
const linear = (i: number, o: number, name: string): Shape[] => [
  [T, o, i, false, false, layers, `${name} forward`],
  [T, i, o, false, true, layers, `${name} dx`],
  [i, o, T, true, false, layers, `${name} dW`],
];
const shapes: Shape[] = [
  ...linear(d, 3 * d, 'qkv'),
  ...linear(d, d, 'attn out'),
  ...linear(d, 4 * d, 'mlp up'),
  ...linear(4 * d, d, 'mlp down'),
  [T, V, d, false, true, 1, 'unembed forward'],
  [T, d, V, false, false, 1, 'unembed dx'],
  [V, d, T, true, false, 1, 'unembed dW'],
];

const f32 = new Float32Array(heap.buffer);
for (let i = 0; i < f32.length; i++) f32[i] = Math.sin(i) * 0.5;
const A = 1 << 12;
const B = A + (1 << 24);
const C1 = B + (1 << 24);
const C2 = C1 + (1 << 24);
const S = C2 + (1 << 24);
const now = () => performance.now();
const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
const sharedCopy = new Float32Array(new SharedArrayBuffer(1 << 25));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let one = 0;
let many = 0;
let cpuOne = 0;
let cpuMany = 0;
let copies = 0;
let flops = 0;
console.log(`${variant}, ${threads} threads, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}`);
for (const [M, N, K, tA, tB, count, what] of shapes) {
  const t1: number[] = [];
  const tn: number[] = [];
  const c1: number[] = [];
  const cn: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = now();
    let c = cpuMs();
    k.sgemm(M, N, K, A, tA ? 1 : 0, B, tB ? 1 : 0, C1, 0, 0, S);
    t1.push(now() - t);
    c1.push(cpuMs() - c);
    t = now();
    c = cpuMs();
    if (!pool.sgemm(k.sgemmStrided, heap, S, M, N, K, A, tA, B, tB, C2, 0)) k.sgemm(M, N, K, A, tA ? 1 : 0, B, tB ? 1 : 0, C2, 0, 0, S);
    tn.push(now() - t);
    cn.push(cpuMs() - c);
  }
  // CPU time is counted in ticks: the sum over the runs, not the median
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  cpuOne += (sum(c1) / reps) * count;
  cpuMany += (sum(cn) / reps) * count;
  // the copies a split makes (upper bound: all of A and B in, (1 − 1/threads) of C back)
  const floats = M * K + K * N + Math.ceil((M * N * (threads - 1)) / threads);
  const tc: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = now();
    sharedCopy.set(f32.subarray(A >> 2, (A >> 2) + floats));
    tc.push(now() - t);
  }
  const [a, b, c] = [median(t1), median(tn), median(tc)];
  one += a * count;
  many += b * count;
  copies += c * count;
  flops += 2 * M * N * K * count;
  console.log(
    `${what.padEnd(16)} ${`${M}×${N}×${K}`.padEnd(15)} ×${count}  1 thread ${a.toFixed(3)} ms  ${threads} threads ${b.toFixed(3)} ms  ${(a / b).toFixed(2)}×  copies ${c.toFixed(3)} ms  CPU ${(sum(c1) / reps).toFixed(2)} / ${(sum(cn) / reps).toFixed(2)} ms`,
  );
}
console.log(
  `step's GEMMs (${(flops / 1e9).toFixed(2)} GFLOP): 1 thread ${one.toFixed(1)} ms (${(flops / one / 1e6).toFixed(1)} GFLOP/s), ${threads} threads ${many.toFixed(1)} ms (${(flops / many / 1e6).toFixed(1)} GFLOP/s): ${(one / many).toFixed(2)}×; copies alone ${copies.toFixed(1)} ms; CPU time (all threads) 1 thread ${cpuOne.toFixed(1)} ms, ${threads} threads ${cpuMany.toFixed(1)} ms: work inflation ${(cpuMany / cpuOne).toFixed(2)}; load average ${loadavg()[0].toFixed(2)}`,
);
pool.close();
