/**
 * `npm run bench -- --backend webgpu --calls`: what one training step of the preset asks of the GPU on each op
 * path (our WGSL kernels, the plain tfjs ops), and what one evaluation asks: dispatches, submits, buffer writes,
 * readbacks (bench/gpuCalls.ts counts them at the WebGPU API), with the counted step's wall time and the
 * adapter. Counts do not depend on the adapter's speed; on SwiftShader (a CPU emulation) the times say nothing
 * about a GPU. No timing runs: minutes where the full bench takes an hour on SwiftShader.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { installNodeWebgpu } from '../cli/nodeWebgpu';
import { generateDataset } from '../src/data/dataset';
import type { Config } from '../src/experiment/schema';
import { ArmTrainer } from '../src/train/arm';
import { countGpuCalls, type GpuCalls } from './gpuCalls';
import { withReferencePath } from './measurements';

/** Queries per split in the counted evaluation (the readbacks do not depend on it). */
const EVAL_SAMPLE = 32;

export interface PathCalls extends GpuCalls {
  path: string;
  /** Wall seconds of the counted step (after a warm-up step), its loss read back. */
  stepSeconds: number;
  stepsPerSec: number;
}

export interface GpuCallsJson {
  command: string;
  adapter: string;
  software: boolean;
  config: { layers: number; dModel: number; heads: number; batch: number; arm: 'cot' };
  perStep: PathCalls[];
  perEvaluation: GpuCalls & { queriesPerSplit: number; splits: number };
}

async function countStep(config: Config, path: string): Promise<PathCalls> {
  const data = generateDataset(config);
  const t = new ArmTrainer(config, data, 'cot');
  try {
    const warm = t.trainStep();
    await warm.data();
    warm.dispose();
    const calls = countGpuCalls();
    const t0 = performance.now();
    try {
      const loss = t.trainStep();
      await loss.data();
      loss.dispose();
    } finally {
      calls.restore();
    }
    const seconds = (performance.now() - t0) / 1000;
    return { path, ...calls.read(), stepSeconds: seconds, stepsPerSec: 1 / seconds };
  } finally {
    t.dispose();
  }
}

export async function runGpuCallsBench(
  config: Config,
  json: string | null,
  command: string,
  log = (s: string) => process.stderr.write(`${s}\n`),
): Promise<number> {
  const adapter = await installNodeWebgpu();
  if (!(await tf.setBackend('webgpu'))) throw new Error('backend webgpu did not start');
  log(`webgpu: adapter ${adapter.name}${adapter.software ? ' (software, on the CPU)' : ''}`);
  const perStep: PathCalls[] = [];
  perStep.push(await countStep(config, 'WGSL kernels'));
  log(`  WGSL kernels: ${perStep[0].dispatches} dispatches`);
  perStep.push(await withReferencePath(() => countStep(config, 'tfjs ops')));
  log(`  tfjs ops: ${perStep[1].dispatches} dispatches`);

  const data = generateDataset(config);
  const t = new ArmTrainer(config, data, 'cot');
  await t.evaluate(EVAL_SAMPLE); // shaders compiled
  const calls = countGpuCalls();
  try {
    await t.evaluate(EVAL_SAMPLE);
  } finally {
    calls.restore();
    t.dispose();
  }
  const out: GpuCallsJson = {
    command,
    adapter: adapter.name,
    software: adapter.software,
    config: { layers: config.layers, dModel: config.dModel, heads: config.heads, batch: config.batch, arm: 'cot' },
    perStep,
    perEvaluation: { ...calls.read(), queriesPerSplit: EVAL_SAMPLE, splits: data.splits.length },
  };
  process.stdout.write(`${callsTable(out)}\n`);
  if (json) writeFileSync(json, `${JSON.stringify(out, null, 1)}\n`);
  return 0;
}

export function callsTable(r: GpuCallsJson): string {
  const head = ['path', 'dispatches', 'submits', 'writes', 'readbacks', 'step s', 'steps/s'];
  const rows = r.perStep.map((p) => [
    p.path,
    `${p.dispatches}`,
    `${p.submits}`,
    `${p.writes}`,
    `${p.readbacks}`,
    p.stepSeconds.toFixed(1),
    p.stepsPerSec.toPrecision(2),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const e = r.perEvaluation;
  return [
    `one preset training step (${r.config.layers} × ${r.config.dModel}, ${r.config.heads} heads, batch ${r.config.batch}, CoT arm) on webgpu, adapter ${r.adapter}${r.software ? ' (software on the CPU: the times say nothing about a GPU)' : ''}:`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `one evaluation (WGSL kernels; ${e.splits} splits, ${e.queriesPerSplit} queries each): ${e.dispatches} dispatches, ${e.submits} submits, ${e.writes} writes, ${e.readbacks} readbacks`,
  ].join('\n');
}
