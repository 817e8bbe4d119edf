/**
 * `npm run bench -- --browser --gap [--seed N] [--link L] [--json FILE]`: time to the gap in the real playground.
 * Builds the app (vite build into a temporary folder), serves it with vite preview, opens it in headless Chromium
 * (tools/browser/chromium.ts: Debian's /usr/bin/chromium, the browser tests' flags), presses Play as soon as it is
 * enabled and lets both arms train in their workers, as a user runs them (backend `auto` unless --browser=B).
 * A wrapped Worker constructor records, on the page's side, every message the training workers send the store
 * (evaluation rows, progress, losses, mechanism records; counts and typed-array bytes per type), the Long Tasks
 * API runs, and the OOD headline is read every 250 ms (browserGapPage.ts). The run stops at the informed gap
 * (src/data/gap.ts: the first evaluation step at which CoT OOD two-hop ≥ 0.9 and direct ≤ 0.1, both arms'
 * rows in, with the direct arm knowing its atomic facts), or when training ends; the gap itself is reported too.
 *
 * Reports: Play → that evaluation (and → the headline showing it), per-arm steps/s while both train (wall, and the
 * worker's training-only figure), where the rest of each arm's wall time went (evaluations, mechanism
 * measurements, the remainder: looks inside, yields, messages), navigation → Play enabled → first step, the
 * backend (and auto's race, if one ran), message volume, the CPU seconds of the page's main thread and of each
 * worker thread (/proc), the load average; and beside it, measured in this process first, Node alone on the same
 * preset (each arm on its own, wasm, relaxed SIMD) with the browser's ratio to it (target ≥ 0.9).
 * BENCH_GAP_LOG=<file> also writes everything the page recorded (PageLog) there.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { GAP, gapSplits } from '../src/data/gap';
import { headlineSplit } from '../src/tasks/registry';
import type { Config } from '../src/experiment/schema';
import { CHROMIUM_ARGS, machineBusySeconds, rendererThreads } from '../tools/browser/chromium';
import { type PageLog, instrument } from './browserGapPage';
import { type GapBenchJson, findGap, formatGapReport, gapReport } from './browserGapReport';
import { withServedBuild } from './servedBuild';

type ArmName = 'cot' | 'direct';
const ARMS: ArmName[] = ['cot', 'direct'];
const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

/**
 * The page's renderer between two readings (the renderer process whose worker threads were busiest; other
 * Chromiums on the machine are left out): its main thread (tid = pid), each worker, its other threads.
 */
export function cpuBetween(a: Map<string, number>, b: Map<string, number>, wallS: number, machineS: number | null = null): NonNullable<GapBenchJson['cpuS']> {
  const threads = [...b].map(([k, v]) => {
    const [ids, ...name] = k.split(' ');
    const [pid, tid] = ids.split('/');
    return { pid, tid, name: name.join(' '), d: v - (a.get(k) ?? 0) };
  });
  const isWorker = (name: string) => name.startsWith('DedicatedWorker');
  const byPid = new Map<string, number>();
  for (const t of threads) if (isWorker(t.name)) byPid.set(t.pid, (byPid.get(t.pid) ?? 0) + t.d);
  const page = [...byPid].sort((x, y) => y[1] - x[1])[0]?.[0];
  const mine = threads.filter((t) => t.pid === page);
  return {
    mainThread: mine.filter((t) => t.tid === t.pid).reduce((x, t) => x + t.d, 0),
    workers: mine
      .filter((t) => isWorker(t.name) && t.d >= 0.05)
      .map((t) => t.d)
      .sort((x, y) => y - x),
    otherRenderer: mine.filter((t) => t.tid !== t.pid && !isWorker(t.name)).reduce((x, t) => x + t.d, 0),
    machine: machineS,
    wallS,
  };
}

/**
 * Node alone: training steps/s of each arm of `config` on its own (wasm, relaxed SIMD where it validates), and
 * the process's CPU seconds per step over the same steps.
 */
