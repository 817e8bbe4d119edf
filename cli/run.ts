/**
 * The work of `npm run experiment` once its arguments are parsed (cli/experiment.ts parses them first, so that
 * bad arguments are reported without loading tfjs): data, dump, backend, training with progress, JSON report.
 */
import { renameSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { generateDataset, type Dataset } from '../src/data/distribution';
import { buildDump } from '../src/data/dump';
import { datasetHash } from '../src/data/hash';
import { configToQuery } from '../src/experiment/link';
import type { Config } from '../src/experiment/schema';
import { totalSteps } from '../src/experiment/phases';
import { checkConfig } from '../src/experiment/validate';
import { selectBackend } from '../src/train/backend';
import { enableRelaxedSimdInNode } from '../src/model/kernels/node';
import { Experiment } from '../src/train/experiment';
import type { CliOptions, CliBackend } from './args';
import { MechanismProbe } from '../src/mechanism/probe';
import type { MechanismRecord } from '../src/experiment/mechanism';
import { costLine, lensLine, traceLine, withMechanism } from './mechanism';
import { Progress } from './progress';
import { buildReport, datasetLine, evalLine, finalTable, reportJson } from './report';
import { type Arm, type MetricRow, armStoppedText, armsOf } from '../src/experiment/domain';

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

  // ---- the backend
  tf.env().set('PROD', true); // no debug checks, and no advice to install tfjs-node
  await enableRelaxedSimdInNode(); // fused multiply-add in our wasm kernels (~30% faster); Node 20 has it behind a flag
  const { backend, fallbacks } = await selectBackend(backendChoice);
  if (backend !== backendChoice) for (const f of fallbacks) process.stderr.write(`backend: ${f}\n`);
  say(`backend ${backend}`);

  const arms: Arm[] = armsOf(config);
  const stepsPerSec: Partial<Record<Arm, number>> = {};
  const history: Record<Arm, MetricRow[]> = { cot: [], direct: [] };
  let trainingStart: number | null = null;
  // --lens / --trace: measured after every evaluation of every arm, on a fixed sample of the test splits
  const asked = { lens: opts.lens ?? false, trace: opts.trace ?? false };
  const probe = new MechanismProbe(data, asked);
  const mechanism: Partial<Record<Arm, MechanismRecord[]>> = {};
  let measuring: Promise<void> = Promise.resolve();
  const writeJson = () => {
    if (!opts.json) return;
    const wallSeconds = trainingStart === null ? 0 : (performance.now() - trainingStart) / 1000;
    const report = buildReport({ link, config, backend, data, hash, arms, history, stepsPerSec, wallSeconds });
    writeAtomically(opts.json, reportJson(withMechanism(report, mechanism, asked)));
  };
  if (trainSteps === 0) {
    writeJson();
    say('--steps 0: data only, no training.');
    return 0;
  }

  // ---- training
  trainingStart = performance.now();
  const progress = new Progress(totalSteps(config), process.stderr, process.stdout, !opts.quiet);
  const stoppedArms: Arm[] = [];
  let ex: Experiment | undefined;
  ex = new Experiment(
    config,
    (e) => {
      if (e.type === 'eval') {
        stepsPerSec[e.arm] = e.stepsPerSec;
        if (!opts.quiet) progress.log(evalLine(e.arm, e.row, e.stepsPerSec));
        const trainer = probe.active ? ex?.trainers.find((t) => t.arm === e.arm) : undefined;
        if (trainer) {
          // computed now, at this step's weights; read back while training goes on
          const pending = probe.measure(e.arm, trainer.gpt, e.row.step);
          measuring = measuring.then(async () => {
            const r = await pending;
            (mechanism[e.arm] ??= []).push(r);
            if (!opts.quiet && asked.lens) progress.log(lensLine(e.arm, r));
            if (!opts.quiet && asked.trace) progress.log(traceLine(e.arm, r));
            writeJson();
          });
        }
        writeJson();
      } else if (e.type === 'ready') {
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
    data,
  );
  for (const arm of arms) history[arm] = ex.history[arm];
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    ex.stop();
  };
  process.once('SIGINT', onSigint);
  try {
    await ex.run((step) => progress.update(step));
  } finally {
    process.off('SIGINT', onSigint);
    await measuring;
    progress.done();
    for (const arm of arms) stepsPerSec[arm] = ex.stepsPerSec(arm);
    writeJson();
    ex.dispose();
  }
  if (interrupted) process.stderr.write(`interrupted at step ${ex.step}\n`);
  say('');
  say(finalTable(arms, history));
  if (probe.active)
    say(
      costLine(
        mechanism,
        arms.reduce((s, a) => s + (stepsPerSec[a] ? ex.step / stepsPerSec[a]! : 0), 0),
      ),
    );
  if (opts.json) say(`results written to ${opts.json}`);
  if (stoppedArms.length) process.stderr.write(`error: ${stoppedArms.join(' and ')} stopped early (non-finite loss); exit 1\n`);
  return interrupted ? 130 : stoppedArms.length ? 1 : 0;
}
