/**
 * A tfjs backend whose code is loaded only when it is first set (`tf.setBackend(name)`), not when the worker
 * starts: a stand-in is registered under its name, so that the backend choice (backend.ts) sees it as
 * available; when tfjs initialises it, the stand-in removes itself, imports the package (whose module code
 * registers the real factory and its kernels) and hands over to the real factory. The bundler puts such a
 * package in a chunk of its own, fetched then.
 */
import * as tf from '@tensorflow/tfjs-core';

export function registerLazyBackend(name: string, priority: number, load: () => Promise<unknown>): boolean {
  const registry = tf.engine().registryFactory;
  if (registry[name]) return false;
  const standIn = async (): Promise<tf.KernelBackend> => {
    const entry = registry[name];
    delete registry[name];
    try {
      await load();
    } catch (e) {
      registry[name] ??= entry; // a failed fetch: the next try loads again
      throw e;
    }
    const real = registry[name];
    if (!real) throw new Error(`the ${name} package registered no backend here`);
    return real.factory();
  };
  return tf.registerBackend(name, standIn, priority);
}