async function nodeRates(config: Config, log: (s: string) => void): Promise<{ rate: Record<ArmName, number>; cpuPerStep: Record<ArmName, number> }> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const { enableRelaxedSimdInNode } = await import('../src/model/kernels/node');
  const { generateDataset } = await import('../src/data/dataset');
  const { presetWorkload } = await import('./measurements');
  await enableRelaxedSimdInNode();
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start in Node');
  await tf.ready();
  const data = generateDataset(config);
  const rate = { cot: 0, direct: 0 };
  const cpuPerStep = { cot: 0, direct: 0 };
  for (const arm of ARMS) {
    const w = presetWorkload(config, data, arm);
    for (let i = 0; i < 2; i++) {
      const l = w.step();
      await l.data();
      l.dispose();
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    while (n < 5 || (performance.now() - t0 < 8000 && n < 300)) {
      const l = w.step();
      if (++n % 10 === 0) await l.data(); // as the experiment reads losses back
      l.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    w.dispose();
    rate[arm] = n / seconds;
    cpuPerStep[arm] = (c.user + c.system) / 1e6 / n;
    log(`Node alone, ${arm} arm: ${rate[arm].toFixed(2)} steps/s, ${(1000 * cpuPerStep[arm]).toFixed(0)} ms CPU per step (${n} steps)`);
  }
  return { rate, cpuPerStep };
}

const WAIT_MS = 30 * 60_000;

/**
 * Runs the benchmark; returns the exit code (0 done, also when the gap was not reached or a target missed: that
 * is a figure; 1 when the run itself fails). `query`: the page's link query ('' = the default preset).
 */
export async function runGapBench(
  o: { json: string | null; backend: string; query: string; command: string },
  config: Config,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  const loadStart = loadavg();
  const node = await nodeRates(config, log);
  return withServedBuild('bench-gap', log, async (base, browser) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // as source text, with the helper tsx's transform adds to named functions (it does not exist in the page)
    await page.addInitScript({
      content: `var __name = (f) => f; (${instrument.toString()})(${JSON.stringify({ cot: GAP.cot, direct: GAP.direct, ...gapSplits(config), chance: headlineSplit(config).chance ?? 0 })});`,
    });
    const params = new URLSearchParams(o.query);
    if (o.backend !== 'auto') params.set('backend', o.backend);
    const url = `${base}${params.size ? `?${params}` : ''}`;
    log(`opening ${url} (Chromium ${CHROMIUM_ARGS.join(' ')})`);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="train-toggle"]') as HTMLButtonElement | null)?.disabled, null, {
      timeout: WAIT_MS,
      polling: 20,
    });
    const cpu0 = rendererThreads();
    const busy0 = machineBusySeconds();
    const wall0 = Date.now();
    await page.getByTestId('train-toggle').click();
    log('Play pressed; training until the informed gap (or the end)');
    const logOf = () => page.evaluate(() => (window as unknown as { __gapLog: PageLog }).__gapLog);
    let last = '';
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      await page.waitForTimeout(1000);
      const l = await logOf();
      const gap = findGap(l.evals, true);
      const rows = ARMS.map((a) => l.evals.filter((e) => e.arm === a).at(-1))
        .map((e) => (e ? `${e.arm} step ${e.step} headline ${f(e.headline, 3)}` : ''))
        .join(', ');
      if (rows !== last) log(`  ${(((l.evals.at(-1)?.t ?? 0) - (l.play ?? 0)) / 1000).toFixed(0)} s: ${rows}`);
      last = rows;
      const finished = /^Finished/.test((await page.getByTestId('train-status').textContent()) ?? '');
      if (gap || finished || Date.now() > deadline) break;
    }
    const cpu1 = rendererThreads();
    const busy1 = machineBusySeconds();
    const wallS = (Date.now() - wall0) / 1000;
    const end = await page.evaluate(() => performance.now());
    const pageLog = await logOf();
    if (errors.length) log(`the page threw: ${errors.slice(0, 3).join(' / ')}`);
    const cpu = cpus();
    const report = gapReport(pageLog, {
      command: o.command,
      date: new Date().toISOString(),
      machine: `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}`,
      chromium: browser.version(),
      url,
      node: node.rate,
      nodeCpuPerStep: node.cpuPerStep,
      cpuS: cpu1.size ? cpuBetween(cpu0, cpu1, wallS, busy0 !== null && busy1 !== null ? busy1 - busy0 : null) : null,
      loadAverage: { start: loadStart, end: loadavg() },
      end,
    });
    process.stdout.write(`${formatGapReport(report)}\n`);
    if (o.json) writeFileSync(o.json, `${JSON.stringify(report, null, 1)}\n`);
    if (process.env.BENCH_GAP_LOG) writeFileSync(process.env.BENCH_GAP_LOG, JSON.stringify(pageLog));
    await context.close();
    return 0;
  });
}
