/**
 * The CLI's memory check (tfjs-free, before tfjs loads). With `--jobs 1` both arms train in one thread, in
 * lockstep: both arms' state plus one step's transients (src/data/memoryBudget.ts, estimateLockstepMemory), in
 * one process and, on wasm, in one WebAssembly heap. In the default worker threads each arm is a whole training
 * of its own at the same time: one arm's estimate per heap, the arms' sum for the process. The bounds are this
 * machine's physical memory (os.totalmem()) and, on the wasm backend, the heap's 4 GiB ceiling. That is larger
 * than the browser's 2 GiB per tab-worker: the CLI is for bigger runs, on a machine that says how much it has.
 */
import { totalmem } from 'node:os';
import {
  WASM_HEAP_MAX,
  checkBudget,
  estimateLockstepMemory,
  estimateTrainingMemory,
  formatGiB,
  type BudgetCheck,
  type MemoryEstimate,
} from '../src/data/memoryBudget';
import { armsOf } from '../src/experiment/domain';
import type { Config } from '../src/experiment/schema';
import type { CliBackend } from './args';

/** The backend the CLI will train on (as cli/run.ts picks it): --backend, else the link's if wasm or cpu, else wasm. */
export function cliBackendOf(config: Pick<Config, 'backend'>, flag?: CliBackend): CliBackend {
  return flag ?? (config.backend === 'cpu' || config.backend === 'wasm' ? config.backend : 'wasm');
}

/** Whether the CLI trains each arm in a worker thread of its own (as cli/run.ts decides): more than one arm and `--jobs` ≠ 1. */
export function armThreadsOf(config: Pick<Config, 'arms'>, jobs?: number): boolean {
  const arms = armsOf(config).length;
  return Math.min(jobs ?? arms, arms) > 1;
}

const times = (e: MemoryEstimate, n: number): MemoryEstimate => ({
  parameters: e.parameters,
  stateBytes: n * e.stateBytes,
  updateBytes: n * e.updateBytes,
  activationBytes: n * e.activationBytes,
  totalBytes: n * e.totalBytes,
});

export function cliBudget(config: Config, backend: CliBackend, machineBytes = totalmem(), threads = false): BudgetCheck {
  const path = backend === 'wasm' ? 'fused' : 'reference';
  const arms = armsOf(config).length;
  const perHeap = threads ? estimateTrainingMemory(config, path) : estimateLockstepMemory(config, arms, path);
  const inProcess = threads ? times(perHeap, arms) : perHeap;
  if (backend === 'wasm' && WASM_HEAP_MAX < machineBytes) {
    const heap = checkBudget(config, WASM_HEAP_MAX, `the wasm backend's heap can hold (this machine has ${formatGiB(machineBytes)})`, perHeap);
    if (!heap.ok || !threads) return heap;
  }
  return checkBudget(config, machineBytes, `this machine has (os.totalmem)`, inProcess);
}
