/**
 * Running python/train.py from tests: Debian's Python (/usr/bin/python3, with apt's python3-torch; not a pyenv
 * or venv python that lacks torch) unless COT_PYTHON names another. The PyTorch tests are skipped, with a
 * message saying why, only when that Python cannot import torch; `.ci/run` installs python3-torch and sets
 * COT_REQUIRE_TORCH=1, under which a missing torch fails the tests instead.
 */
import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const TRAIN_PY = resolve(ROOT, 'python', 'train.py');
export const PYTHON = process.env.COT_PYTHON ?? '/usr/bin/python3';
export const TORCH_REQUIRED = process.env.COT_REQUIRE_TORCH === '1';

function probe(): { ok: true; version: string } | { ok: false; why: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torch.distributed as d; print(torch.__version__, d.is_available() and d.is_gloo_available())'], {
    encoding: 'utf8',
  });
  if (r.error) return { ok: false, why: `${PYTHON} could not be started (${r.error.message})` };
  if (r.status !== 0) return { ok: false, why: `${PYTHON} cannot import torch (${(r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 120)})` };
  return { ok: true, version: r.stdout.trim() };
}
export const TORCH = probe();
/** Why the PyTorch tests are skipped ('' when they run). */
export const SKIP_REASON = TORCH.ok ? '' : `${TORCH.why}; install it with apt-get install python3-torch (or set COT_PYTHON)`;
if (!TORCH.ok) {
  const line = `PyTorch tests ${TORCH_REQUIRED ? 'FAIL (COT_REQUIRE_TORCH=1)' : 'skipped'}: ${SKIP_REASON}`;
  process.stderr.write(`${line}\n`);
}
/** Run the PyTorch tests: torch is importable, or it is required (and then they fail loudly). */
export const RUN_TORCH_TESTS = TORCH.ok || TORCH_REQUIRED;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs PYTHON with `args` (asynchronously: other tests of the file go on), never throwing. */
export function python(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  if (!TORCH.ok && TORCH_REQUIRED) throw new Error(`COT_REQUIRE_TORCH=1 but ${SKIP_REASON}`);
  return new Promise((done) => {
    execFile(
      PYTHON,
      args,
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * torchrun with N processes on this machine. `--redirects 2 --tee 2` work around a bug of torch < 2.0 on
 * Python 3.11 (Debian 12's python3-torch 1.13): its launcher cannot read the default "0" of these options.
 */
export function torchrun(n: number, args: string[], opts: { cwd?: string } = {}): Promise<Result> {
  return python(['-m', 'torch.distributed.run', '--standalone', `--nproc_per_node=${n}`, '--redirects', '2', '--tee', '2', ...args], opts);
}
