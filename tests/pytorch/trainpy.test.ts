/**
 * python/train.py as a program: linted (py_compile, pyflakes), its batch order and its list of implemented
 * parameters the same as the engine's, run on a tiny export in one process and under
 * `torchrun --nproc_per_node=2` (gloo, CPU) with the same final metrics, its report read by the runs panel's
 * importer and by `npm run summarize`, and bad inputs refused with exit 2 and one line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { summaryRow } from '../../cli/summarize';
import { writeExport } from '../../cli/export';
import { PYTORCH_KEYS } from '../../src/export/bundle';
import { ARMS } from '../../src/experiment/domain';
import { evaluationAt } from '../../src/experiment/evalSchedule';
import { configToQuery, queryToConfig } from '../../src/experiment/link';
import { readReports, type Report } from '../../src/runs/reportFormat';
import { taskOf } from '../../src/tasks/registry';
import { BatchSampler } from '../../src/train/batches';
import { ROOT, RUN_TORCH_TESTS, SKIP_REASON, TORCH_REQUIRED, TRAIN_PY, python, torchrun } from './python';

// evalEvery 30 with evalEarly on: rows at 0, 10 (an early one, on 50 queries), 30 and 40 (the last step)
const LINK = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&lr=0.01&warmup=5&steps=40&evalEvery=30';

function readReport(file: string): Report {
  const r = readReports(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.message);
  expect(r.warnings).toEqual([]);
  return r.reports[0].report;
}

describe.skipIf(!RUN_TORCH_TESTS)(`python/train.py${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cot-trainpy-'));
  const out = join(dir, 'export');
  const { config } = queryToConfig(LINK);

  beforeAll(async () => {
    await writeExport(config, out, { weights: true });
  });

  it('compiles, and pyflakes finds nothing', async () => {
    const compiled = await python([
      '-c',
      'import sys, py_compile; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
      TRAIN_PY,
      join(dir, 'train.pyc'),
    ]);
    expect(compiled.code, compiled.stderr).toBe(0);
    const flakes = await python(['-m', 'pyflakes', TRAIN_PY]);
    if (/No module named pyflakes/.test(flakes.stderr) && !TORCH_REQUIRED) {
      process.stderr.write('pyflakes not installed (apt-get install python3-pyflakes): only py_compile ran\n');
      return;
    }
    expect(flakes.stdout + flakes.stderr).toBe('');
    expect(flakes.code).toBe(0);
  });

  it('draws the same batches as src/train/batches.ts and implements the parameters the export allows', async () => {
    const count = 1003;
    const probe = await python(
      [
        '-c',
        'import json, train; s = train.BatchSampler(1003, 64, 7); print(json.dumps({"batches": [s.next() for _ in range(40)], "keys": list(train.IMPLEMENTED_KEYS)}))',
      ],
      { cwd: join(ROOT, 'python') },
    );
    expect(probe.code, probe.stderr).toBe(0);
    const theirs = JSON.parse(probe.stdout);
    const ours = new BatchSampler({ count, width: 1, inputs: Int32Array.from({ length: count }, (_, i) => i), labels: new Int32Array(count) }, 64, 7);
    // 40 batches of 64 from 1,003 rows: two reshuffles (15 batches per epoch), so the epoch boundary is covered
    const expected = Array.from({ length: 40 }, () => Array.from(ours.next().inputs));
    expect(theirs.batches).toEqual(expected);
    expect([...theirs.keys].sort()).toEqual([...PYTORCH_KEYS].sort());
  });

  it('one process and torchrun --nproc_per_node=2 (gloo): the same final metrics; bf16 autocast close; reports the importer and summarize read', async () => {
    const single = join(dir, 'single.json');
    const ddp = join(dir, 'ddp.json');
    const bf16 = join(dir, 'bf16.json');
    const init = ['--init', join(out, 'init.json')];
    const [a, b, c] = await Promise.all([
      python([TRAIN_PY, '--export', out, '--device', 'cpu', '--json', single, '--quiet', ...init]),
      torchrun(2, [TRAIN_PY, '--export', out, '--device', 'cpu', '--json', ddp, '--quiet', ...init]),
      // the GPUs' bf16 autocast path, run here on the CPU (torch.autocast('cpu')): it runs, and learns alike
      python([TRAIN_PY, '--export', out, '--device', 'cpu', '--precision', 'bf16', '--json', bf16, '--quiet', ...init]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const low = readReport(bf16);
    expect(low.backend).toBe('torch-cpu-bf16');
    expect(b.stdout).toContain('(2 processes)');
    const one = readReport(single);
    const two = readReport(ddp);
    // as written (the importer rebuilds the link from the config): the canonical link of the experiment
    for (const f of [single, ddp]) {
      const raw = JSON.parse(readFileSync(f, 'utf8'));
      expect(raw.link).toBe(configToQuery(config));
      for (const arm of ARMS) expect(raw.arms[arm].history.map((x: { sample?: number }) => x.sample ?? null)).toEqual([null, 50, null, null]); // the early row's sample
    }
    expect(one.backend).toBe('torch-cpu-fp32');
    expect(two.backend).toBe('torch-cpu-fp32-x2');
    // the evaluation schedule of the playground (src/experiment/evalSchedule.ts)
    const schedule = [0, ...Array.from({ length: config.steps }, (_, i) => i + 1).filter((s) => evaluationAt(s, config) !== null)];
    expect(schedule).toEqual([0, 10, 30, 40]);
    for (const r of [one, two]) {
      expect(r.config).toEqual(config);
      expect(r.dataset.counts).not.toBeNull();
      for (const arm of ARMS) {
        const h = r.arms[arm]!.history;
        expect(h.map((x) => x.step)).toEqual(schedule);
        expect(h[0].loss).toBeNull();
        expect(h.slice(1).every((x) => Number.isFinite(x.loss))).toBe(true);
        expect(r.arms[arm]!.final).toEqual(h.at(-1));
        expect(r.arms[arm]!.stepsPerSec).toBeGreaterThan(0);
      }
      expect(r.arms.cot!.history.at(-1)!.stepAcc).toBeTypeOf('number');
      expect(r.arms.direct!.history.at(-1)!.stepAcc).toBeUndefined();
      expect(r.wallSeconds).toBeGreaterThan(0);
    }
    for (const arm of ARMS) {
      const [x, y] = [one.arms[arm]!.final!, two.arms[arm]!.final!];
      for (const s of taskOf(config)
        .splits(config)
        .map((x) => x.id)) {
        expect(y.acc[s], `${arm} ${s}`).toBe(x.acc[s]);
        expect(y.answerAcc[s], `${arm} ${s}`).toBe(x.answerAcc[s]);
      }
      one.arms[arm]!.history.forEach((row, i) => {
        if (row.loss !== null) expect(Math.abs(two.arms[arm]!.history[i].loss! - row.loss)).toBeLessThan(1e-4 * row.loss);
      });
    }
    for (const arm of ARMS) {
      one.arms[arm]!.history.forEach((row, i) => {
        if (row.loss !== null) expect(Math.abs(low.arms[arm]!.history[i].loss! - row.loss), `bf16 ${arm} step ${row.step}`).toBeLessThan(0.05 * row.loss);
      });
    }
    // the CoT arm learned something in 40 steps: the comparison is not one of two untrained models
    expect(one.arms.cot!.final!.acc.idAtomic).toBeGreaterThan(0);

    // npm run summarize reads it (its row) …
    expect(summaryRow('single.json', one)).toContain('torch-cpu-fp32');
    // … and so does the command itself
    const summary = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'tsx'), ['cli/summarize.ts', single, ddp], { cwd: ROOT }, (e, stdout) =>
        done({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout }),
      );
    });
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/\| .*single\.json \| 0 \|.*torch-cpu-fp32 \|/);
    expect(summary.stdout).toMatch(/torch-cpu-fp32-x2 \|/);
  });

  it('bad inputs: exit 2 and one line saying what is wrong, no traceback', async () => {
    const broken = join(dir, 'broken');
    await writeExport(config, broken);
    const meta = JSON.parse(readFileSync(join(broken, 'config.json'), 'utf8'));
    writeFileSync(
      join(broken, 'config.json'),
      JSON.stringify({ ...meta, config: { ...meta.config, futureKey: 3 }, defaults: { ...meta.defaults, futureKey: 0 } }),
    );
    const old = join(dir, 'old');
    await writeExport(config, old);
    writeFileSync(join(old, 'config.json'), JSON.stringify({ ...meta, version: 1 }));
    const unmasked = join(dir, 'unmasked');
    await writeExport(config, unmasked);
    const data = JSON.parse(readFileSync(join(unmasked, 'data.json'), 'utf8'));
    data.train.promptLength.cot[3] = 0;
    writeFileSync(join(unmasked, 'data.json'), JSON.stringify(data));
    const truncated = join(dir, 'truncated');
    await writeExport(config, truncated);
    writeFileSync(join(truncated, 'data.json'), readFileSync(join(truncated, 'data.json'), 'utf8').slice(0, 500));
    const cases: [string[], RegExp][] = [
      [['--export', join(dir, 'nowhere')], /error: --export .*nowhere: no such folder/],
      [['--export', dir], /^error: config .*config\.json: no such file$/],
      [['--export', broken], /^error: .*futureKey=3 is not implemented by this train\.py/],
      [['--export', truncated], /^error: data .*data\.json: not JSON/],
      [['--export', old], /^error: .*config\.json: export version 1; this train\.py reads version 2/],
      [['--export', unmasked], /^error: .*data\.json: train\.promptLength\.cot\[3\] must be in 1\.\./],
      [['--export', out, '--steps', '-1'], /error: --steps must be in 0\.\.1000000, got -1/],
      [['--export', out, '--init', join(out, 'config.json')], /^error: --init .*: not a CoT Playground weights file/],
    ];
    const results = await Promise.all(cases.map(([args]) => python([TRAIN_PY, ...args, '--device', 'cpu'])));
    results.forEach((r, i) => {
      const [args, pattern] = cases[i];
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1), args.join(' ')).toMatch(pattern);
      expect(r.stderr).not.toContain('Traceback');
    });
  });
});
