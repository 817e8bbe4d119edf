import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { registerLazyBackend } from './lazyBackend';

const cpuBackend = () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)();

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('a lazily loaded backend', () => {
  it('is registered at once but loaded only when set; then the package registration is the one in use', async () => {
    await tf.setBackend('cpu');
    let loads = 0;
    let instance: tf.KernelBackend | null = null;
    const load = async () => {
      loads++;
      // what a backend package's module code does: register its factory (and kernels)
      tf.registerBackend('lazy-a', () => (instance = cpuBackend()), 2);
    };
    expect(registerLazyBackend('lazy-a', 2, load)).toBe(true);
    expect(tf.engine().registryFactory['lazy-a']).toBeDefined();
    expect(loads).toBe(0);
    expect(await tf.setBackend('lazy-a')).toBe(true);
    expect(loads).toBe(1);
    expect(tf.getBackend()).toBe('lazy-a');
    expect(tf.backend()).toBe(instance);
    await tf.setBackend('cpu');
    expect(await tf.setBackend('lazy-a')).toBe(true);
    expect(loads).toBe(1);
    expect(registerLazyBackend('lazy-a', 2, load)).toBe(false); // taken
  });

  it('a failed load fails the start (as a backend that does not initialise) and the next try loads again', async () => {
    await tf.setBackend('cpu');
    let tries = 0;
    registerLazyBackend('lazy-b', 2, async () => {
      if (++tries === 1) throw new Error('chunk not fetched');
      tf.registerBackend('lazy-b', cpuBackend, 2);
    });
    expect(await tf.setBackend('lazy-b')).toBe(false);
    expect(tf.engine().registryFactory['lazy-b']).toBeDefined();
    expect(await tf.setBackend('lazy-b')).toBe(true);
    expect(tries).toBe(2);
  });

  it('a package that registers nothing here (no GPU) does not start', async () => {
    await tf.setBackend('cpu');
    registerLazyBackend('lazy-c', 2, async () => {});
    expect(await tf.setBackend('lazy-c')).toBe(false);
  });
});
