// The device check's plan (bench/device/run.sh --plan): the parts, their timeouts within the budget, and arguments
// that the bundled commands accept (parsed by the CLI's and the benchmark's own argument parsers).
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../cli/args';
import { parseBenchArgs } from '../main';
import { parseGapLines, parseParts, summarize } from './deviceSummary';

const RUN_SH = resolve(import.meta.dirname, 'run.sh');
const PAPER = 'v=2&entities=2000&layers=8&dModel=768';

interface Part {
  name: string;
  timeout: string;
  command: string;
}

function plan(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [RUN_SH, '--plan', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CORES: '16',
      OUT: tmpdir(),
      PACK: '/pack',
      PACK_FILE: '/nonexistent.tar.gz',
      PYTHON: 'python3',
      PAPER_LINK: PAPER,
      BUDGET_S: '',
      ...env,
    },
  });
  expect(r.status, r.stderr).toBe(0);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const value = (key: string) => rows.find((row) => row[0] === key)?.[1];
  const parts: Part[] = rows.filter((row) => row[0] === 'part').map(([, name, timeout, command]) => ({ name, timeout, command }));
  return { mode: value('mode'), budget: Number(value('budget')), cores: Number(value('cores')), parts };
}

/** Splits a shell command line as bash would for these plans (single quotes, spaces; no escapes). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The arguments after `script` in the part's command (up to a `&&` or `||`). */
function argsAfter(part: Part, script: string): string[] {
  const w = words(part.command);
  const i = w.findIndex((x) => x.endsWith(script));
  expect(i, `${part.name} runs ${script}`).toBeGreaterThanOrEqual(0);
  const rest = w.slice(i + 1);
  const end = rest.findIndex((x) => x === '&&' || x === '||');
  return end < 0 ? rest : rest.slice(0, end);
}

const byName = (parts: Part[], name: string) => {
  const p = parts.find((x) => x.name === name);
  if (!p) throw new Error(`no part ${name}`);
  return p;
};

