/**
 * Headless sweeps: one parameter over a list of values (and seeds), every combination run by the experiment
 * CLI's own code, `--jobs` at a time, each in its own worker thread (so each on its own core):
 *
 *   npm run sweep -- 'entities=100&steps=600' --vary noise=0,0.2,0.4 --seeds 0,1 --out runs/noise
 *
 * Writes DIR/<key>-<value>-seed<seed>.json (the --json report of each run, rewritten at every evaluation),
 * DIR/<same>.log (what the run printed), and DIR/sweep.json (cli/sweepSummary.ts), rewritten as runs finish;
 * prints progress and, at the end, the table. Exit codes: 0 done, 1 a run failed, 2 bad arguments (nothing
 * runs), 130 interrupted (sweep.json keeps the finished runs). See cli/README.md.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { readReports, type Report } from '../src/runs/reportFormat';
import { headlineSplit, taskOf } from '../src/tasks/registry';
import { parseSweepArgs, SWEEP_USAGE, type PlannedRun, type SweepPlan } from './sweepArgs';
import type { JobData, JobMessage } from './sweepJob';
import { resultOf, sweepJson, sweepTable, type SweepRunResult } from './sweepSummary';
import { defaultGemmThreads, startTsWorker } from './workerThreads';

const STATUS_EVERY_MS = 15_000;

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The report a run has written so far (null when none, or unreadable). */
function readReport(file: string): Report | null {
  if (!existsSync(file)) return null;
  try {
    const r = readReports(readFileSync(file, 'utf8'));
    return r.ok ? r.reports[0].report : null;
  } catch {
    return null;
  }
}
/** The slower arm's last evaluated step of a report (0 when none yet). */
const stepOf = (r: Report | null) => {
  const steps = (['cot', 'direct'] as const).filter((a) => r?.arms[a]).map((a) => r!.arms[a]!.final?.step ?? 0);
  return steps.length ? Math.min(...steps) : 0;
};
const label = (plan: SweepPlan, r: PlannedRun) => `${plan.key}=${String(r.value)} seed ${r.seed}`;

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Runs one planned run in a worker thread; resolves with its result (never rejects). */
function runJob(plan: SweepPlan, run: PlannedRun, started: Map<string, Worker>): Promise<SweepRunResult> {
  const json = join(plan.out, run.file);
  rmSync(json, { force: true }); // a report left by an earlier sweep in this folder is not this run's progress
  const log = createWriteStream(join(plan.out, run.file.replace(/\.json$/, '.log')));
  const data: JobData = { config: run.config, json, backend: plan.backend, gemmThreads: defaultGemmThreads(Math.min(plan.jobs, plan.runs.length)) };
  const t0 = performance.now();
  return new Promise((done) => {
    let error: string | undefined;
    let code: number | undefined;
    const worker = startTsWorker(new URL('./sweepJob.ts', import.meta.url), data, { stdout: true, stderr: true });
    started.set(run.file, worker);
    worker.stdout.pipe(log, { end: false });
    worker.stderr.pipe(log, { end: false });
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'done') code = m.code;
      else error = m.message;
    });
    worker.on('error', (e: Error) => {
      error = e.message.split('\n')[0];
    });
    worker.on('exit', (exit) => {
      started.delete(run.file);
      log.end();
      if (error === undefined && code !== 0) error = code === undefined ? `the worker stopped (exit ${exit})` : `exit code ${code}`;
      done(resultOf(run, readReport(json), (performance.now() - t0) / 1000, error));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const args = parseSweepArgs(argv);
  if (!args.ok) {
    process.stderr.write(`error: ${args.message}\n\n${SWEEP_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${SWEEP_USAGE}\n`);
    return 0;
  }
  const plan = args.plan;
  for (const w of plan.warnings) process.stderr.write(`${w}\n`);
  // a run whose data cannot be built (a task file: the sweep takes none yet) is refused before any starts
  const unbuilt = plan.runs.map((r) => taskOf(r.config).tooLarge(r.config)).find((m) => m !== null);
  if (unbuilt) {
    process.stderr.write(`error: ${unbuilt}\nnothing was run (a task file's runs: npm run experiment -- … --task-file F, one per seed)\n`);
    return 2;
  }
  mkdirSync(plan.out, { recursive: true });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`sweep ?${plan.link}`);
  say(
    `${plan.key} ∈ {${plan.values.join(', ')}} × seeds {${plan.seeds.join(', ')}}: ${plan.runs.length} runs of ${plan.steps} steps, ${plan.jobs} at a time (worker threads, backend ${plan.backend}) → ${plan.out}`,
  );

  const done = new Map<string, SweepRunResult>();
  const running = new Map<string, Worker>();
  const writeSummary = () =>
    writeAtomically(
      join(plan.out, 'sweep.json'),
      `${JSON.stringify(sweepJson(plan, done), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    );
  writeSummary();

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    process.stderr.write('\ninterrupted: stopping the running jobs…\n');
    for (const w of running.values()) void w.terminate();
  };
  process.on('SIGINT', onSigint);

  const t0 = performance.now();
  const status = () => {
    const stepsDone =
      [...done.values()].length * plan.steps +
      [...running.keys()].reduce((n, f) => n + Math.max(0, Math.min(plan.steps, stepOf(readReport(join(plan.out, f))))), 0);
    const total = plan.runs.length * plan.steps;
    const elapsed = (performance.now() - t0) / 1000;
    const eta = stepsDone > 0 ? (elapsed * (total - stepsDone)) / stepsDone : NaN;
    return `${done.size}/${plan.runs.length} runs done, ${running.size} running; ${Math.round((100 * stepsDone) / total)}% of all steps; elapsed ${duration(elapsed)}, ETA ${duration(eta)}`;
  };
  const ticker = setInterval(() => process.stderr.write(`sweep: ${status()}\n`), STATUS_EVERY_MS);

  let next = 0;
  const lane = async () => {
    while (!interrupted && next < plan.runs.length) {
      const run = plan.runs[next++];
      const result = await runJob(plan, run, running);
      if (interrupted && result.error) break; // terminated by Ctrl-C: not a result
      done.set(run.file, result);
      writeSummary();
      const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));
      const headline = headlineSplit(run.config);
      say(
        `[${done.size}/${plan.runs.length}] ${label(plan, run)}: ` +
          (result.error
            ? `failed (${result.error}; see ${run.file.replace(/\.json$/, '.log')})`
            : `${headline.label} CoT ${f(result.final.cot?.acc[headline.id])}, direct ${f(result.final.direct?.acc[headline.id])} (${duration(result.seconds ?? NaN)})`) +
          `; ${status()}`,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(plan.jobs, plan.runs.length) }, lane));
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    writeSummary();
  }
  const results = sweepJson(plan, done).runs;
  say('');
  say(sweepTable(plan, results));
  say(`\nsweep written to ${join(plan.out, 'sweep.json')}`);
  if (interrupted) return 130;
  return results.some((r) => r.error) ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
