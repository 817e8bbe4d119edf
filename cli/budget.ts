/**
 * The CLI's memory check (tfjs-free, before tfjs loads): both arms train in one process, so the estimate is both
 * arms' state plus one step's transients (src/experiment/budget.ts, estimateLockstepMemory). The bound is this
 * machine's physical memory (os.totalmem()), and on the wasm backend also the WebAssembly heap's 4 GiB ceiling.
 * With `--jobs 1` one heap holds both arms; in the default worker threads each arm has a heap of its own, so the
 * heap bound is then conservative (it counts both arms against one heap). That is larger than the browser's 2 GiB per
 * tab-worker: the CLI is for bigger runs, on a machine that says how much it has.
 */
import { totalmem } from 'node:os';
import { WASM_HEAP_MAX, checkBudget, estimateLockstepMemory, formatGiB, type BudgetCheck } from '../src/experiment/budget';
import { armsOf } from '../src/experiment/domain';
import type { Config } from '../src/experiment/schema';
import type { CliBackend } from './args';

/** The backend the CLI will train on (as cli/run.ts picks it): --backend, else the link's if wasm or cpu, else wasm. */
export function cliBackendOf(config: Pick<Config, 'backend'>, flag?: CliBackend): CliBackend {
  return flag ?? (config.backend === 'cpu' || config.backend === 'wasm' ? config.backend : 'wasm');
}

export function cliBudget(config: Config, backend: CliBackend, machineBytes = totalmem()): BudgetCheck {
  const path = backend === 'wasm' ? 'fused' : 'reference';
  const estimate = estimateLockstepMemory(config, armsOf(config).length, path);
  const wasm = backend === 'wasm' && WASM_HEAP_MAX < machineBytes;
  const bound = wasm ? WASM_HEAP_MAX : machineBytes;
  const where = wasm ? `the wasm backend's heap can hold (this machine has ${formatGiB(machineBytes)})` : `this machine has (os.totalmem)`;
  return checkBudget(config, bound, where, estimate);
}
