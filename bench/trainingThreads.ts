/**
 * Training steps/s of one arm on 1 thread vs N threads for its GEMMs (tfjs wasm backend, our kernels, Node):
 * `npx tsx bench/trainingThreads.ts [--threads 2] [--arm cot] [--rounds 5] [--seconds 3]`. The default
 * preset; after a warm-up, `rounds` alternating timed runs of each (≥ `seconds` each, the loss read back at the
 * end of each run); prints every run, the medians, and the GEMM share of a one-thread step (tf.profile of one
 * step: CotGemm + CotLinearGrad kernel time over all kernel time), the parallel fraction Amdahl's law needs.
 * Also the CPU time per step of the whole process (all threads), which a loaded machine does not distort the way
 * it distorts wall time: with gemmThreads.ts's CPU time of the GEMMs it gives the serial part of a step.
 */
import * as tf from '@tensorflow/tfjs'; // the full union: registers the chained ops the model uses
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
import { generateDataset } from '../src/data/dataset';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';
import { ArmTrainer } from '../src/train/arm';
import { enableRelaxedSimdInNode } from '../src/model/kernels/node';
import { gemmThreads, kernelVariant, setGemmThreads } from '../src/model/kernels/wasm';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const threads = Number(arg('threads', '2'));
const arm = arg('arm', 'cot') as 'cot' | 'direct';
const rounds = Number(arg('rounds', '5'));
const seconds = Number(arg('seconds', '3'));

await enableRelaxedSimdInNode();
await tf.setBackend('wasm');
await tf.ready();
const config: Config = { ...DEFAULT_CONFIG, backend: 'wasm' };
const trainer = new ArmTrainer(config, generateDataset(config), arm);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let lastCpuPerStep = 0;
async function timed(): Promise<number> {
  let n = 0;
  const c0 = cpuMs();
  const t0 = performance.now();
  let loss: tf.Scalar | null = null;
  while (performance.now() - t0 < seconds * 1000) {
    loss?.dispose();
    loss = trainer.trainStep();
    n++;
  }
  await loss?.data(); // the last step's work is done once its loss is read back
  loss?.dispose();
  lastCpuPerStep = (cpuMs() - c0) / n;
  return (n / (performance.now() - t0)) * 1000;
}

for (let i = 0; i < 3; i++) trainer.trainStep().dispose();
const profile = await tf.profile(() => trainer.trainStep().dispose());
const kernelMs = profile.kernels.reduce((s, k) => s + (k.kernelTimeMs as number), 0);
const gemmMs = profile.kernels.filter((k) => k.name === 'CotGemm' || k.name === 'CotLinearGrad').reduce((s, k) => s + (k.kernelTimeMs as number), 0);
const stepT0 = performance.now();
const stepLoss = trainer.trainStep();
await stepLoss.data();
stepLoss.dispose();
const stepMs = performance.now() - stepT0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const one: number[] = [];
const many: number[] = [];
const cpuOne: number[] = [];
const cpuMany: number[] = [];
console.log(`${kernelVariant()}, ${arm} arm, default preset, load average ${loadavg()[0].toFixed(2)}`);
for (let r = 0; r < rounds; r++) {
  await setGemmThreads(1);
  one.push(await timed());
  cpuOne.push(lastCpuPerStep);
  if ((await setGemmThreads(threads)) !== threads) throw new Error('the GEMM threads did not start');
  await timed(); // the helpers' first GEMMs (their code tiers up)
  many.push(await timed());
  cpuMany.push(lastCpuPerStep);
  console.log(
    `round ${r + 1}: 1 thread ${one.at(-1)!.toFixed(2)} steps/s (CPU ${cpuOne.at(-1)!.toFixed(0)} ms a step), ${threads} threads ${many.at(-1)!.toFixed(2)} steps/s (CPU ${cpuMany.at(-1)!.toFixed(0)} ms a step; ${gemmThreads().splits} GEMMs split)`,
  );
}
await setGemmThreads(1);
const p = gemmMs / kernelMs;
console.log(
  `median: 1 thread ${median(one).toFixed(2)}, ${threads} threads ${median(many).toFixed(2)} steps/s: ${(median(many) / median(one)).toFixed(2)}×; ` +
    `CPU time a step (all threads) ${median(cpuOne).toFixed(0)} / ${median(cpuMany).toFixed(0)} ms; GEMMs ${gemmMs.toFixed(0)} of ${kernelMs.toFixed(0)} ms of kernels in a profiled step (p = ${p.toFixed(2)}; one unprofiled step ${stepMs.toFixed(0)} ms); load average ${loadavg()[0].toFixed(2)}`,
);
trainer.dispose();
