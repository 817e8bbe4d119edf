/**
 * The work of `npm run experiment` once its arguments are parsed (cli/experiment.ts parses them first, so that
 * bad arguments are reported without loading tfjs): data, dump, training with progress (cli/train.ts, in one
 * worker thread per arm by default: cli/armThreads.ts), JSON report, final table. This thread loads no tfjs
 * unless it trains itself (`--jobs 1`).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { generateDataset, type Dataset } from '../src/data/dataset';
import { buildDump } from '../src/data/dump';
import { datasetHash } from '../src/data/hash';
import { type Arm, type MetricRow, armStoppedText, armsOf } from '../src/experiment/domain';
import { configToQuery } from '../src/experiment/link';
import type { MechanismRecord } from '../src/experiment/mechanism';
import { totalSteps } from '../src/experiment/phases';
import type { Config } from '../src/experiment/schema';
import { checkConfig } from '../src/experiment/validate';
import type { CliBackend, CliOptions } from './args';
import { armThreadsOf } from './memoryCheck';
import { costLine, lensLine, traceLine, withMechanism } from './mechanismReport';
import { Progress } from './progress';
import { defaultGemmThreads } from './workerThreads';
import { buildReport, datasetLine, evalLine, finalTable, reportJson } from './report';
import type { TrainingResult, TrainingSink } from './train';

/** A bad experiment (e.g. a graph too large to build): reported like a bad argument, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Writes through a temporary file, so that a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Runs the experiment of parsed options; returns the exit code. Throws UsageError for a bad experiment. */
export async function runExperiment(opts: CliOptions, linkConfig: Config): Promise<number> {
  // ---- the experiment: the link's (checked by the caller), with --steps (checked by the argument parser)
  let config: Config = linkConfig;
  const trainSteps = opts.steps ?? config.steps;
  if (opts.steps !== undefined && opts.steps > 0) {
    const withSteps = checkConfig({ ...config, steps: opts.steps });
    for (const c of withSteps.corrections) process.stderr.write(`--steps: ${c.text}\n`);
    config = withSteps.config;
  }
  const link = configToQuery(config);
  const backendChoice: CliBackend = opts.backend ?? (config.backend === 'cpu' || config.backend === 'wasm' ? config.backend : 'wasm');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (backendChoice === 'webgpu') {
    const { probeNodeAdapter } = await import('./nodeWebgpu');
    await probeNodeAdapter().catch((e: Error) => {
      throw new UsageError(`--backend webgpu: ${e.message}`);
    });
  }

  // ---- the data
  let data: Dataset;
  try {
    data = generateDataset(config);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const hash = datasetHash(data);
  say(`experiment ?${link}`);
  say(datasetLine(data, hash));
  if (opts.dumpData) {
    writeAtomically(opts.dumpData, `${JSON.stringify(buildDump(data))}\n`);
    say(`dataset written to ${opts.dumpData}`);
  }

  const arms: Arm[] = armsOf(config);
  let backend: string = backendChoice; // until training has picked it
  let reportThreads: number | undefined;
  let adapter: string | undefined;
  const stepsPerSec: Partial<Record<Arm, number>> = {};
  const history: Record<Arm, MetricRow[]> = { cot: [], direct: [] };
  let trainingStart: number | null = null;
  // --lens / --trace: measured after every evaluation of every arm, on a fixed sample of the test splits
  const asked = { lens: opts.lens ?? false, trace: opts.trace ?? false };
  const mechanism: Partial<Record<Arm, MechanismRecord[]>> = {};
  const writeJson = () => {
    if (!opts.json) return;
    const wallSeconds = trainingStart === null ? 0 : (performance.now() - trainingStart) / 1000;
    const report = buildReport({ link, config, backend, adapter, gemmThreads: reportThreads, data, hash, arms, history, stepsPerSec, wallSeconds });
    writeAtomically(opts.json, reportJson(withMechanism(report, mechanism, asked)));
  };
  if (trainSteps === 0) {
    writeJson();
    say('--steps 0: data only, no training.');
    return 0;
  }

  // ---- training: each arm in its own worker thread, or all in this one (--jobs 1); the same numbers either way
  const newProgress = () => new Progress(totalSteps(config), process.stderr, process.stdout, !opts.quiet);
  let progress = newProgress();
  const stoppedArms: Arm[] = [];
  const threaded = armThreadsOf(config, opts.jobs);
  // the cores are shared among the threads that train at once (one per arm, or this one with --jobs 1)
  const gemmThreads = opts.threads ?? defaultGemmThreads(threaded ? arms.length : 1);
  const sink: TrainingSink = {
    backend: (name, fallbacks, threads, gpu) => {
      for (const f of fallbacks) process.stderr.write(`backend: ${f}\n`);
      backend = name;
      adapter = gpu?.name;
      reportThreads = threads;
      const notes = [
        ...(gpu ? [`adapter ${gpu.name}${gpu.software ? ': a software driver on the CPU, since no GPU adapter was found' : ''}`] : []),
        ...(threaded ? [`${arms.join(' and ')} each in a worker thread of its own`] : []),
        ...(name === 'wasm' ? [`matrix products on ${threads} thread${threads === 1 ? '' : 's'}${threaded ? ' each' : ''}`] : []),
      ];
      say(`backend ${name}${notes.length ? ` (${notes.join(', ')})` : ''}`);
    },
    event: (e) => {
      if (e.type === 'eval') {
        history[e.arm].push(e.row);
        stepsPerSec[e.arm] = e.stepsPerSec;
        if (!opts.quiet) progress.log(evalLine(e.arm, e.row, e.stepsPerSec, config));
        writeJson();
      } else if (e.type === 'ready') {
        // the clock starts once every arm is built (its thread started, tfjs loaded), as the arms start training
        trainingStart = performance.now();
        progress = newProgress();
        const sizes = e.arms.map((a) => `${a.arm}: ${a.parameters.toLocaleString('en-US')} parameters, ${a.trainExamples} sequences`);
        say(`model ${config.layers} layers × d ${config.dModel}, ${config.heads} heads; ${sizes.join('; ')}`);
      } else if (e.type === 'stopped') {
        // a non-finite loss: that arm stops, the others go on; the run exits 1 at the end
        stoppedArms.push(e.arm);
        progress.log(
          `warning: ${armStoppedText(
            e,
            arms.filter((a) => !stoppedArms.includes(a)),
          )}`,
        );
      }
    },
    mechanism: (arm, r) => {
      (mechanism[arm] ??= []).push(r);
      if (!opts.quiet && asked.lens) progress.log(lensLine(arm, r));
      if (!opts.quiet && asked.trace) progress.log(traceLine(arm, r));
      writeJson();
    },
    step: (step) => progress.update(step),
  };
  let interrupted = false;
  let stop = () => {};
  const onSigint = () => {
    interrupted = true;
    stop();
  };
  const control = { onStop: (s: () => void) => (stop = s) };
  const job = { config, backend: backendChoice, asked, gemmThreads };
  process.once('SIGINT', onSigint);
  let result: TrainingResult | undefined;
  try {
    // tfjs is loaded only where it trains: here with --jobs 1, else only in the arms' threads
    if (threaded) {
      const { trainInThreads } = await import('./armThreads');
      result = await trainInThreads({ ...job, hash, arms }, sink, control);
    } else {
      const { train } = await import('./train');
      result = await train({ ...job, data }, sink, control);
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
    if (result) Object.assign(stepsPerSec, result.stepsPerSec);
    writeJson();
  }
  const stepOf = (a: Arm) => result?.steps[a] ?? 0;
  if (interrupted) process.stderr.write(`interrupted at step ${Math.min(...arms.map(stepOf))}\n`);
  say('');
  say(finalTable(arms, history, config));
  if (asked.lens || asked.trace)
    say(
      costLine(
        mechanism,
        arms.reduce((s, a) => s + (stepsPerSec[a] ? stepOf(a) / stepsPerSec[a]! : 0), 0),
      ),
    );
  if (opts.json) say(`results written to ${opts.json}`);
  if (stoppedArms.length) process.stderr.write(`error: ${stoppedArms.join(' and ')} stopped early (non-finite loss); exit 1\n`);
  return interrupted ? 130 : stoppedArms.length ? 1 : 0;
}
