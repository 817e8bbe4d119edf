/**
 * AdamW (Loshchilov & Hutter): Adam moments, then decoupled weight decay on matrices and embeddings only
 * (rank ≥ 2, as in the paper and GPT-2; biases and layer-norm gains are not decayed).
 * Global-norm gradient clipping happens before the update. Everything runs inside one tf.tidy.
 *
 * The moments of all parameters live in two flat variables. On the wasm backend with our kernels
 * (model/ops.ts) the whole step is one fused kernel; on webgpu (chosen when the optimiser is made) our WGSL
 * update, ~35 dispatches for the default model, writing parameters and moments in place; elsewhere it is ~20
 * tfjs ops on the flattened gradients plus one slice per parameter (instead of ~15 ops per parameter).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fast from '../model/kernels/fastOps';
import * as wgsl from '../model/kernels/webgpu/webgpuOps';
import { fastKernelsActive, pickOps } from '../model/ops';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  clip: number;
}

export class AdamW {
  /** The first and second moments, flat; on our WGSL path one variable (m then v), else two. */
  private readonly m: tf.Variable;
  private readonly v: tf.Variable | null;
  private readonly sizes: number[];
  /** Per parameter: 1 if decayed (rank ≥ 2). */
  private readonly decayed: number[];
  /** Per element: 1 if decayed (used by the reference path). */
  private readonly decayMask: tf.Tensor1D;
  /** Our WGSL update (the active backend was webgpu when the optimiser was made). */
  private readonly onWgsl = pickOps().kernels === 'wgsl';
  private t = 0;

  constructor(
    private readonly params: tf.Variable[],
    private readonly opts: AdamWOptions,
  ) {
    this.sizes = params.map((p) => p.size);
    this.decayed = params.map((p) => (p.rank >= 2 ? 1 : 0));
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([this.onWgsl ? 2 * total : total]), false);
    this.v = this.onWgsl ? null : tf.variable(tf.zeros([total]), false);
    const mask = new Float32Array(total);
    let off = 0;
    params.forEach((p, i) => {
      mask.fill(this.decayed[i], off, off + p.size);
      off += p.size;
    });
    this.decayMask = tf.keep(tf.tensor1d(mask)); // kept: the optimiser may be made inside a tidy
  }

  /** Applies one update with learning rate `lr`. Returns the gradient norm before clipping (a scalar to dispose). */
  apply(grads: tf.Tensor[], lr: number): tf.Scalar {
    this.t++;
    const { beta1, beta2, eps, weightDecay, clip } = this.opts;
    const bias1 = 1 - beta1 ** this.t;
    const bias2 = 1 - beta2 ** this.t;
    if (this.onWgsl) {
      const attrs = { clip, lr, beta1, beta2, eps, bias1, bias2, weightDecay, decayed: this.decayed };
      return tf.tidy(() => wgsl.adamw(this.params, grads, this.m, attrs));
    }
    const mv = this.v as tf.Variable;
    if (fastKernelsActive()) {
      return tf.tidy(() => {
        const attrs = { clip, lr, beta1, beta2, eps, bias1, bias2, weightDecay, decayed: this.decayed };
        const r = fast.adamw(this.params, grads, this.m, mv, attrs);
        this.params.forEach((p, i) => p.assign(r.params[i]));
        this.m.assign(r.m);
        mv.assign(r.v);
        return r.norm;
      });
    }
    const mask = this.decayMask;
    return tf.tidy(() => {
      const flat = (xs: tf.Tensor[]) => tf.concat(xs.map((x) => x.reshape([-1])));
      const g0 = flat(grads);
      const norm = tf.sqrt(tf.sum(tf.square(g0))) as tf.Scalar;
      const g = clip > 0 ? tf.mul(g0, tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6)))) : g0;
      const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(mv, beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m.assign(m as tf.Tensor1D);
      mv.assign(v as tf.Tensor1D);
      const update = tf.div(tf.div(m, bias1), tf.add(tf.sqrt(tf.div(v, bias2)), eps));
      const decay = weightDecay > 0 ? tf.sub(1, tf.mul(mask, lr * weightDecay)) : tf.onesLike(mask);
      const next = tf.sub(tf.mul(flat(this.params), decay), tf.mul(update, lr));
      tf.split(next, this.sizes).forEach((piece, i) => this.params[i].assign(piece.reshape(this.params[i].shape)));
      return norm;
    });
  }

  /** The moments and the step count, read back (for a checkpoint; one batched readback). */
  async readState(): Promise<{ m: Float32Array; v: Float32Array; t: number }> {
    const v = this.v;
    const both = v ? tf.tidy(() => tf.concat([this.m, v])) : this.m;
    const data = (await both.data()) as Float32Array;
    if (both !== this.m) both.dispose();
    const n = data.length / 2;
    return { m: data.slice(0, n), v: data.slice(n), t: this.t };
  }
  /** Restores what readState returned (on this optimiser's current backend). */
  setState(s: { m: Float32Array; v: Float32Array; t: number }): void {
    tf.tidy(() => {
      const v = this.v;
      if (v) {
        this.m.assign(tf.tensor1d(s.m));
        v.assign(tf.tensor1d(s.v));
      } else this.m.assign(tf.concat([tf.tensor1d(s.m), tf.tensor1d(s.v)]));
    });
    this.t = s.t;
  }

  dispose(): void {
    this.m.dispose();
    this.v?.dispose();
    this.decayMask.dispose();
  }
}
