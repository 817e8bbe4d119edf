/**
 * The last part of bench/device/run.sh: reads what the parts left in OUT and writes summary.json and summary.txt
 * (the figures, each with the file it came from).  node deviceSummary.mjs OUT MODE SECONDS
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PartRun {
  name: string;
  timeoutSeconds: number;
  seconds: number;
  /** no-gap: the gap run ended before the gap (its exit 1), which is a result. */
  status: 'ok' | 'no-gap' | 'timeout' | 'failed' | 'skipped';
  exit: string;
}

interface Rates {
  fixed: number | null;
  preset: number | null;
}
interface ArmRates {
  cot: number | null;
  direct: number | null;
}
export interface DeviceSummary {
  mode: string;
  seconds: number;
  environment: string;
  parts: PartRun[];
  webgpu: (Rates & { adapter: string | null; software: boolean | null }) | null;
  wasm: (Rates & { gemmThreads: number; pytorchOneThread: Rates }) | null;
  /** The CLI (both arms, each in its own thread, the cores shared), the default preset's first 100 steps. */
  wasmCli: (ArmRates & { gemmThreads: number | null }) | null;
  webgpuGap: { step: number; seconds: number; fromModelLine: number } | null;
  webgpuInformedGap: { step: number; seconds: number } | null;
  torchFixed: { stepsPerSec: number; device: string } | null;
  torchDefault: ArmRates | null;
  /** The paper preset's (or, --cpu, a tiny link's) curve as far as it got: the headline split's accuracies per evaluation. */
  torchPaper: { stepsPerSec: ArmRates; curve: { arm: string; step: number; acc: Record<string, number | null> }[] } | null;
}

type Json = Record<string, unknown>;
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Json => (x && typeof x === 'object' ? (x as Json) : {});

export function parseParts(tsv: string): PartRun[] {
  return tsv
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, timeout, seconds, status, exit] = line.split('\t');
      return { name, timeoutSeconds: Number(timeout), seconds: Number(seconds), status: status as PartRun['status'], exit };
    });
}

/** `gap at step 500: 98.3 s from the start of the command, 96.6 s from its model line …` (bench/gapTime.ts). */
export function parseGapLines(text: string): Pick<DeviceSummary, 'webgpuGap' | 'webgpuInformedGap'> {
  const gap = /^gap at step (\d+): ([\d.]+) s from the start of the command, ([\d.]+) s from its model line/m.exec(text);
  const informed = /^informed gap .*? at step (\d+): ([\d.]+) s from the start/m.exec(text);
  return {
    webgpuGap: gap ? { step: Number(gap[1]), seconds: Number(gap[2]), fromModelLine: Number(gap[3]) } : null,
    webgpuInformedGap: informed ? { step: Number(informed[1]), seconds: Number(informed[2]) } : null,
  };
}

const armRates = (report: Json): ArmRates => ({ cot: num(obj(obj(report.arms).cot).stepsPerSec), direct: num(obj(obj(report.arms).direct).stepsPerSec) });

/** `files`: the contents of OUT's files by name (absent: undefined). */
export function summarize(files: Record<string, string | undefined>, mode: string, seconds: number): DeviceSummary {
  const json = (name: string): Json | null => {
    try {
      return files[name] ? (JSON.parse(files[name]) as Json) : null;
    } catch {
      return null;
    }
  };
  const rates = (bench: Json | null, backend: string): Rates | null => {
    const b = obj(obj(bench?.backends)[backend]);
    return bench && Object.keys(b).length ? { fixed: num(obj(b.fixed).stepsPerSec), preset: num(obj(b.preset).stepsPerSec) } : null;
  };
  const gpuBench = json('webgpu-bench.json');
  const gpu = rates(gpuBench, 'webgpu');
  const wasmBench = json('wasm-bench.json');
  const wasm = rates(wasmBench, 'wasm');
  const same = obj(wasmBench?.pytorchSameRun);
  const cli = json('wasm-cli.json');
  const fixedLine = (files['torch-fixed.txt'] ?? '').split('\n').find((l) => l.startsWith('{"stepsPerSec"'));
  const fixed = fixedLine ? (JSON.parse(fixedLine) as Json) : null;
  const torchDefault = json('torch-default.json');
  const paper = json('torch-paper.json');
  const headline = (row: Json) => obj(row.acc);
  return {
    mode,
    seconds,
    environment: (files['environment.txt'] ?? '').trim(),
    parts: parseParts(files['parts.tsv'] ?? ''),
    webgpu: gpu && { ...gpu, adapter: (obj(gpuBench?.webgpu).adapter as string) ?? null, software: (obj(gpuBench?.webgpu).software as boolean) ?? null },
    wasm: wasm && {
      ...wasm,
      gemmThreads: num(wasmBench?.gemmThreads) ?? 1,
      pytorchOneThread: { fixed: num(obj(same.fixed).stepsPerSec), preset: num(obj(same.preset).stepsPerSec) },
    },
    wasmCli: cli && { ...armRates(cli), gemmThreads: num(cli.gemmThreads) },
    ...parseGapLines(files['webgpu-gap.txt'] ?? ''),
    torchFixed: fixed && num(fixed.stepsPerSec) !== null ? { stepsPerSec: num(fixed.stepsPerSec)!, device: String(fixed.device) } : null,
    torchDefault: torchDefault && armRates(torchDefault),
    torchPaper: paper && {
      stepsPerSec: armRates(paper),
      curve: (['cot', 'direct'] as const).flatMap((arm) =>
        ((obj(obj(paper.arms)[arm]).history as Json[] | undefined) ?? []).map((row) => ({
          arm,
          step: Number(row.step),
          acc: Object.fromEntries(Object.entries(headline(row)).map(([k, v]) => [k, num(v)])),
        })),
      ),
    },
  };
}

