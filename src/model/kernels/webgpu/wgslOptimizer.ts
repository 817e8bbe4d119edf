/**
 * The loss and the optimiser in WGSL: softmax cross-entropy with its gradient on the labelled rows, and the
 * whole AdamW step (gradient norm, clipping, moments, decoupled weight decay) in few dispatches. A dispatch
 * binds at most 8 storage buffers (WebGPU's default limit, which tfjs keeps), so the norm is summed 7
 * gradients at a time and the update writes 3 parameters at a time, in place, with the moments (m then v, in
 * one flat buffer).
 */
import type { AdamWAttrs } from '../tfjsKernels';
import type * as tf from '@tensorflow/tfjs-core';
import { dispatch, type Uniform } from './gpuDispatch';

type Info = tf.TensorInfo;
type Attrs = Record<string, number | number[]>;

const i32 = (name: string, value: number): Uniform => ({ name, type: 'i32', value });
const f32 = (name: string, value: number): Uniform => ({ name, type: 'f32', value });
const sizeOf = (x: Info) => x.shape.reduce((a, b) => a * b, 1);
const REDUCE = 256;

/** Gradients whose squares one dispatch sums (7 read + the partial sums written = 8 storage buffers). */
const NORM_GROUP = 7;
/** Parameters one update dispatch writes (3 × (p, g) + moments + partial sums = 8). */
const UPDATE_GROUP = 3;

/** A workgroup-wide sum of `value` into part[0] (one workgroup of REDUCE invocations). */
const WORKGROUP_SUM = `
var<workgroup> part: array<f32, ${REDUCE}>;
fn workgroupSum(idx: i32, value: f32) -> f32 {
  part[idx] = value;
  workgroupBarrier();
  for (var s = ${REDUCE / 2}; s > 0; s = s / 2) {
    if (idx < s) { part[idx] += part[idx + s]; }
    workgroupBarrier();
  }
  return part[0];
}`;

function adamw(be: tf.KernelBackend, named: Record<string, Info>, a: AdamWAttrs): Info {
  const n = a.decayed.length;
  const ps = Array.from({ length: n }, (_, i) => named[`p${i}`]);
  const gs = Array.from({ length: n }, (_, i) => named[`g${i}`]);
  const groups = Math.ceil(n / NORM_GROUP);
  let partials: Info | null = null;
  for (let k = 0; k < groups; k++) {
    const mine = gs.slice(k * NORM_GROUP, (k + 1) * NORM_GROUP);
    const sums = mine.map((_, i) => `  for (var e = idx; e < u.n${i}; e += ${REDUCE}) { let q = g${i}[e]; s += q * q; }`).join('\n');
    const out = dispatch(be, {
      name: `sumSquares${mine.length}`,
      inputs: mine.map((g, i) => ({ name: `g${i}`, tensor: g })),
      outputs: partials ? [] : [{ name: 'partials', shape: [groups] }],
      inPlace: partials ? [{ name: 'partials', tensor: partials }] : [],
      uniforms: [i32('slot', k), ...mine.map((g, i) => i32(`n${i}`, sizeOf(g)))],
      threads: REDUCE,
      workgroup: REDUCE,
      helpers: WORKGROUP_SUM,
      body: `  var s = 0.0;\n${sums}\n  let total = workgroupSum(idx, s);\n  if (idx == 0) { partials[u.slot] = total; }`,
    });
    partials ??= out[0];
  }
  const sumsOf = `var sq = 0.0;\n  for (var k = 0; k < ${groups}; k++) { sq += partials[k]; }`;
  let offset = 0;
  for (let first = 0; first < n; first += UPDATE_GROUP) {
    const mine = ps.slice(first, first + UPDATE_GROUP).map((p, i) => ({ p, g: gs[first + i], decay: a.decayed[first + i] ? 1 - a.lr * a.weightDecay : 1 }));
    const sizes = mine.map(({ p }) => sizeOf(p));
    const pick = mine
      .map((_, i) => `  if (j < u.n${i}) { update(g${i}[j] * scale, u.decay${i}, u.off${i} + j, &p${i}[j]); return; }\n  j -= u.n${i};`)
      .join('\n');
    dispatch(be, {
      name: `adamw${mine.length}`,
      inputs: [{ name: 'partials', tensor: partials as Info }, ...mine.map(({ g }, i) => ({ name: `g${i}`, tensor: g }))],
      outputs: [],
      inPlace: [{ name: 'mv', tensor: named.moments }, ...mine.map(({ p }, i) => ({ name: `p${i}`, tensor: p }))],
      uniforms: [
        ...['lr', 'beta1', 'beta2', 'eps', 'bias1', 'bias2', 'clip'].map((k) => f32(k, a[k as keyof AdamWAttrs] as number)),
        i32('total', named.moments.shape[0] / 2),
        ...mine.flatMap((_, i) => [
          i32(`n${i}`, sizes[i]),
          i32(`off${i}`, offset + sizes.slice(0, i).reduce((x, y) => x + y, 0)),
          f32(`decay${i}`, mine[i].decay),
        ]),
      ],
      threads: sizes.reduce((x, y) => x + y, 0),
      helpers: `
fn update(g: f32, decay: f32, at: i32, p: ptr<storage, f32, read_write>) {
  let mm = u.beta1 * mv[at] + (1.0 - u.beta1) * g;
  let vv = u.beta2 * mv[u.total + at] + (1.0 - u.beta2) * g * g;
  mv[at] = mm;
  mv[u.total + at] = vv;
  *p = *p * decay - u.lr * (mm / u.bias1) / (sqrt(vv / u.bias2) + u.eps);
}`,
      body: `  ${sumsOf}\n  let norm = sqrt(sq);\n  var scale = 1.0;\n  if (u.clip > 0.0) { scale = min(1.0, u.clip / (norm + 1e-6)); }\n  var j = idx;\n${pick}`,
    });
    offset += sizes.reduce((x, y) => x + y, 0);
  }
  const [norm] = dispatch(be, {
    name: 'normOf',
    inputs: [{ name: 'partials', tensor: partials as Info }],
    outputs: [{ name: 'norm', shape: [] }],
    uniforms: [],
    threads: 1,
    body: `  if (idx > 0) { return; }\n  ${sumsOf}\n  norm[0] = sqrt(sq);`,
  });
  be.disposeData((partials as Info).dataId);
  return norm;
}

