/**
 * Worker of `npm run bench -- --browser`: for each backend asked for, whether our wasm kernels are active,
 * steps/s on the fixed and preset shapes, and kernels per preset step. WebGPU in headless Chromium runs on
 * SwiftShader (a CPU emulation of a GPU): its timings say nothing about a real GPU, so only a couple of steps run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { kernelVariant } from '../../src/model/kernels/wasm';
import { fastKernelsActive } from '../../src/model/ops';
import { fixedWorkload, measure, presetWorkload, profileStep } from '../measurements';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
const log = (text: string) => postMessage({ type: 'log', text });

async function run(backends: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { userAgent: navigator.userAgent };
  for (const backend of backends) {
    try {
      if (!(await tf.setBackend(backend))) {
        out[backend] = { error: 'not available' };
        continue;
      }
      await tf.ready();
      const emulated = backend === 'webgpu' || backend === 'webgl';
      const r: Record<string, unknown> = { ourKernels: fastKernelsActive(), variant: fastKernelsActive() ? kernelVariant() : null };
      const fixed = fixedWorkload();
      r.fixedStepsPerSec = (
        await measure(fixed, emulated ? { warm: 1, reps: 1, minSeconds: 0, maxSteps: 3 } : { warm: 5, reps: 3, minSeconds: 2, maxSteps: 500 })
      ).stepsPerSec;
      fixed.dispose();
      log(`${backend}: fixed ${(r.fixedStepsPerSec as number).toFixed(2)} steps/s`);
      const preset = presetWorkload();
      r.presetStepsPerSec = (
        await measure(preset, emulated ? { warm: 0, reps: 1, minSeconds: 0, maxSteps: 1 } : { warm: 2, reps: 3, minSeconds: 3, maxSteps: 100 })
      ).stepsPerSec;
      log(`${backend}: preset ${(r.presetStepsPerSec as number).toFixed(3)} steps/s`);
      const p = await profileStep(preset);
      r.kernelsPerStep = p.kernels;
      r.dispatchesPerStep = p.dispatches;
      preset.dispose();
      out[backend] = r;
    } catch (e) {
      out[backend] = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  return out;
}

self.onmessage = async (e: MessageEvent<string>) => postMessage(await run(e.data.split(',')));
