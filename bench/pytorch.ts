/**
 * The same-run PyTorch figures of `npm run bench`, on this machine's CPU on one thread (torch.set_num_threads(1),
 * OMP/MKL/OpenBLAS limited to 1): python/train.py's model and optimiser on the fixed shapes (bench/pytorch_fixed.py)
 * and the preset exported as `npm run export` writes it, trained by python/train.py (the CoT arm's training steps/s,
 * train.py's own figure: evaluations excluded). Needs Debian's /usr/bin/python3 with python3-torch (COT_PYTHON
 * names another); without it each figure is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from '../src/data/dataset';
import type { Config } from '../src/experiment/schema';
import { exportFiles } from '../src/export/bundle';

export type PytorchRate = { stepsPerSec: number; steps: number | null; torch: string; threads: 1 } | { skipped: string };

const PYTHON = process.env.COT_PYTHON ?? '/usr/bin/python3';
const TRAIN_PY = resolve(import.meta.dirname, '..', 'python', 'train.py');
const FIXED_PY = resolve(import.meta.dirname, 'pytorch_fixed.py');
const ONE_THREAD = { OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
/** Runs train.py as its own main after torch.set_num_threads(1): argv[1] is train.py, the rest its arguments. */
const ONE_THREAD_TRAIN_PY = 'import runpy, sys, torch; torch.set_num_threads(1); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")';

/** The torch version, or why there is none. */
function probeTorch(): { version: string } | { skipped: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { skipped: `${PYTHON} cannot import torch (apt-get install python3-torch, or set COT_PYTHON)` };
  return { version: probe.stdout.trim() };
}

const lastLine = (s: string) => (s.trim().split('\n').at(-1) ?? '').slice(0, 160);

/** PyTorch's training steps/s on bench's fixed shapes (measurements.ts FIXED), one CPU thread. */
export function pytorchFixedRate(seconds: number, reps: number): PytorchRate {
  const torch = probeTorch();
  if ('skipped' in torch) return torch;
  const r = spawnSync(PYTHON, [FIXED_PY, '--train-py', TRAIN_PY, '--device', 'cpu', '--seconds', String(seconds), '--reps', String(reps)], {
    encoding: 'utf8',
    env: { ...process.env, ...ONE_THREAD },
  });
  if (r.status !== 0) return { skipped: `pytorch_fixed.py failed: ${lastLine(r.stderr)}` };
  const out = JSON.parse(lastLine(r.stdout)) as { stepsPerSec: number; threads: number };
  if (!(out.stepsPerSec > 0) || out.threads !== 1) return { skipped: `pytorch_fixed.py reported ${out.stepsPerSec} steps/s on ${out.threads} threads` };
  return { stepsPerSec: out.stepsPerSec, steps: null, torch: torch.version, threads: 1 };
}

/** Trains `steps` steps of the preset's CoT arm with train.py on one CPU thread; its training steps/s. */
export function pytorchPresetRate(config: Config, data: Dataset, steps: number): PytorchRate {
  const torch = probeTorch();
  if ('skipped' in torch) return torch;
  const dir = mkdtempSync(join(tmpdir(), 'cot-bench-pytorch-'));
  try {
    // evaluate only at the start and the end: the rate is train.py's training time, but evaluations cost wall time
    const files = exportFiles({ ...config, arms: 'cot', evalEvery: Math.max(config.evalEvery, steps), evalEarly: 'off' }, data, readFileSync(TRAIN_PY, 'utf8'));
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
    const json = join(dir, 'report.json');
    const args = [join(dir, 'train.py'), '--export', dir, '--steps', String(steps), '--device', 'cpu', '--quiet', '--json', json];
    const r = spawnSync(PYTHON, ['-c', ONE_THREAD_TRAIN_PY, ...args], { encoding: 'utf8', env: { ...process.env, ...ONE_THREAD } });
    if (r.status !== 0) return { skipped: `train.py failed: ${lastLine(r.stderr)}` };
    const report = JSON.parse(readFileSync(json, 'utf8')) as { arms: { cot?: { stepsPerSec: number } } };
    const rate = report.arms.cot?.stepsPerSec ?? 0;
    if (!(rate > 0)) return { skipped: 'train.py reported no training rate for the CoT arm' };
    return { stepsPerSec: rate, steps, torch: torch.version, threads: 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
