// AssemblyScript (compiled by build.ts). The transformer's non-GEMM pieces, fused, forward and backward.
// Every pointer is a byte offset into the tfjs wasm heap; every output element is written (tfjs's malloc
// does not zero memory). Row-major throughout; N rows of width d.

// ---------------------------------------------------------------- helpers
export function ptr(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}
export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
export function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ptr(a, i)), v128.load(ptr(b, i))));
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(ptr(a, i)) * load<f32>(ptr(b, i));
  return s;
}
/** y[i] += alpha · x[i] */
export function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(ptr(y, i), f32x4.add(v128.load(ptr(y, i)), f32x4.mul(av, v128.load(ptr(x, i)))));
  for (; i < n; i++) store<f32>(ptr(y, i), load<f32>(ptr(y, i)) + alpha * load<f32>(ptr(x, i)));
}
export function fill(y: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(ptr(y, i), v);
  for (; i < n; i++) store<f32>(ptr(y, i), value);
}

/** a·b + c, fused where relaxed SIMD is available. */
export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** e^x, Cephes-style: 2^n · p(r) with a degree-6 polynomial; relative error ≈ 1e-7 on [−87, 88]. */
export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  // n = round(x / ln 2) by the float trick: adding 1.5·2^23 rounds to an integer in the low mantissa bits
  const magic = f32x4.splat(12582912.0);
  const nm = fma(x, f32x4.splat(1.44269504088896341), magic);
  const n = f32x4.sub(nm, magic);
  let r = fma(n, f32x4.splat(-0.693359375), x);
  r = fma(n, f32x4.splat(2.12194440e-4), r);
  let y = f32x4.splat(1.9875691500e-4);
  y = fma(y, r, f32x4.splat(1.3981999507e-3));
  y = fma(y, r, f32x4.splat(8.3334519073e-3));
  y = fma(y, r, f32x4.splat(4.1665795894e-2));
  y = fma(y, r, f32x4.splat(1.6666665459e-1));
  y = fma(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(fma(f32x4.mul(y, r), r, r), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(nm, magic), i32x4.splat(127)), 23); // integer bits of n, + bias
  return f32x4.mul(y, pow2n);
}

// ---------------------------------------------------------------- layer norm
/** y = (x − mean) · rstd · gain + bias per row; also writes mean[N] and rstd[N] for the backward pass. */
export function layerNorm(x: usize, gain: usize, bias: usize, N: i32, d: i32, eps: f32, y: usize, mean: usize, rstd: usize): void {
  const invD = <f32>1 / <f32>d;
  for (let r = 0; r < N; r++) {
    const xr = ptr(x, r * d);
    const yr = ptr(y, r * d);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) acc = f32x4.add(acc, v128.load(ptr(xr, j)));
    let s = hsum(acc);
    for (; j < d; j++) s += load<f32>(ptr(xr, j));
    const mu = s * invD;
    const muv = f32x4.splat(mu);
    acc = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const t = f32x4.sub(v128.load(ptr(xr, j)), muv);
      acc = f32x4.add(acc, f32x4.mul(t, t));
    }
    let ss = hsum(acc);
    for (; j < d; j++) {
      const t = load<f32>(ptr(xr, j)) - mu;
      ss += t * t;
    }
    const rs = <f32>1 / Mathf.sqrt(ss * invD + eps);
    store<f32>(ptr(mean, r), mu);
    store<f32>(ptr(rstd, r), rs);
    const rsv = f32x4.splat(rs);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), muv), rsv);
      v128.store(ptr(yr, j), f32x4.add(f32x4.mul(xh, v128.load(ptr(gain, j))), v128.load(ptr(bias, j))));
    }
    for (; j < d; j++) store<f32>(ptr(yr, j), (load<f32>(ptr(xr, j)) - mu) * rs * load<f32>(ptr(gain, j)) + load<f32>(ptr(bias, j)));
  }
}

/**
 * Backward of layerNorm. dx = rstd · (g·dy − mean(g·dy) − x̂ · mean(g·dy · x̂)); dgain = Σ_rows dy · x̂; dbias = Σ_rows dy.
 * tmp: d floats of scratch.
 */
