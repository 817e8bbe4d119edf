/**
 * Training speed of our engine, headless:
 *   npm run bench -- [--backend wasm|cpu|webgpu] [--threads N] [--preset-only] [--naive] [--gap] [--json FILE] [--no-relaxed] [--quick]
 *   npm run bench -- --browser[=wasm,webgpu] [--json FILE]
 *   npm run bench -- --ui [--browser=wasm,webgpu] [--json FILE]
 *   npm run bench -- --browser[=B] --gap [--seed N] [--link L] [--json FILE]
 * For each backend: training steps/s, tokens/s, achieved GFLOP/s and the ratio to PyTorch (one thread, this
 * machine) on the fixed shapes (vocab 252, d 64, 2 layers, 4 heads, sequence 8, batch 64) and on the default
 * preset (from DEFAULT_CONFIG and its generated data); a per-kernel profile of one preset step; kernels per step;
 * one evaluation's wall time. --naive adds the plain-tfjs path (our kernels off); --gap trains both arms of the
 * default preset until CoT OOD two-hop ≥ 0.9 and reports the wall time and whether direct OOD ≤ 0.1.
 * --browser runs the measurements instead in a Worker of headless Chromium (bench/browserSpeed.ts).
 * --ui measures instead how responsive the app's main thread stays while it trains in headless Chromium, per
 * backend (default wasm,webgpu): main-thread task CPU/wall times, Long Tasks, Pause latency (bench/ui.ts).
 * --browser --gap instead times the real playground (a production build in headless Chromium, Play pressed, both
 * arms in their workers) to the gap, beside Node alone on the same preset (bench/browserGap.ts).
 * Exit codes: 0 done, 2 bad arguments, 1 a failure.
 */
import { resolve } from 'node:path';
import { MAX_GEMM_THREADS } from '../cli/args';
import { readLink } from '../cli/readLink';

export interface BenchOptions {
  backends: ('wasm' | 'cpu' | 'webgpu')[];
  naive: boolean;
  gap: boolean;
  json: string | null;
  relaxed: boolean;
  quick: boolean;
  /** Skip the fixed shapes (a software WebGPU adapter takes minutes over them). */
  presetOnly: boolean;
  help: boolean;
  /** Backends to measure in headless Chromium instead of Node (empty: Node). */
  browser: string[];
  /** Measure the app's main-thread responsiveness while training (in Chromium, on `browser`'s backends). */
  ui: boolean;
  /** The experiment measured as "preset" and trained by --gap (a link; '' = the default preset). */
  link: string;
  /** Correct a bad link as the browser does instead of refusing it. */
  lenient: boolean;
  /** The preset's seed instead of the link's (with --gap). */
  seed: number | null;
  /** With --backend webgpu: only count what a preset step (each op path) and an evaluation ask of the GPU. */
  calls: boolean;
  /** With --browser --gap: the page's backend ('auto', as a user gets it, unless --browser=B names one). */
  gapBackend: string;
  /** Threads the wasm GEMMs are split over (src/model/kernels/threads.ts); 1 = none. */
  threads: number;
}

