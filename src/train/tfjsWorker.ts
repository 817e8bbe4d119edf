/**
 * tfjs for the training worker, imported for its side effects, instead of the `@tensorflow/tfjs` union (which adds
 * layers, converter and data: 2.5 MB that nothing here uses). The core, with what the union adds to it and this
 * code needs: every op's gradient and the chained ops (`x.reshape(…)`); the cpu backend (the `cpu` choice and the
 * GPU self-check's reference); webgpu and webgl as lazy backends (lazyBackend.ts), registered where the browser
 * has what their packages need (the conditions they register under) and fetched only when the backend choice
 * tries one. The worker imports wasm itself (it sets the binaries' URLs).
 *
 * Node (the CLI, tests) imports the union instead: these ES module files do not resolve there, and the union's
 * Node bundle registers the same.
 */
import { device_util } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import { registerLazyBackend } from './lazyBackend';

if ((globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) {
  registerLazyBackend('webgpu', 3, () => import('@tensorflow/tfjs-backend-webgpu'));
}
if (device_util.isBrowser()) {
  registerLazyBackend('webgl', 2, () => import('@tensorflow/tfjs-backend-webgl'));
}