const f = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '–' : x.toFixed(digits));

export function summaryText(s: DeviceSummary): string {
  const lines = [
    `device check (${s.mode}), ${s.seconds} s in all`,
    s.environment,
    '',
    'parts: name, status, seconds of its timeout',
    ...s.parts.map((p) => `  ${p.name.padEnd(14)} ${p.status.padEnd(8)} ${f(p.seconds, 1).padStart(6)} of ${p.timeoutSeconds} s (exit ${p.exit})`),
    '',
    `webgpu (${s.webgpu?.adapter ?? 'no adapter'}${s.webgpu?.software ? ', software' : ''}): fixed ${f(s.webgpu?.fixed)}, preset ${f(s.webgpu?.preset)} steps/s  [webgpu-bench.json]`,
    `wasm, GEMMs on ${s.wasm?.gemmThreads ?? '–'} threads: fixed ${f(s.wasm?.fixed)}, preset ${f(s.wasm?.preset)} steps/s; PyTorch CPU 1 thread: fixed ${f(s.wasm?.pytorchOneThread.fixed)}, preset ${f(s.wasm?.pytorchOneThread.preset)}  [wasm-bench.json]`,
    `CLI on wasm, both arms at once (GEMMs on ${s.wasmCli?.gemmThreads ?? '–'} threads each): cot ${f(s.wasmCli?.cot)}, direct ${f(s.wasmCli?.direct)} steps/s  [wasm-cli.json]`,
    s.webgpuGap
      ? `CLI time to the gap on webgpu: ${f(s.webgpuGap.seconds, 1)} s (step ${s.webgpuGap.step}; ${f(s.webgpuGap.fromModelLine, 1)} s from the model line)${s.webgpuInformedGap ? `, informed gap ${f(s.webgpuInformedGap.seconds, 1)} s (step ${s.webgpuInformedGap.step})` : ''}  [webgpu-gap.txt]`
      : 'CLI time to the gap on webgpu: not reached (webgpu-gap.txt says why)',
    `PyTorch fixed shapes (${s.torchFixed?.device ?? '–'}): ${f(s.torchFixed?.stepsPerSec)} steps/s  [torch-fixed.txt]`,
    `PyTorch default preset: cot ${f(s.torchDefault?.cot)}, direct ${f(s.torchDefault?.direct)} steps/s  [torch-default.json]`,
    `PyTorch paper run: cot ${f(s.torchPaper?.stepsPerSec.cot)}, direct ${f(s.torchPaper?.stepsPerSec.direct)} steps/s, ${s.torchPaper?.curve.length ?? 0} evaluations kept  [torch-paper.json]`,
    ...(s.torchPaper?.curve ?? []).map(
      (p) =>
        `  ${p.arm.padEnd(6)} step ${String(p.step).padStart(6)}  ${Object.entries(p.acc)
          .map(([k, v]) => `${k} ${f(v, 3)}`)
          .join('  ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function main(argv: string[]): number {
  const [out, mode = 'gpu', seconds = '0'] = argv;
  if (!out || !existsSync(out)) {
    process.stderr.write(`error: no output folder '${out ?? ''}' (usage: deviceSummary OUT MODE SECONDS)\n`);
    return 2;
  }
  const names = [
    'parts.tsv',
    'environment.txt',
    'webgpu-bench.json',
    'wasm-bench.json',
    'wasm-cli.json',
    'webgpu-gap.txt',
    'torch-fixed.txt',
    'torch-default.json',
    'torch-paper.json',
  ];
  const files = Object.fromEntries(names.map((n) => [n, existsSync(join(out, n)) ? readFileSync(join(out, n), 'utf8') : undefined]));
  const s = summarize(files, mode, Number(seconds));
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(s, null, 1)}\n`);
  const text = summaryText(s);
  writeFileSync(join(out, 'summary.txt'), text);
  process.stdout.write(text);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = main(process.argv.slice(2));