/** What --ui measures when --browser does not say. */
export const UI_DEFAULT_BACKENDS = ['wasm', 'webgpu'];

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --backend wasm|cpu|webgpu
                       only this backend (default: wasm and cpu); webgpu through Dawn in Node (a GPU, else
                       Chromium's SwiftShader): steps/s, dispatches, submits, writes and readbacks per step
  --calls              with --backend webgpu, instead: dispatches, submits, writes and readbacks of one preset step
                       on each op path (our WGSL kernels, the plain tfjs ops) and of one evaluation, and the step's
                       time (no timing runs: minutes on SwiftShader, where the whole bench takes an hour)
  --threads N          split the wasm GEMMs over N threads (1–${MAX_GEMM_THREADS}; default 1); the PyTorch figures stay at 1
  --naive              also time the plain-tfjs path (our wasm kernels off)
  --gap                also train the default preset's two arms until CoT OOD two-hop ≥ 0.9 (minutes)
  --json FILE          write the results as JSON
  --no-relaxed         use the plain-SIMD kernels even where relaxed SIMD (FMA) is available
  --quick              fewer and shorter timing runs
  --preset-only        skip the fixed shapes (e.g. on a software WebGPU adapter, which takes minutes over them)
  --browser[=LIST]     measure in a Worker of headless Chromium instead (LIST: wasm,webgpu,webgl,cpu; default wasm;
                       webgpu there is SwiftShader, a CPU emulation: its timings say nothing about a GPU)
  --ui                 instead: build the app, train a small experiment in headless Chromium per backend (the
                       --browser LIST, default wasm,webgpu) and report the main thread's longest tasks (CPU and
                       wall ms), p50/p95/max, tasks over 50/100 ms, the Pause click latency and the load average,
                       against the target of 100 ms CPU per task; takes only --browser and --json
  --browser[=B] --gap  instead: build the playground, open it in headless Chromium, press Play on the preset and
                       report the seconds to the first evaluation with CoT OOD two-hop ≥ 0.9 and direct ≤ 0.1,
                       per-arm steps/s (beside Node alone, measured first), navigation → first step, where each
                       arm's time went, the backend and the load (backend auto unless B is given; minutes)
  --seed N             the preset's seed (with --gap)
  --link LINK          measure this experiment as the preset (and train it with --gap) instead of the default
                       one; a link that needs any correction is refused (exit 2, one line per problem)
  --lenient            correct a bad --link as the browser does instead of refusing it
  --help               this text`;

export function parseBenchArgs(argv: string[]): { ok: true; options: BenchOptions } | { ok: false; message: string } {
  const o: BenchOptions = {
    backends: ['wasm', 'cpu'],
    naive: false,
    gap: false,
    json: null,
    relaxed: true,
    quick: false,
    calls: false,
    presetOnly: false,
    help: false,
    browser: [],
    ui: false,
    link: '',
    lenient: false,
    seed: null,
    gapBackend: 'auto',
    threads: 1,
  };
  let browserNamed = false;
  /** Options of the Node measurements that were given (--ui takes none of them). */
  const nodeOnly: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case '--backend': {
          const v = value();
          if (v !== 'wasm' && v !== 'cpu' && v !== 'webgpu') return { ok: false, message: `--backend must be wasm, cpu or webgpu (got '${v}')` };
          o.backends = [v];
          nodeOnly.push(flag);
          break;
        }
        case '--json':
          o.json = value();
          break;
        case '--naive':
        case '--gap':
        case '--quick':
        case '--calls':
        case '--help':
          if (inline !== undefined) return { ok: false, message: `${flag} takes no value` };
          o[flag.slice(2) as 'naive' | 'gap' | 'quick' | 'calls' | 'help'] = true;
          if (flag !== '--help') nodeOnly.push(flag);
          break;
        case '--preset-only':
          if (inline !== undefined) return { ok: false, message: `${flag} takes no value` };
          o.presetOnly = true;
          nodeOnly.push(flag);
          break;
        case '--link':
          o.link = value();
          nodeOnly.push(flag);
          break;
        case '--seed': {
          const v = value();
          if (!/^\d+$/.test(v) || Number(v) > 999_999) return { ok: false, message: `--seed must be a whole number in 0–999999 (got '${v}')` };
          o.seed = Number(v);
          nodeOnly.push(flag);
          break;
        }
        case '--threads': {
          const v = value();
          if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_GEMM_THREADS)
            return { ok: false, message: `--threads must be a whole number in 1–${MAX_GEMM_THREADS} (got '${v}')` };
          o.threads = Number(v);
          nodeOnly.push(flag);
          break;
        }
        case '--lenient':
          if (inline !== undefined) return { ok: false, message: `${flag} takes no value` };
          o.lenient = true;
          break;
        case '--ui':
          if (inline !== undefined) return { ok: false, message: `${flag} takes no value` };
          o.ui = true;
          break;
        case '--browser': {
          const list = (inline ?? 'wasm').split(',').filter(Boolean);
          const bad = list.find((b) => !['wasm', 'webgpu', 'webgl', 'cpu'].includes(b));
          if (bad || list.length === 0) return { ok: false, message: `--browser takes wasm, webgpu, webgl or cpu (got '${bad ?? ''}')` };
          o.browser = list;
          browserNamed = inline !== undefined;
          break;
        }
        case '--no-relaxed':
          o.relaxed = false;
          nodeOnly.push(flag);
          break;
        default:
          return { ok: false, message: `unknown argument '${a}'` };
      }
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }
  if (o.seed !== null && !o.gap) return { ok: false, message: '--seed goes with --gap' };
  if (o.gap && o.browser.length && !o.ui) {
    const other = nodeOnly.filter((x) => !['--gap', '--seed', '--link'].includes(x));
    if (other.length) return { ok: false, message: `--browser --gap takes only --seed, --link, --lenient and --json (got ${other.join(', ')})` };
    if (o.browser.length > 1) return { ok: false, message: `--browser --gap runs one backend (got ${o.browser.join(',')})` };
    if (browserNamed) o.gapBackend = o.browser[0];
  }
  if (o.calls && (o.backends.length !== 1 || o.backends[0] !== 'webgpu' || o.browser.length || o.ui || o.gap))
    return { ok: false, message: '--calls counts on webgpu in Node: it needs --backend webgpu and takes no --browser, --ui or --gap' };
  if (o.ui) {
    if (nodeOnly.length) return { ok: false, message: `--ui takes only --browser and --json (got ${nodeOnly.join(', ')})` };
    if (o.browser.length === 0) o.browser = [...UI_DEFAULT_BACKENDS];
  }
  return { ok: true, options: o };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.message}\n\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (parsed.options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const reading = readLink(parsed.options.link, parsed.options.lenient);
  if (!reading.ok) {
    for (const p of reading.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write('the link was refused; nothing was measured (--lenient corrects it instead, as the browser does)\n');
    return 2;
  }
  for (const w of reading.warnings) process.stderr.write(`link: ${w}\n`);
  const o = parsed.options;
  const config = o.seed === null ? reading.config : { ...reading.config, seed: o.seed };
  try {
    if (o.gap && o.browser.length && !o.ui) {
      const { runGapBench } = await import('./browserGap');
      const { configToQuery } = await import('../src/experiment/link');
      const query = o.link || o.seed !== null ? configToQuery(config) : ''; // none: the page's own default, as a user opens it
      return await runGapBench({ json: o.json, backend: o.gapBackend, query, command: `npm run bench -- ${argv.join(' ')}` }, config);
    }
    if (parsed.options.ui) {
      const { runUiBench } = await import('./ui'); // no tfjs in Node: the app trains in the browser
      return await runUiBench(parsed.options);
    }
    if (o.calls) {
      const { runGpuCallsBench } = await import('./gpuStep');
      return await runGpuCallsBench(config, o.json, `npm run bench -- ${argv.join(' ')}`);
    }
    const { runBench } = await import('./speed'); // tfjs loads only after the arguments are checked
    return await runBench(o, config);
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
