/**
 * Our WGSL kernels, registered as tfjs kernels of the 'webgpu' backend (names start with "CotGpu"), each one
 * dispatch (gpuDispatch.ts). Like the wasm kernels (../tfjsKernels.ts) none mutates an input except the AdamW
 * update, which writes the parameters and moments in place. Gradients are paired in webgpuOps.ts.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { dispatch, type Uniform } from './gpuDispatch';

type Info = tf.TensorInfo;
type Attrs = Record<string, number | number[]>;
type Body = (backend: tf.KernelBackend, inputs: Record<string, Info>, attrs: Attrs) => Info | Info[];

const i32 = (name: string, value: number): Uniform => ({ name, type: 'i32', value });
const f32 = (name: string, value: number): Uniform => ({ name, type: 'f32', value });
const rowsOf = (x: Info) => x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
const sizeOf = (x: Info) => x.shape.reduce((a, b) => a * b, 1);

const GELU = `
const GELU_C: f32 = 0.7978845608028654;
const GELU_A: f32 = 0.044715;`;

/** Per row: mean, 1/std and the row's index base, as the forward computes them. */
const ROW_STATS = `
fn rowStats(base: i32, width: i32) -> vec2<f32> {
  var s = 0.0;
  for (var c = 0; c < width; c++) { s += x[base + c]; }
  let m = s / f32(width);
  var v = 0.0;
  for (var c = 0; c < width; c++) { let e = x[base + c] - m; v += e * e; }
  return vec2<f32>(m, inverseSqrt(v / f32(width) + u.eps));
}`;

/**
 * Attention helpers: q, k, v of token `row` and head `h` sit at qkv[row·3d + part·d + h·hd + c]; a score is
 * scale · q_i·k_j, masked (j > i) to nothing; `lse` of a query row is the log of its softmax denominator.
 */
const ATTN = `
fn at(row: i32, part: i32, h: i32, c: i32) -> f32 { return qkv[row * 3 * u.d + part * u.d + h * u.hd + c]; }
fn score(bt: i32, i: i32, j: i32, h: i32) -> f32 {
  var s = 0.0;
  for (var c = 0; c < u.hd; c++) { s += at(bt + i, 0, h, c) * at(bt + j, 1, h, c); }
  return s * u.scale;
}`;

