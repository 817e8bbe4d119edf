// AssemblyScript (compiled by build.ts; the .as extension keeps it out of the TypeScript project).
//
// Single-precision GEMM on row-major matrices in the tfjs wasm heap:
//   C[M, N] = op(A)[M, K] · op(B)[K, N]  (+ C when accumulate)  (+ bias[N] when bias ≠ 0)
// op(A) is A ([M, K] in memory) or Aᵀ (A stored [K, M]); the same for B. Transposes cost nothing extra:
// both operands are packed first (A in panels of MR = 4 rows, B in panels of NR = 8 columns, each panel
// k-major), then a 4 × 8 register-tile micro-kernel runs over the panels with 8 f32x4 accumulators.
// With relaxed SIMD (ASC_FEATURE_RELAXED_SIMD) the multiply-add is one fused instruction.
// Scratch holds both packed operands: (ceil(M/4)·4 + ceil(N/8)·8) · K + 32 floats.

const MR = 4;
const NR = 8;

function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// 4 × 4 transpose of rows r0..r3 stored as 4 vectors at dst (stride 16 bytes).
function transpose4(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
  v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(dst, i64x2.shuffle(t0, t1, 1, 3), 16);
  v128.store(dst, i64x2.shuffle(t2, t3, 0, 2), 32);
  v128.store(dst, i64x2.shuffle(t2, t3, 1, 3), 48);
}

/**
 * Packs `width` (≤ 4) logical rows starting at logical row r0 of a matrix into dst[k][0..3], for k < K.
 * Logical row r, column k lives at src + (r·rs + k·ks)·4 (rs, ks: element strides). Missing rows are zero.
 */