export const WGSL_OPTIMIZER_KERNELS: Record<string, (be: tf.KernelBackend, inputs: Record<string, Info>, attrs: Attrs) => Info | Info[]> = {
  /** logits [N, V], labels int32 [N] → grad [N, V] (softmax − one-hot, 0 on unlabelled rows), rows [N, 2] (loss, labelled). */
  CotGpuCrossEntropy: (be, { logits, labels }) => {
    const [N, V] = logits.shape;
    return dispatch(be, {
      name: 'crossEntropy',
      inputs: [
        { name: 'z', tensor: logits },
        { name: 'labels', tensor: labels, type: 'i32' },
      ],
      outputs: [
        { name: 'grad', shape: [N, V] },
        { name: 'rows', shape: [N, 2] },
      ],
      uniforms: [i32('rows', N), i32('width', V)],
      threads: N,
      body: `
  if (idx >= u.rows) { return; }
  let base = idx * u.width;
  let label = labels[idx];
  if (label < 0 || label >= u.width) {
    for (var c = 0; c < u.width; c++) { grad[base + c] = 0.0; }
    rows[2 * idx] = 0.0;
    rows[2 * idx + 1] = 0.0;
    return;
  }
  var mx = -3.0e38;
  for (var c = 0; c < u.width; c++) { mx = max(mx, z[base + c]); }
  var sum = 0.0;
  for (var c = 0; c < u.width; c++) { sum += exp(z[base + c] - mx); }
  for (var c = 0; c < u.width; c++) { grad[base + c] = exp(z[base + c] - mx) / sum; }
  grad[base + label] -= 1.0;
  rows[2 * idx] = mx + log(sum) - z[base + label];
  rows[2 * idx + 1] = 1.0;`,
    });
  },
  /** rows [N, 2] → the mean loss over labelled rows (scalar) and 1 / max(labelled, 1) [1]. */
  CotGpuCrossEntropyMean: (be, { rows }) =>
    dispatch(be, {
      name: 'crossEntropyMean',
      inputs: [{ name: 'rows', tensor: rows }],
      outputs: [
        { name: 'loss', shape: [] },
        { name: 'inverse', shape: [1] },
      ],
      uniforms: [i32('n', rows.shape[0])],
      threads: REDUCE,
      workgroup: REDUCE,
      helpers: WORKGROUP_SUM,
      body: `
  var l = 0.0;
  var c = 0.0;
  for (var e = idx; e < u.n; e += ${REDUCE}) { l += rows[2 * e]; c += rows[2 * e + 1]; }
  let total = workgroupSum(idx, l);
  workgroupBarrier();
  let count = max(workgroupSum(idx, c), 1.0);
  if (idx == 0) { loss[0] = total / count; inverse[0] = 1.0 / count; }`,
    }),
  CotGpuCrossEntropyGrad: (be, { grad, inverse, dy }) =>
    dispatch(be, {
      name: 'crossEntropyGrad',
      inputs: ['grad', 'inverse', 'dy'].map((name) => ({ name, tensor: { grad, inverse, dy }[name] as Info })),
      outputs: [{ name: 'dz', shape: grad.shape }],
      uniforms: [i32('size', sizeOf(grad))],
      threads: sizeOf(grad),
      body: `  if (idx >= u.size) { return; }\n  dz[idx] = grad[idx] * inverse[0] * dy[0];`,
    }),
  CotGpuAdamW: (be, inputs, attrs) => adamw(be, inputs, attrs as unknown as AdamWAttrs),
};
