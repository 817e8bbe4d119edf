/**
 * Measures training in headless Chromium (not a test: run it by hand, numbers go to src/worker/README.md):
 *
 *   npx vite build --outDir /tmp/dist && timeout 900 npx tsx bench/measureTraining.ts /tmp/dist [runs] [query]
 *
 * Serves the build, opens the page with a mid-size config on the wasm backend, presses Play and records, from
 * the page's side, every message of every training worker (wrapped Worker constructor) and every main-thread
 * long task (PerformanceObserver 'longtask'), with a Chrome trace running. Prints per arm the wall-clock steps/s
 * from the first loss report to the last step (evaluations included); from Play until 2 s after the end the
 * worst long tasks (wall ms @ s after Play) and the main-thread tasks with the most CPU time (chromeTrace.ts: CPU ms /
 * wall ms, with what was inside the longest); and (Linux) the CPU seconds each thread of the renderer used
 * (from /proc: the page's main thread is named `chromium`, the training workers `DedicatedWorker`), which shows
 * how much of the machine the run got. MEASURE_EVENTS=1 also prints when the first worker messages came.
 */
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { preview } from 'vite';
import { rendererThreads } from '../tools/browser/chromium';
import { describeTasks, mainThreadTasks, TRACE_CATEGORIES, type Trace } from './chromeTrace';

const DEFAULT_QUERY = 'entities=100&relations=10&degree=5&layers=2&dModel=64&batch=128&steps=300&evalEvery=100&backend=wasm';
const dist = resolve(process.argv[2] ?? 'dist');
const runs = Number(process.argv[3] ?? 1);
const query = process.argv[4] ?? DEFAULT_QUERY;
const steps = Number(new URLSearchParams(query).get('steps') ?? 300);

interface Seen {
  t: number;
  type: string;
  arm?: string;
  step?: number;
  backend?: string;
}

const server = await preview({
  root: resolve(import.meta.dirname, '..'),
  logLevel: 'warn',
  build: { outDir: dist },
  preview: { host: '127.0.0.1', port: 0 },
});
const base = server.resolvedUrls?.local[0] ?? '';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-background-networking'],
});
try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __seen: Seen[]; __long: { t: number; d: number }[] };
      w.__seen = [];
      w.__long = [];
      const Base = window.Worker;
      window.Worker = class extends Base {
        constructor(url: string | URL, opts?: WorkerOptions) {
          super(url, opts);
          if (opts?.name?.startsWith('training')) {
            this.addEventListener('message', (e: MessageEvent) => {
              const m = e.data as { type: string; arm?: string; steps?: number[]; row?: { step: number }; backend?: string };
              const step = m.type === 'loss' ? m.steps?.at(-1) : m.type === 'eval' ? m.row?.step : undefined;
              w.__seen.push({ t: performance.now(), type: m.type, arm: m.arm, step, backend: m.backend });
            });
          }
        }
      };
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__long.push({ t: e.startTime, d: e.duration });
      }).observe({ type: 'longtask' });
    });
    await page.goto(`${base}?${query}`);
    const toggle = page.getByTestId('train-toggle');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="train-toggle"]') as HTMLButtonElement | null)?.disabled, null, {
      timeout: 60_000,
    });
    const cpu0 = rendererThreads();
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    const t0 = await page.evaluate(() => {
      performance.mark('play');
      return performance.now();
    });
    await toggle.click();
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid="step-count"]')?.textContent === String(n) &&
        /Finished/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''),
      steps,
      { timeout: 600_000, polling: 250 },
    );
    const tEnd = await page.evaluate(() => performance.now());
    const cpu1 = rendererThreads();
    await page.waitForTimeout(2000); // the last chart and inspector redraws
    const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString('utf8')) as Trace, 'play');
    const { seen, long } = await page.evaluate(() => {
      const w = window as unknown as { __seen: Seen[]; __long: { t: number; d: number }[] };
      return { seen: w.__seen, long: w.__long };
    });
    const backends = [...new Set(seen.filter((s) => s.type === 'backend').map((s) => s.backend))];
    const perArm: Record<string, string> = {};
    for (const arm of ['cot', 'direct']) {
      const losses = seen.filter((s) => s.type === 'loss' && s.arm === arm && s.t > t0);
      const last = seen.filter((s) => (s.type === 'loss' || s.type === 'eval') && s.arm === arm && s.step === steps).at(-1);
      if (losses.length < 2 || !last) continue;
      const first = losses[0];
      perArm[arm] =
        `${(((last.step ?? 0) - (first.step ?? 0)) / ((last.t - first.t) / 1000)).toFixed(2)} steps/s (done after ${((last.t - t0) / 1000).toFixed(1)} s)`;
    }
    const during = long.filter((l) => l.t >= t0);
    const top = [...during]
      .sort((a, b) => b.d - a.d)
      .slice(0, 8)
      .map((l) => `${Math.round(l.d)}@${((l.t - t0) / 1000).toFixed(1)}s`);
    console.log(`run ${r + 1}: backend ${backends.join('/')}; ${JSON.stringify(perArm)}; wall ${((tEnd - t0) / 1000).toFixed(1)} s`);
    console.log(`  long tasks after Play: ${during.length}, worst (ms@s after Play) ${top.join(' ')}`);
    console.log(
      `  main-thread tasks (trace) over 50 ms wall: ${tasks.filter((x) => x.wall > 50).length}; CPU of all tasks ${(tasks.reduce((a, x) => a + x.cpu, 0) / 1000).toFixed(2)} s; most CPU (cpu/wall ms@s): ${describeTasks(tasks)}`,
    );
    if (process.env.MEASURE_EVENTS) {
      const first = (type: string) =>
        seen
          .filter((x) => x.type === type && x.t >= t0)
          .map((x) => `${x.arm ?? ''}@${((x.t - t0) / 1000).toFixed(1)}`)
          .slice(0, 4)
          .join(' ');
      console.log(`  first eval: ${first('eval')}; attention: ${first('attention')}; lens: ${first('lens')}; loss: ${first('loss')}`);
    }
    const busy = [...cpu1].map(([k, v]) => [k, v - (cpu0.get(k) ?? 0)] as const).filter(([, v]) => v >= 0.2);
    console.log(`  renderer CPU s while training: ${busy.map(([k, v]) => `${k.split(' ')[1]} ${v.toFixed(1)}`).join(', ')}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