const KERNELS: Record<string, Body> = {
  /** x [N, d] → y, and per row mean and 1/std [N] (for the backward). */
  CotGpuLayerNorm: (be, { x, gain, bias }, { eps }) => {
    const [N, d] = [rowsOf(x), x.shape[x.shape.length - 1]];
    return dispatch(be, {
      name: 'layerNorm',
      inputs: [
        { name: 'x', tensor: x },
        { name: 'gain', tensor: gain },
        { name: 'bias', tensor: bias },
      ],
      outputs: [
        { name: 'y', shape: x.shape },
        { name: 'mean', shape: [N] },
        { name: 'rstd', shape: [N] },
      ],
      uniforms: [i32('rows', N), i32('width', d), f32('eps', eps as number)],
      threads: N,
      helpers: ROW_STATS,
      body: `
  if (idx >= u.rows) { return; }
  let base = idx * u.width;
  let st = rowStats(base, u.width);
  for (var c = 0; c < u.width; c++) { y[base + c] = (x[base + c] - st.x) * st.y * gain[c] + bias[c]; }
  mean[idx] = st.x;
  rstd[idx] = st.y;`,
    });
  },
  /** The residual add and the next layer norm: s = x + a [N, d], y = layer norm of s, and s's rows' mean and 1/std. */
  CotGpuAddLayerNorm: (be, { x, a, gain, bias }, { eps }) => {
    const [N, d] = [rowsOf(x), x.shape[x.shape.length - 1]];
    return dispatch(be, {
      name: 'addLayerNorm',
      inputs: ['x', 'a', 'gain', 'bias'].map((name) => ({ name, tensor: { x, a, gain, bias }[name] as Info })),
      outputs: [
        { name: 's', shape: x.shape },
        { name: 'y', shape: x.shape },
        { name: 'mean', shape: [N] },
        { name: 'rstd', shape: [N] },
      ],
      uniforms: [i32('rows', N), i32('width', d), f32('eps', eps as number)],
      threads: N,
      body: `
  if (idx >= u.rows) { return; }
  let base = idx * u.width;
  var sum = 0.0;
  for (var c = 0; c < u.width; c++) { let v = x[base + c] + a[base + c]; s[base + c] = v; sum += v; }
  let m = sum / f32(u.width);
  var q = 0.0;
  for (var c = 0; c < u.width; c++) { let e = s[base + c] - m; q += e * e; }
  let r = inverseSqrt(q / f32(u.width) + u.eps);
  for (var c = 0; c < u.width; c++) { y[base + c] = (s[base + c] - m) * r * gain[c] + bias[c]; }
  mean[idx] = m;
  rstd[idx] = r;`,
    });
  },
  /** dx [N, d] of layer norm (a thread per row), plus `ds` where given (the residual stream's own gradient). */
  CotGpuLayerNormGradX: (be, { dy, x, mean, rstd, gain, ds }) => {
    const [N, d] = [rowsOf(x), x.shape[x.shape.length - 1]];
    const names = ds ? ['dy', 'x', 'mean', 'rstd', 'gain', 'ds'] : ['dy', 'x', 'mean', 'rstd', 'gain'];
    return dispatch(be, {
      name: ds ? 'layerNormGradXPlus' : 'layerNormGradX',
      inputs: names.map((name) => ({ name, tensor: { dy, x, mean, rstd, gain, ds }[name] as Info })),
      outputs: [{ name: 'dx', shape: x.shape }],
      uniforms: [i32('rows', N), i32('width', d)],
      threads: N,
      body: `
  if (idx >= u.rows) { return; }
  let base = idx * u.width;
  let m = mean[idx];
  let r = rstd[idx];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0; c < u.width; c++) {
    let g = dy[base + c] * gain[c];
    sg += g;
    sgx += g * (x[base + c] - m) * r;
  }
  let mg = sg / f32(u.width);
  let mgx = sgx / f32(u.width);
  for (var c = 0; c < u.width; c++) {
    let xh = (x[base + c] - m) * r;
    dx[base + c] = r * (dy[base + c] * gain[c] - mg - xh * mgx)${ds ? ' + ds[base + c]' : ''};
  }`,
    });
  },
  /** d gain and d bias [d] of layer norm (a thread per column, summing over rows). */
  CotGpuLayerNormGradParams: (be, { dy, x, mean, rstd }) => {
    const [N, d] = [rowsOf(x), x.shape[x.shape.length - 1]];
    return dispatch(be, {
      name: 'layerNormGradParams',
      inputs: ['dy', 'x', 'mean', 'rstd'].map((name) => ({ name, tensor: { dy, x, mean, rstd }[name] as Info })),
      outputs: [
        { name: 'dgain', shape: [d] },
        { name: 'dbias', shape: [d] },
      ],
      uniforms: [i32('rows', N), i32('width', d)],
      threads: d,
      body: `
  if (idx >= u.width) { return; }
  var g = 0.0;
  var b = 0.0;
  for (var n = 0; n < u.rows; n++) {
    let k = n * u.width + idx;
    g += dy[k] * (x[k] - mean[n]) * rstd[n];
    b += dy[k];
  }
  dgain[idx] = g;
  dbias[idx] = b;`,
    });
  },
  /** Σ over rows of x [N, d] → [d] (a thread per column). */
  CotGpuColumnSum: (be, { x }) => {
    const [N, d] = [rowsOf(x), x.shape[x.shape.length - 1]];
    return dispatch(be, {
      name: 'columnSum',
      inputs: [{ name: 'x', tensor: x }],
      outputs: [{ name: 'y', shape: [d] }],
      uniforms: [i32('rows', N), i32('width', d)],
      threads: d,
      body: `
  if (idx >= u.width) { return; }
  var s = 0.0;
  for (var n = 0; n < u.rows; n++) { s += x[n * u.width + idx]; }
  y[idx] = s;`,
    });
  },
  /** tokens int32 [B, T] → x [B·T, d] = wte[token] + wpe[position] (a token outside the vocabulary: 0 + wpe). */
  CotGpuEmbed: (be, { tokens, wte, wpe }) => {
    const [B, T] = tokens.shape;
    const [V, d] = wte.shape;
    return dispatch(be, {
      name: 'embed',
      inputs: [
        { name: 'tokens', tensor: tokens, type: 'i32' },
        { name: 'wte', tensor: wte },
        { name: 'wpe', tensor: wpe },
      ],
      outputs: [{ name: 'x', shape: [B * T, d] }],
      uniforms: [i32('size', B * T * d), i32('t', T), i32('d', d), i32('vocab', V)],
      threads: B * T * d,
      body: `
  if (idx >= u.size) { return; }
  let n = idx / u.d;
  let c = idx % u.d;
  let tok = tokens[n];
  var e = 0.0;
  if (tok >= 0 && tok < u.vocab) { e = wte[tok * u.d + c]; }
  x[idx] = e + wpe[(n % u.t) * u.d + c];`,
    });
  },
  /** dx [B·T, d] → d wte [V, d] (a thread per entry, over the rows of its token) and d wpe [P, d]. */
  CotGpuEmbedGrad: (be, { dx, tokens }, { vocab, positions }) => {
    const [B, T] = tokens.shape;
    const d = dx.shape[1];
    const [V, P] = [vocab, positions] as number[];
    return dispatch(be, {
      name: 'embedGrad',
      inputs: [
        { name: 'dx', tensor: dx },
        { name: 'tokens', tensor: tokens, type: 'i32' },
      ],
      outputs: [
        { name: 'dwte', shape: [V, d] },
        { name: 'dwpe', shape: [P, d] },
      ],
      uniforms: [i32('b', B), i32('t', T), i32('d', d), i32('vocab', V), i32('positions', P)],
      threads: (V + P) * d,
      body: `
  let c = idx % u.d;
  let r = idx / u.d;
  if (r < u.vocab) {
    var s = 0.0;
    for (var n = 0; n < u.b * u.t; n++) { if (tokens[n] == r) { s += dx[n * u.d + c]; } }
    dwte[idx] = s;
  } else if (r < u.vocab + u.positions) {
    let p = r - u.vocab;
    var s = 0.0;
    if (p < u.t) { for (var b = 0; b < u.b; b++) { s += dx[(b * u.t + p) * u.d + c]; } }
    dwpe[p * u.d + c] = s;
  }`,
    });
  },
  CotGpuGelu: (be, { x }) =>
    dispatch(be, {
      name: 'gelu',
      inputs: [{ name: 'x', tensor: x }],
      outputs: [{ name: 'y', shape: x.shape }],
      uniforms: [i32('size', sizeOf(x))],
      threads: sizeOf(x),
      helpers: GELU,
      body: `
  if (idx >= u.size) { return; }
  let a = x[idx];
  y[idx] = 0.5 * a * (1.0 + tanh(GELU_C * (a + GELU_A * a * a * a)));`,
    }),
  CotGpuGeluGrad: (be, { dy, x }) =>
    dispatch(be, {
      name: 'geluGrad',
      inputs: [
        { name: 'dy', tensor: dy },
        { name: 'x', tensor: x },
      ],
      outputs: [{ name: 'dx', shape: x.shape }],
      uniforms: [i32('size', sizeOf(x))],
      threads: sizeOf(x),
      helpers: GELU,
      body: `
  if (idx >= u.size) { return; }
  let a = x[idx];
  let t = tanh(GELU_C * (a + GELU_A * a * a * a));
  let du = GELU_C * (1.0 + 3.0 * GELU_A * a * a);
  dx[idx] = dy[idx] * (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * du);`,
    }),
  /** qkv [B·T, 3d] → out [B·T, d] and lse [B, H, T] (a thread per query row and head). */
  CotGpuAttention: (be, { qkv }, { batch, time, heads }) => {
    const [B, T, H] = [batch, time, heads] as number[];
    const d = qkv.shape[1] / 3;
    const hd = d / H;
    return dispatch(be, {
      name: 'attention',
      inputs: [{ name: 'qkv', tensor: qkv }],
      outputs: [
        { name: 'out', shape: [B * T, d] },
        { name: 'lse', shape: [B, H, T] },
      ],
      uniforms: [i32('b', B), i32('t', T), i32('h', H), i32('d', d), i32('hd', hd), f32('scale', 1 / Math.sqrt(hd))],
      threads: B * H * T,
      helpers: ATTN,
      body: `
  if (idx >= u.b * u.h * u.t) { return; }
  let i = idx % u.t;
  let h = (idx / u.t) % u.h;
  let bt = (idx / (u.t * u.h)) * u.t;
  var mx = -3.0e38;
  for (var j = 0; j <= i; j++) { mx = max(mx, score(bt, i, j, h)); }
  var sum = 0.0;
  for (var j = 0; j <= i; j++) { sum += exp(score(bt, i, j, h) - mx); }
  let o = (bt + i) * u.d + h * u.hd;
  for (var c = 0; c < u.hd; c++) { out[o + c] = 0.0; }
  for (var j = 0; j <= i; j++) {
    let p = exp(score(bt, i, j, h) - mx) / sum;
    for (var c = 0; c < u.hd; c++) { out[o + c] += p * at(bt + j, 2, h, c); }
  }
  lse[(bt / u.t * u.h + h) * u.t + i] = mx + log(sum);`,
    });
  },
  /**
   * d qkv [B·T, 3d] from d out, recomputing the weights from lse: a thread per (token, head, part); dS_ij =
   * P_ij·(dO_i·v_j − dO_i·O_i); dq_i = scale·Σ_j dS_ij k_j, dk_j = scale·Σ_i dS_ij q_i, dv_j = Σ_i P_ij dO_i.
   */
  CotGpuAttentionGrad: (be, { dout, qkv, out, lse }, { batch, time, heads }) => {
    const [B, T, H] = [batch, time, heads] as number[];
    const d = qkv.shape[1] / 3;
    const hd = d / H;
    return dispatch(be, {
      name: 'attentionGrad',
      inputs: ['dout', 'qkv', 'out', 'lse'].map((name) => ({ name, tensor: { dout, qkv, out, lse }[name] as Info })),
      outputs: [{ name: 'dqkv', shape: qkv.shape }],
      uniforms: [i32('b', B), i32('t', T), i32('h', H), i32('d', d), i32('hd', hd), f32('scale', 1 / Math.sqrt(hd))],
      threads: 3 * B * H * T,
      helpers: `${ATTN}
fn rowDot(bt: i32, i: i32, h: i32, j: i32) -> vec2<f32> {
  // (dO_i·v_j, dO_i·O_i)
  var dv = 0.0;
  var dd = 0.0;
  for (var c = 0; c < u.hd; c++) {
    let g = dout[(bt + i) * u.d + h * u.hd + c];
    dv += g * at(bt + j, 2, h, c);
    dd += g * out[(bt + i) * u.d + h * u.hd + c];
  }
  return vec2<f32>(dv, dd);
}
fn prob(bt: i32, i: i32, j: i32, h: i32) -> f32 { return exp(score(bt, i, j, h) - lse[(bt / u.t * u.h + h) * u.t + i]); }`,
      body: `
  if (idx >= 3 * u.b * u.h * u.t) { return; }
  let part = idx % 3;
  let t = (idx / 3) % u.t;
  let h = (idx / (3 * u.t)) % u.h;
  let bt = (idx / (3 * u.t * u.h)) * u.t;
  let o = (bt + t) * 3 * u.d + part * u.d + h * u.hd;
  for (var c = 0; c < u.hd; c++) { dqkv[o + c] = 0.0; }
  if (part == 0) {
    for (var j = 0; j <= t; j++) {
      let r = rowDot(bt, t, h, j);
      let ds = prob(bt, t, j, h) * (r.x - r.y) * u.scale;
      for (var c = 0; c < u.hd; c++) { dqkv[o + c] += ds * at(bt + j, 1, h, c); }
    }
  } else {
    for (var i = t; i < u.t; i++) {
      let p = prob(bt, i, t, h);
      if (part == 1) {
        let r = rowDot(bt, i, h, t);
        let ds = p * (r.x - r.y) * u.scale;
        for (var c = 0; c < u.hd; c++) { dqkv[o + c] += ds * at(bt + i, 0, h, c); }
      } else {
        for (var c = 0; c < u.hd; c++) { dqkv[o + c] += p * dout[(bt + i) * u.d + h * u.hd + c]; }
      }
    }
  }`,
    });
  },
};

export { KERNELS as WGSL_KERNELS };
