/**
 * The same-run PyTorch figure of `npm run bench`: the preset exported as `npm run export` writes it, trained by
 * python/train.py on this machine's CPU on one thread (OMP/MKL/OpenBLAS limited to 1), its training steps/s of
 * the CoT arm (train.py's own figure: evaluations excluded), beside ours from the same run. Needs Debian's
 * /usr/bin/python3 with python3-torch (COT_PYTHON names another); without it the figure is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from '../src/data/dataset';
import type { Config } from '../src/experiment/schema';
import { exportFiles } from '../src/export/bundle';

export type PytorchRate = { stepsPerSec: number; steps: number; torch: string; threads: 1 } | { skipped: string };

const PYTHON = process.env.COT_PYTHON ?? '/usr/bin/python3';
const TRAIN_PY = resolve(import.meta.dirname, '..', 'python', 'train.py');
const ONE_THREAD = { OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };

/** Trains `steps` steps of the preset's arms with train.py on one CPU thread; the CoT arm's training steps/s. */
export function pytorchPresetRate(config: Config, data: Dataset, steps: number): PytorchRate {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { skipped: `${PYTHON} cannot import torch (apt-get install python3-torch, or set COT_PYTHON)` };
  const dir = mkdtempSync(join(tmpdir(), 'cot-bench-pytorch-'));
  try {
    // evaluate only at the start and the end: the rate is train.py's training time, but evaluations cost wall time
    const files = exportFiles({ ...config, arms: 'cot', evalEvery: Math.max(config.evalEvery, steps), evalEarly: 'off' }, data, readFileSync(TRAIN_PY, 'utf8'));
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
    const json = join(dir, 'report.json');
    const r = spawnSync(PYTHON, [join(dir, 'train.py'), '--export', dir, '--steps', String(steps), '--device', 'cpu', '--quiet', '--json', json], {
      encoding: 'utf8',
      env: { ...process.env, ...ONE_THREAD },
    });
    if (r.status !== 0) return { skipped: `train.py failed: ${(r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 160)}` };
    const report = JSON.parse(readFileSync(json, 'utf8')) as { arms: { cot?: { stepsPerSec: number } } };
    const rate = report.arms.cot?.stepsPerSec ?? 0;
    if (!(rate > 0)) return { skipped: 'train.py reported no training rate for the CoT arm' };
    return { stepsPerSec: rate, steps, torch: probe.stdout.trim(), threads: 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
