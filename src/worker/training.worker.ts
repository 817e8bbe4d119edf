/**
 * A training worker of the page: all tfjs work happens here, off the page's main thread, one worker per arm so that
 * the two arms train on two cores. A thin shell around one TrainingSession (./session.ts), which owns the run; this
 * file only gives it what the browser provides: the wasm binaries' URLs (served by Vite), the GEMM threads a page
 * can start, and postMessage. Commands and replies are protocol.ts's.
 */
/// <reference lib="webworker" />
import '../train/tfjsWorker'; // gradients, chained ops; cpu, webgpu and webgl loaded when first set
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { keepTfjsWasmUnthreaded, startGemmThreads, threadsText } from '../model/kernels/threadPolicy';
import { createTrainingSession } from './session';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
keepTfjsWasmUnthreaded(); // our kernels need tfjs's plain heap; they split their GEMMs themselves

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = createTrainingSession({
  post: (m, transfer) => scope.postMessage(m, transfer),
  wasmThreads: async (arms) => {
    const t = await startGemmThreads(arms);
    return { count: t.threads, text: threadsText(t) };
  },
});
scope.onmessage = (e: MessageEvent<unknown>) => session.receive(e.data);
