import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SELF_CHECK_TOLERANCE, selfCheck, selfCheckText } from './selfCheck';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('backend self-check', () => {
  it('wasm (our fused kernels) agrees with cpu (plain tfjs ops) within float32 tolerance, and leaves wasm active and no tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await selfCheck('wasm', { reference: 'cpu' });
    expect(r.ok).toBe(true);
    expect(r.error).toBeLessThan(SELF_CHECK_TOLERANCE / 10);
    expect(r.error).toBeGreaterThanOrEqual(0);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a perturbed result is caught: the check fails, naming the quantity and the size of the error', async () => {
    // the first value is the loss, then the logits, then the gradients: perturb the last gradient by 5 %
    const r = await selfCheck('wasm', {
      perturb: (v) => {
        v[v.length - 1] += 0.05 * Math.max(...Array.from(v.subarray(v.length - 200), Math.abs));
      },
    });
    expect(r.ok).toBe(false);
    expect(r.worst).toBe('gradients');
    expect(r.error).toBeGreaterThan(0.01);
    expect(tf.getBackend()).toBe('wasm');
    expect(selfCheckText(r)).toMatch(/^wasm: failed its self-check: gradients differ from cpu's by \d\.\de-\d+ \(relative; tolerance 1e-3\)$/);
  });

  it('a NaN anywhere fails the check', async () => {
    const r = await selfCheck('wasm', { perturb: (v) => (v[0] = NaN) });
    expect(r.ok).toBe(false);
    expect(r.worst).toBe('loss');
    expect(selfCheckText(r)).toMatch(/the loss differs from cpu's by NaN/);
  });
});