export function layerNormGrad(
  dy: usize, x: usize, mean: usize, rstd: usize, gain: usize, N: i32, d: i32,
  dx: usize, dgain: usize, dbias: usize, tmp: usize,
): void {
  fill(dgain, 0, d);
  fill(dbias, 0, d);
  const invD = <f32>1 / <f32>d;
  for (let r = 0; r < N; r++) {
    const xr = ptr(x, r * d);
    const dyr = ptr(dy, r * d);
    const dxr = ptr(dx, r * d);
    const mu = f32x4.splat(load<f32>(ptr(mean, r)));
    const rs = load<f32>(ptr(rstd, r));
    const rsv = f32x4.splat(rs);
    // tmp = x̂; accumulate Σ g·dy and Σ g·dy·x̂
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), mu), rsv);
      v128.store(ptr(tmp, j), xh);
      const g = v128.load(ptr(dyr, j));
      const gd = f32x4.mul(g, v128.load(ptr(gain, j)));
      a1 = f32x4.add(a1, gd);
      a2 = f32x4.add(a2, f32x4.mul(gd, xh));
      v128.store(ptr(dgain, j), f32x4.add(v128.load(ptr(dgain, j)), f32x4.mul(g, xh)));
      v128.store(ptr(dbias, j), f32x4.add(v128.load(ptr(dbias, j)), g));
    }
    let s1 = hsum(a1);
    let s2 = hsum(a2);
    for (; j < d; j++) {
      const xh = (load<f32>(ptr(xr, j)) - f32x4.extract_lane(mu, 0)) * rs;
      store<f32>(ptr(tmp, j), xh);
      const g = load<f32>(ptr(dyr, j));
      const gd = g * load<f32>(ptr(gain, j));
      s1 += gd;
      s2 += gd * xh;
      store<f32>(ptr(dgain, j), load<f32>(ptr(dgain, j)) + g * xh);
      store<f32>(ptr(dbias, j), load<f32>(ptr(dbias, j)) + g);
    }
    const m1 = f32x4.splat(s1 * invD);
    const m2 = f32x4.splat(s2 * invD);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const gd = f32x4.mul(v128.load(ptr(dyr, j)), v128.load(ptr(gain, j)));
      const t = f32x4.sub(f32x4.sub(gd, m1), f32x4.mul(v128.load(ptr(tmp, j)), m2));
      v128.store(ptr(dxr, j), f32x4.mul(t, rsv));
    }
    for (; j < d; j++) {
      const gd = load<f32>(ptr(dyr, j)) * load<f32>(ptr(gain, j));
      store<f32>(ptr(dxr, j), (gd - s1 * invD - load<f32>(ptr(tmp, j)) * s2 * invD) * rs);
    }
  }
}

// ---------------------------------------------------------------- GELU (tanh approximation, as GPT-2)
// 0.5·x·(1 + tanh(u)) = x·σ(2u) with u = √(2/π)·(x + 0.044715·x³): one exp and one division per element.
const GELU_C: f32 = 0.7978845608028654; // sqrt(2 / π)
const GELU_A: f32 = 0.044715;

/** σ(2u) for the GELU argument u(x). */
function geluGate(v: v128): v128 {
  const c2 = f32x4.splat(-2 * GELU_C);
  const ca = f32x4.splat(-2 * GELU_C * GELU_A);
  const e = exp4(f32x4.mul(v, fma(ca, f32x4.mul(v, v), c2))); // exp(−2u)
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
}

export function gelu(x: usize, n: i32, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(ptr(x, i));
    v128.store(ptr(y, i), f32x4.mul(v, geluGate(v)));
  }
  for (; i < n; i++) {
    const v = load<f32>(ptr(x, i));
    store<f32>(ptr(y, i), v * f32x4.extract_lane(geluGate(f32x4.splat(v)), 0));
  }
}

/** dx = dy · (s + x·s·(1 − s)·2c·(1 + 3a·x²)), s = σ(2u). */
export function geluGrad(dy: usize, x: usize, n: i32, dx: usize): void {
  const c2 = f32x4.splat(2 * GELU_C);
  const c6a = f32x4.splat(6 * GELU_C * GELU_A);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(ptr(x, i));
    const s = geluGate(v);
    const dv = fma(c6a, f32x4.mul(v, v), c2); // d(2u)/dx
    const g = fma(f32x4.mul(f32x4.mul(v, s), f32x4.sub(one, s)), dv, s);
    v128.store(ptr(dx, i), f32x4.mul(v128.load(ptr(dy, i)), g));
  }
  for (; i < n; i++) {
    const v = load<f32>(ptr(x, i));
    const s = f32x4.extract_lane(geluGate(f32x4.splat(v)), 0);
    const g = s + v * s * (<f32>1 - s) * (<f32>2 * GELU_C + <f32>6 * GELU_C * GELU_A * v * v);
    store<f32>(ptr(dx, i), load<f32>(ptr(dy, i)) * g);
  }
}

// ---------------------------------------------------------------- column sums (bias gradients)
/** out[d] (+)= Σ_rows x[N, d] */
export function colSum(x: usize, N: i32, d: i32, out: usize, accumulate: i32): void {
  if (!accumulate) fill(out, 0, d);
  for (let r = 0; r < N; r++) axpy(out, 1, ptr(x, r * d), d);
}

// ---------------------------------------------------------------- sum of squares (gradient norm)
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  let total: f64 = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(ptr(x, i));
    acc = f32x4.add(acc, f32x4.mul(v, v));
    if ((i & 4095) == 4092) {
      total += <f64>hsum(acc);
      acc = f32x4.splat(0);
    }
  }
  total += <f64>hsum(acc);
  for (; i < n; i++) {
    const v = load<f32>(ptr(x, i));
    total += <f64>(v * v);
  }
  return total;
}
