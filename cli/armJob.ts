/**
 * One arm of `npm run experiment`, in a worker thread of its own (cli/armThreads.ts starts it through
 * cli/workerThreads.ts): a thin shell around the TrainingSession the page's workers run (src/worker/session.ts),
 * speaking the same protocol (src/worker/protocol.ts). What differs from the page is only what this thread provides:
 * the CLI's backend (cli/train.ts pickCliBackend: no self-check, webgpu through Dawn), its GEMM threads, no tab
 * budget (the CLI checked memory itself, cli/memoryCheck.ts), and the lens/trace asked for measured at every
 * evaluation. The parent sends `init` (the whole config and the arm: the dataset is generated from the whole
 * config, as every worker does), `play` once all arms are built, `pause` to stop; it ends the thread after the
 * session's `trained`.
 */
import { parentPort } from 'node:worker_threads';
import '@tensorflow/tfjs'; // in Node the union's bundle registers what training needs beside the core
import '@tensorflow/tfjs-backend-wasm';
import { setGemmThreads } from '../src/model/kernels/wasm';
import { createTrainingSession } from '../src/worker/session';
import type { CliBackend } from './args';
import { pickCliBackend } from './train';
import { workerInput } from './workerThreads';

export interface ArmJobData {
  /** The CLI's --backend (the config's `backend` is not read here). */
  backend: CliBackend;
  asked: { lens: boolean; trace: boolean };
  gemmThreads: number;
}

const port = parentPort;
if (!port) throw new Error('cli/armJob.ts runs in a worker thread');
const job = workerInput<ArmJobData>();
const session = createTrainingSession({
  post: (m) => port.postMessage(m),
  chooseBackend: () => pickCliBackend(job.backend),
  wasmThreads: async () => {
    const count = await setGemmThreads(job.gemmThreads);
    return { count, text: `${count} thread${count === 1 ? '' : 's'}` };
  },
  checkBudget: () => ({ ok: true }),
  mechanism: job.asked,
});
port.on('message', (m: unknown) => session.receive(m));