function pack4(dst: usize, src: usize, r0: i32, width: i32, K: i32, rs: i32, ks: i32): void {
  if (width == 4 && ks == 1) {
    // rows contiguous along k: load 4 k's of 4 rows, transpose
    const p0 = src + (<usize>(r0 * rs) << 2);
    const p1 = p0 + (<usize>rs << 2);
    const p2 = p1 + (<usize>rs << 2);
    const p3 = p2 + (<usize>rs << 2);
    let k = 0;
    for (; k + 4 <= K; k += 4) {
      const o = <usize>k << 2;
      transpose4(dst + (o << 2), v128.load(p0 + o), v128.load(p1 + o), v128.load(p2 + o), v128.load(p3 + o));
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      const d = dst + (o << 2);
      store<f32>(d, load<f32>(p0 + o));
      store<f32>(d, load<f32>(p1 + o), 4);
      store<f32>(d, load<f32>(p2 + o), 8);
      store<f32>(d, load<f32>(p3 + o), 12);
    }
    return;
  }
  if (width == 4 && rs == 1) {
    // the 4 rows are adjacent in memory for each k
    for (let k = 0; k < K; k++) {
      v128.store(dst + (<usize>k << 4), v128.load(src + (<usize>(r0 + k * ks) << 2)));
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    const d = dst + (<usize>k << 4);
    for (let ii = 0; ii < 4; ii++) {
      store<f32>(d + (<usize>ii << 2), ii < width ? load<f32>(src + (<usize>((r0 + ii) * rs + k * ks) << 2)) : 0);
    }
  }
}

export function sgemm(
  M: i32, N: i32, K: i32,
  a: usize, transA: i32,
  b: usize, transB: i32,
  c: usize, bias: usize, accumulate: i32, scratch: usize,
): void {
  sgemmStrided(M, N, K, a, transA ? M : K, transA, b, transB ? K : N, transB, c, N, bias, accumulate, scratch);
}

/**
 * sgemm on sub-matrices: lda, ldb, ldc are the row lengths (in floats) of A, B and C as stored (A stored
 * [M, lda] or, transposed, [K, lda]; likewise B; C [M, ldc]). Bias is indexed by the output column.
 */
export function sgemmStrided(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32, bias: usize, accumulate: i32, scratch: usize,
): void {
  const mPanels = (M + MR - 1) / MR;
  const nPanels = (N + NR - 1) / NR;
  const ap = scratch;
  const bp = ap + (<usize>(mPanels * MR * K) << 2);
  const tile = bp + (<usize>(nPanels * NR * K) << 2);
  // A: logical [M, K]; stored [M, K] (row stride K, k stride 1) or [K, M] (row stride 1, k stride M)
  const ars = transA ? 1 : lda;
  const aks = transA ? lda : 1;
  for (let p = 0; p < mPanels; p++) {
    pack4(ap + (<usize>(p * MR * K) << 2), a, p * MR, min(MR, M - p * MR), K, ars, aks);
  }
  // B as the logical [N, K] matrix Bᵀ: stored [K, N] (row stride 1, k stride N) or [N, K]
  const brs = transB ? ldb : 1;
  const bks = transB ? 1 : ldb;
  for (let p = 0; p < nPanels; p++) {
    const j0 = p * NR;
    const dst = bp + (<usize>(p * NR * K) << 2);
    // one NR = 8 panel is two 4-wide halves, interleaved k-major: dst[k][0..7]
    packHalves(dst, b, j0, min(NR, N - j0), K, brs, bks, tile);
  }
  // loop over the larger operand outside, so the smaller one stays in cache
  if (<i64>M >= <i64>N) {
    for (let pi = 0; pi < mPanels; pi++) for (let pj = 0; pj < nPanels; pj++) {
      microTile(ap, bp, pi, pj, M, N, K, c, ldc, bias, accumulate, tile);
    }
  } else {
    for (let pj = 0; pj < nPanels; pj++) for (let pi = 0; pi < mPanels; pi++) {
      microTile(ap, bp, pi, pj, M, N, K, c, ldc, bias, accumulate, tile);
    }
  }
}

// Packs an 8-wide panel as dst[k][0..7] via two 4-wide packs into the tile area, then interleaves.
function packHalves(dst: usize, src: usize, j0: i32, width: i32, K: i32, rs: i32, ks: i32, tmp: usize): void {
  if (width == NR && rs == 1) {
    for (let k = 0; k < K; k++) {
      const s = src + (<usize>(j0 + k * ks) << 2);
      const d = dst + (<usize>k << 5);
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
    }
    return;
  }
  // pack each half in place with stride: write half h into dst[k][4h..4h+3]
  for (let h = 0; h < 2; h++) {
    const w = min(4, width - 4 * h);
    if (w <= 0) {
      for (let k = 0; k < K; k++) v128.store(dst + (<usize>k << 5) + (<usize>h << 4), f32x4.splat(0));
      continue;
    }
    // pack K rows in chunks of 64 through tmp (4 × 64 floats), then scatter into the 8-wide layout
    for (let k0 = 0; k0 < K; k0 += 64) {
      const kk = min(64, K - k0);
      pack4(tmp, src + (<usize>(k0 * ks) << 2), j0 + 4 * h, w, kk, rs, ks);
      for (let k = 0; k < kk; k++) {
        v128.store(dst + (<usize>(k0 + k) << 5) + (<usize>h << 4), v128.load(tmp + (<usize>k << 4)));
      }
    }
  }
}

function microTile(
  ap: usize, bp: usize, pi: i32, pj: i32, M: i32, N: i32, K: i32,
  c: usize, ldc: i32, bias: usize, accumulate: i32, tile: usize,
): void {
  const i0 = pi * MR;
  const j0 = pj * NR;
  let pa = ap + (<usize>(pi * MR * K) << 2);
  let pb = bp + (<usize>(pj * NR * K) << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    pb += 32;
    pa += 16;
  }
  if (bias != 0) {
    const h = min(NR, N - j0);
    let bv0 = f32x4.splat(0), bv1 = f32x4.splat(0);
    if (h == NR) {
      bv0 = v128.load(bias + (<usize>j0 << 2));
      bv1 = v128.load(bias + (<usize>j0 << 2), 16);
    } else {
      for (let jj = 0; jj < h; jj++) store<f32>(tile + (<usize>jj << 2), load<f32>(bias + (<usize>(j0 + jj) << 2)));
      for (let jj = h; jj < NR; jj++) store<f32>(tile + (<usize>jj << 2), 0);
      bv0 = v128.load(tile);
      bv1 = v128.load(tile, 16);
    }
    c00 = f32x4.add(c00, bv0); c01 = f32x4.add(c01, bv1);
    c10 = f32x4.add(c10, bv0); c11 = f32x4.add(c11, bv1);
    c20 = f32x4.add(c20, bv0); c21 = f32x4.add(c21, bv1);
    c30 = f32x4.add(c30, bv0); c31 = f32x4.add(c31, bv1);
  }
  if (i0 + MR <= M && j0 + NR <= N) {
    const r0 = c + (<usize>(i0 * ldc + j0) << 2);
    const r1 = r0 + (<usize>ldc << 2);
    const r2 = r1 + (<usize>ldc << 2);
    const r3 = r2 + (<usize>ldc << 2);
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(r0)); c01 = f32x4.add(c01, v128.load(r0, 16));
      c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
      c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
      c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
    }
    v128.store(r0, c00); v128.store(r0, c01, 16);
    v128.store(r1, c10); v128.store(r1, c11, 16);
    v128.store(r2, c20); v128.store(r2, c21, 16);
    v128.store(r3, c30); v128.store(r3, c31, 16);
    return;
  }
  // edge tile: spill to scratch, copy the valid part
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  const h = min(MR, M - i0);
  const w = min(NR, N - j0);
  for (let ii = 0; ii < h; ii++) {
    for (let jj = 0; jj < w; jj++) {
      const dst = c + (<usize>((i0 + ii) * ldc + j0 + jj) << 2);
      const v = load<f32>(tile + (<usize>(ii * NR + jj) << 2));
      store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
    }
  }
}
