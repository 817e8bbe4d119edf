/**
 * tfjs for the training worker, imported for its side effects, instead of the `@tensorflow/tfjs` union (which adds
 * layers, converter and data: 2.5 MB that nothing here uses). The core, with what the union adds to it and this
 * code needs: every op's gradient and the chained ops (`x.reshape(…)`). The backends other than wasm are lazy
 * (lazyBackend.ts), each fetched only when it is first set: cpu (the `cpu` choice, the GPU self-check's
 * reference), and webgpu and webgl, registered where the browser has what their packages need (the conditions
 * they register under), with their packages' priorities. The worker imports wasm itself (it sets the binaries'
 * URLs).
 *
 * Node (the CLI, tests) imports the union instead: these ES module files do not resolve there, and the union's
 * Node bundle registers the same.
 */
import { device_util } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { registerLazyBackend } from './lazyBackend';

registerLazyBackend('cpu', 1, () => import('@tensorflow/tfjs-backend-cpu'));
if ((globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) {
  registerLazyBackend('webgpu', 3, () => import('@tensorflow/tfjs-backend-webgpu'));
}
if (device_util.isBrowser()) {
  registerLazyBackend('webgl', 2, () => import('@tensorflow/tfjs-backend-webgl'));
}