describe('bench/device/run.sh --plan', () => {
  it('on the GPU machine: every part in order, within 8 minutes, the paper run with at least a minute left', () => {
    const p = plan([]);
    expect(p.mode).toBe('gpu');
    expect(p.budget).toBe(480);
    expect(p.parts.map((x) => x.name)).toEqual([
      'smi',
      'webgpu-bench',
      'wasm-bench',
      'wasm-cli',
      'webgpu-gap',
      'export',
      'torch-fixed',
      'torch-default',
      'torch-paper',
    ]);
    const fixed = p.parts.filter((x) => x.timeout !== undefined && !x.timeout.startsWith('rest')).reduce((s, x) => s + Number(x.timeout), 0);
    const rest = Number(byName(p.parts, 'torch-paper').timeout.replace('rest:', ''));
    expect(fixed + rest).toBe(480);
    expect(rest).toBeGreaterThanOrEqual(60);
  });

  it('on the GPU machine: webgpu for the bench and the gap, wasm on every core, PyTorch on CUDA, the paper preset exported', () => {
    const p = plan([]);
    const bench = (name: string) => {
      const parsed = parseBenchArgs(argsAfter(byName(p.parts, name), 'bench.mjs'));
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.options;
    };
    expect(bench('webgpu-bench').backends).toEqual(['webgpu']);
    expect(bench('wasm-bench')).toMatchObject({ backends: ['wasm'], threads: 8 });
    const cli = parseCliArgs(argsAfter(byName(p.parts, 'wasm-cli'), 'experiment.mjs'));
    if (!cli.ok) throw new Error(cli.message);
    expect(cli.options).toMatchObject({ backend: 'wasm', threads: 8 }); // two arms × 8 = the 16 cores
    const gap = argsAfter(byName(p.parts, 'webgpu-gap'), 'gapTime.mjs');
    expect(gap[0]).toBe('--'); // gapTime passes the rest to the experiment CLI
    const gapCli = parseCliArgs(gap.slice(1));
    if (!gapCli.ok) throw new Error(gapCli.message);
    expect(gapCli.options.backend).toBe('webgpu');
    expect(words(byName(p.parts, 'export').command)).toContain(PAPER);
    for (const name of ['torch-fixed', 'torch-default', 'torch-paper']) expect(byName(p.parts, name).command).toMatch(/--device cuda( |$)/);
    expect(byName(p.parts, 'torch-paper').command).not.toMatch(/--steps/); // the paper's own steps: the budget cuts it
  });

  it('gives the wasm GEMMs the cores there are (one arm ≤ 8 threads, each of two arms half)', () => {
    const p = plan([], { CORES: '4' });
    expect(argsAfter(byName(p.parts, 'wasm-bench'), 'bench.mjs').join(' ')).toContain('--threads 4');
    expect(argsAfter(byName(p.parts, 'wasm-cli'), 'experiment.mjs').join(' ')).toContain('--threads 2');
  });

  it('--cpu: the same parts on the CPU, webgpu on a tiny link, no CUDA', () => {
    const p = plan(['--cpu'], { CORES: '2' });
    expect(p.mode).toBe('cpu');
    expect(p.parts.map((x) => x.name)).toEqual(plan([]).parts.map((x) => x.name));
    for (const part of p.parts) expect(part.command).not.toMatch(/cuda/);
    const parsed = parseBenchArgs(argsAfter(byName(p.parts, 'webgpu-bench'), 'bench.mjs'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.options).toMatchObject({ backends: ['webgpu'], presetOnly: true }); // SwiftShader takes minutes over the fixed shapes
    expect(parsed.options.link).toMatch(/dModel=32/);
  });

  it('refuses an unknown argument with exit code 2 and one line', () => {
    const r = spawnSync('bash', [RUN_SH, '--gpu'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["error: unknown argument '--gpu' (--cpu, --plan, --help)"]);
  });
});

describe('bench/device/deviceSummary.ts', () => {
  it('reads the gap lines bench/gapTime.ts prints', () => {
    const text =
      '[  98.3 s] step 500 cot …\n\n' +
      'gap at step 500: 98.3 s from the start of the command, 96.6 s from its model line (training start); steps/s there cot 5.6, direct 7\n' +
      'informed gap (direct also knows its prerequisites: each ≥ 0.9) at step 600: 115.4 s from the start of the command, 113.7 s from its model line\n';
    expect(parseGapLines(text)).toEqual({ webgpuGap: { step: 500, seconds: 98.3, fromModelLine: 96.6 }, webgpuInformedGap: { step: 600, seconds: 115.4 } });
    expect(parseGapLines('no gap: the run ended (exit 0)')).toEqual({ webgpuGap: null, webgpuInformedGap: null });
  });

  it('summarises the parts and keeps the paper curve, with nothing where a part left nothing', () => {
    const report = (cot: number) =>
      JSON.stringify({
        arms: {
          cot: {
            stepsPerSec: cot,
            history: [
              { step: 0, acc: { oodTwoHop: 0 } },
              { step: 500, acc: { oodTwoHop: 0.25 } },
            ],
          },
          direct: { stepsPerSec: 2, history: [] },
        },
      });
    const s = summarize(
      {
        'parts.tsv': 'smi\t10\t0.4\tok\t0\ntorch-paper\t75\t80.1\ttimeout\t124\n',
        'wasm-bench.json': JSON.stringify({
          gemmThreads: 8,
          backends: { wasm: { fixed: { stepsPerSec: 300 }, preset: { stepsPerSec: 30 } } },
          pytorchSameRun: { fixed: { skipped: 'no torch' }, preset: { stepsPerSec: 7 } },
        }),
        'torch-paper.json': report(9),
        'torch-fixed.txt': 'warning\n{"stepsPerSec": 120.5, "device": "cuda"}\n',
      },
      'gpu',
      470,
    );
    expect(s.parts).toEqual(parseParts('smi\t10\t0.4\tok\t0\ntorch-paper\t75\t80.1\ttimeout\t124'));
    expect(s.parts[1]).toMatchObject({ name: 'torch-paper', status: 'timeout', seconds: 80.1 });
    expect(s.wasm).toEqual({ fixed: 300, preset: 30, gemmThreads: 8, pytorchOneThread: { fixed: null, preset: 7 } });
    expect(s.webgpu).toBeNull();
    expect(s.torchFixed).toEqual({ stepsPerSec: 120.5, device: 'cuda' });
    expect(s.torchPaper?.stepsPerSec).toEqual({ cot: 9, direct: 2 });
    expect(s.torchPaper?.curve).toEqual([
      { arm: 'cot', step: 0, acc: { oodTwoHop: 0 } },
      { arm: 'cot', step: 500, acc: { oodTwoHop: 0.25 } },
    ]);
  });
});
