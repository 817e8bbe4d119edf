/**
 * Matrix products whose gradients stay on tfjs's fast path.
 *
 * On the wasm backend, matMul with transposeA or transposeB runs 10–25× slower than without (1–2 GFLOP/s
 * against 28 on our shapes), and tfjs's own MatMul gradient uses exactly those flags. Here the backward
 * pass transposes the operand explicitly (a cheap copy) and then multiplies without flags.
 * `setFastMatmulGrad(false)` restores tfjs's gradient, for benchmarks and for checking that both agree.
 */
import * as tf from '@tensorflow/tfjs';

let fastGrad = true;
export function setFastMatmulGrad(on: boolean): void {
  fastGrad = on;
}
export const fastMatmulGradEnabled = (): boolean => fastGrad;

/** Swaps the last two axes. */
export function transposeLast2(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
  return tf.transpose(x, perm);
}

const matmulFastGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, transposeLast2(sb)), tf.matMul(transposeLast2(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * a @ b for rank-2 or equal-rank batched operands (no broadcasting of batch dims).
 */
export function matmul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return (fastGrad ? matmulFastGrad(a, b) : tf.matMul(a, b)) as T;
}
