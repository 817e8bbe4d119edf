/**
 * AdamW (Loshchilov & Hutter): Adam moments, then decoupled weight decay on matrices and embeddings only
 * (rank ≥ 2, as in the paper and GPT-2; biases and layer-norm gains are not decayed).
 * Global-norm gradient clipping happens before the update. Everything runs inside one tf.tidy.
 *
 * On the wasm backend with our kernels (model/ops.ts) the whole update is one fused kernel per parameter
 * plus one for the global norm (~50 kernels a step instead of ~800); elsewhere it is plain tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';
import { adamwStep, globalNorm } from '../model/kernels/fastOps';
import { fastKernelsActive } from '../model/ops';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  clip: number;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly params: tf.Variable[],
    private readonly opts: AdamWOptions,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** Applies one update with learning rate `lr`. Returns the gradient norm before clipping (a scalar to dispose). */
  apply(grads: tf.Tensor[], lr: number): tf.Scalar {
    this.t++;
    const { beta1, beta2, eps, weightDecay, clip } = this.opts;
    const bias1 = 1 - beta1 ** this.t;
    const bias2 = 1 - beta2 ** this.t;
    const decayOf = (p: tf.Variable) => (p.rank >= 2 && weightDecay > 0 ? 1 - lr * weightDecay : 1);
    return tf.tidy(() => {
      if (fastKernelsActive()) {
        const norm = globalNorm(grads);
        this.params.forEach((p, i) => {
          const step = { clip, lr, beta1, beta2, eps, bias1, bias2, decay: decayOf(p) };
          const [np, nm, nv] = adamwStep(p, grads[i], this.m[i], this.v[i], norm, step);
          this.m[i].assign(nm);
          this.v[i].assign(nv);
          p.assign(np);
        });
        return norm;
      }
      // not tf.addN: one kernel with a storage buffer per input breaks WebGPU devices limited to 8 per stage
      const norm = tf.sqrt(grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))) as tf.Scalar;
      const scale = clip > 0 ? tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6))) : tf.scalar(1);
      this.params.forEach((p, i) => {
        const g = tf.mul(grads[i], scale);
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, bias1), tf.add(tf.sqrt(tf.div(v, bias2)), eps));
        const decay = decayOf(p);
        p.assign(tf.sub(decay !== 1 ? tf.mul(p, decay) : p, tf.mul(update, lr)));
      });
      return norm;
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
