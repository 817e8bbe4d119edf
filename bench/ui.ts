/**
 * `npm run bench -- --ui [--browser=wasm,webgpu] [--json FILE]`: how responsive the page's main thread stays
 * while the workers train. Builds the app (vite build into a temporary folder, as tests/e2e/setup.ts does),
 * serves it with vite preview, opens it in headless Chromium (tools/browser/chromium.ts) and, per backend, presses
 * Play on a small experiment, pauses once on the way (click → status "Paused…"), resumes, and trains to a fixed
 * number of steps, with a Chrome trace (chromeTrace.ts: each main-thread task's wall and CPU time) and the
 * Long Tasks API recording. Reports per backend the longest tasks, task CPU/wall percentiles, the number of
 * tasks over 50 and 100 ms, the Pause latency and the load average, beside the target "no main-thread task over
 * 100 ms of CPU". A slow figure is reported, never a failure: exit 1 only when the run itself fails.
 *
 * webgpu in headless Chromium without a GPU is SwiftShader, a CPU emulation in Chromium's GPU process that
 * competes with the page for the same cores: the output says so where the adapter is a software one.
 * BENCH_UI_TRACE_DIR=<folder> keeps each backend's Chrome trace there (ui-<backend>.trace.json, for
 * chrome://tracing or Perfetto).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { withServedBuild } from './servedBuild';
import { mainThreadTasks, TRACE_CATEGORIES, type MainTask, type Trace } from './chromeTrace';

/** The target the figures are set against: no main-thread task over this much CPU time. */
export const TARGET_CPU_MS = 100;
/** The experiment: small and fast, the same as the browser tests' (tests/e2e/training.test.ts). */
export const UI_QUERY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50';
/** Steps per backend, and when to evaluate (software WebGPU/WebGL take about a second a step here). */
export const UI_RUNS: Record<string, { steps: number; evalEvery: number }> = {
  wasm: { steps: 3000, evalEvery: 250 },
  webgpu: { steps: 12, evalEvery: 4 },
  webgl: { steps: 8, evalEvery: 4 },
  cpu: { steps: 150, evalEvery: 50 },
};
/** Nothing the run waits for may take longer than this (a hung page is a failure, not a slow figure). */
const WAIT_MS = 600_000;

export interface TaskFigure {
  cpuMs: number;
  wallMs: number;
  /** Seconds after Play. */
  atS: number;
  /** Where its CPU time went (kind, CPU ms: script, GC, style, layout, paint, postMessage, other; chromeTrace.ts cpuKind). */
  cpuParts: [string, number][];
  /** The largest trace events inside the task other than script (name, wall ms). */
  parts: [string, number][];
}
export interface Spread {
  p50: number;
  p95: number;
  max: number;
}
export interface UiBackendResult {
  backend: string;
  /** What the backend is here, e.g. "SwiftShader (a CPU emulation)" for a software WebGPU adapter. */
  note: string | null;
  url: string;
  steps: number;
  /** Play to "Finished", including the pause. */
  trainWallS: number;
  /** Main-thread tasks (trace) from Play until the last inspector refresh. */
  tasks: number;
  taskCpuTotalS: number;
  taskCpuMs: Spread;
  taskWallMs: Spread;
  over50Ms: { cpu: number; wall: number };
  over100Ms: { cpu: number; wall: number };
  /** The 5 tasks with the most CPU time. */
  top: TaskFigure[];
  /** Long Tasks API (wall ms, > 50 ms) over the same span. */
  longTasks: { count: number; maxMs: number; top: number[] };
  /** Input event of the Pause click → the status line says "Paused…" in the DOM, and → the next frame after it. */
  pause: { atStep: number; clickToPausedMs: number; clickToFrameMs: number };
  /** os.loadavg() (1, 5, 15 min) before Play and after the run. */
  loadAverage: { start: number[]; end: number[] };
  target: { cpuMs: number; met: boolean };
}
export interface UiBenchJson {
  command: string;
  date: string;
  machine: string;
  chromium: string;
  webgpuAdapter: string | null;
  webglRenderer: string | null;
  targetCpuMs: number;
  backends: Record<string, UiBackendResult>;
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? 0 };
}

/** The figures of one run from its trace's main-thread tasks and its long tasks. */
export function summarizeTasks(
  tasks: MainTask[],
  longTasks: number[],
): Pick<UiBackendResult, 'tasks' | 'taskCpuTotalS' | 'taskCpuMs' | 'taskWallMs' | 'over50Ms' | 'over100Ms' | 'top' | 'longTasks' | 'target'> {
  const over = (ms: number) => ({ cpu: tasks.filter((t) => t.cpu > ms).length, wall: tasks.filter((t) => t.wall > ms).length });
  const cpu = spread(tasks.map((t) => t.cpu));
  return {
    tasks: tasks.length,
    taskCpuTotalS: tasks.reduce((a, t) => a + t.cpu, 0) / 1000,
    taskCpuMs: cpu,
    taskWallMs: spread(tasks.map((t) => t.wall)),
    over50Ms: over(50),
    over100Ms: over(100),
    top: [...tasks]
      .sort((a, b) => b.cpu - a.cpu)
      .slice(0, 5)
      .map((t) => ({ cpuMs: t.cpu, wallMs: t.wall, atS: t.at, cpuParts: t.cpuParts, parts: t.parts })),
    longTasks: { count: longTasks.length, maxMs: Math.max(0, ...longTasks), top: [...longTasks].sort((a, b) => b - a).slice(0, 5) },
    target: { cpuMs: TARGET_CPU_MS, met: cpu.max <= TARGET_CPU_MS },
  };
}

const ms = (x: number) => (x >= 100 ? String(Math.round(x)) : x >= 10 ? x.toFixed(0) : x.toFixed(1));
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** The table (one column per backend) and each backend's longest tasks. */
export function formatUiReport(r: UiBenchJson): string {
  const results = Object.values(r.backends);
  const head = ['', ...results.map((b) => (b.note ? `${b.backend} (${b.note})` : b.backend))];
  const rows: string[][] = [
    ['steps (Play → Finished, with one pause)', ...results.map((b) => `${b.steps} in ${b.trainWallS.toFixed(1)} s`)],
    ['main-thread tasks (trace)', ...results.map((b) => `${b.tasks} (${b.taskCpuTotalS.toFixed(1)} s CPU)`)],
    ['task CPU ms p50 / p95 / max', ...results.map((b) => `${ms(b.taskCpuMs.p50)} / ${ms(b.taskCpuMs.p95)} / ${ms(b.taskCpuMs.max)}`)],
    ['task wall ms p50 / p95 / max', ...results.map((b) => `${ms(b.taskWallMs.p50)} / ${ms(b.taskWallMs.p95)} / ${ms(b.taskWallMs.max)}`)],
    ['tasks > 50 ms: CPU / wall', ...results.map((b) => `${b.over50Ms.cpu} / ${b.over50Ms.wall}`)],
    ['tasks > 100 ms: CPU / wall', ...results.map((b) => `${b.over100Ms.cpu} / ${b.over100Ms.wall}`)],
    ['Long Tasks API: count, max wall ms', ...results.map((b) => `${b.longTasks.count}, ${ms(b.longTasks.maxMs)}`)],
    [
      'Pause: click → "Paused" (→ next frame) ms',
      ...results.map((b) => `${ms(b.pause.clickToPausedMs)} (${ms(b.pause.clickToFrameMs)}) at step ${b.pause.atStep}`),
    ],
    ['load average 1/5/15 min: start → end', ...results.map((b) => `${load(b.loadAverage.start)} → ${load(b.loadAverage.end)}`)],
    [`target ≤ ${r.targetCpuMs} ms CPU per task`, ...results.map((b) => `${b.target.met ? 'met' : 'missed'} (max ${ms(b.taskCpuMs.max)} ms)`)],
  ];
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [
    `Main-thread responsiveness while training (${r.command})`,
    [
      r.date,
      r.machine,
      `Chromium ${r.chromium}`,
      ...(r.webgpuAdapter && 'webgpu' in r.backends ? [`WebGPU adapter: ${r.webgpuAdapter}`] : []),
      ...(r.webglRenderer && 'webgl' in r.backends ? [`WebGL renderer: ${r.webglRenderer}`] : []),
    ].join('; '),
    '',
    line(head),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ];
  for (const b of results) {
    out.push('', `${b.backend}: the 5 tasks with the most CPU (CPU / wall ms @ s after Play: CPU ms by kind; the largest non-script events, wall ms)`);
    const list = (p: [string, number][], n: number) =>
      p
        .filter(([, v]) => v >= 0.5)
        .slice(0, n)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', ');
    for (const t of b.top) {
      const events = list(t.parts, 3);
      out.push(`  ${ms(t.cpuMs)} / ${ms(t.wallMs)} @ ${t.atS.toFixed(1)} s: ${list(t.cpuParts, 4) || '-'}${events ? `; ${events}` : ''}`);
    }
  }
  return out.join('\n');
}

/** Init script: the Long Tasks API from the page's start (startTime and duration, ms). */
function recordLongTasks(): void {
  const w = window as unknown as { __long: { t: number; d: number }[] };
  w.__long = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) w.__long.push({ t: e.startTime, d: e.duration });
  }).observe({ type: 'longtask' });
}

/** In the page: resolves when, after the next click on Play/Pause, the status line says "Paused…" (and a frame later). */
function armPauseProbe(): void {
  const w = window as unknown as { __pause: Promise<{ click: number; dom: number; frame: number }> };
  const status = document.querySelector('[data-testid="train-status"]')!;
  const toggle = document.querySelector('[data-testid="train-toggle"]')!;
  w.__pause = new Promise((done) => {
    let click: number | null = null;
    toggle.addEventListener('click', (e) => (click = e.timeStamp), { once: true, capture: true });
    const seen = new MutationObserver(() => {
      if (click === null || !/^Paused/.test(status.textContent ?? '')) return;
      seen.disconnect();
      const dom = performance.now();
      const at = click;
      requestAnimationFrame(() => setTimeout(() => done({ click: at, dom, frame: performance.now() })));
    });
    seen.observe(status, { childList: true, characterData: true, subtree: true });
  });
}

/** `p`, or a failure after `ms`. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${what} within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const textOf = (page: Page, id: string) => page.getByTestId(id).innerText();

/** The WebGL renderer's name (UNMASKED_RENDERER), e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))". */
async function webglRenderer(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  });
}

async function webgpuAdapter(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null> } }).gpu;
    const a = await gpu?.requestAdapter();
    if (!a) return null;
    const i = a.info ?? {};
    return [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') + (a.isFallbackAdapter || i.isFallbackAdapter ? ' (fallback adapter)' : '');
  });
}

async function runBackend(browser: Browser, base: string, backend: string, device: string | null, log: (s: string) => void): Promise<UiBackendResult> {
  const { steps, evalEvery } = UI_RUNS[backend];
  const url = `/?${UI_QUERY}&steps=${steps}&evalEvery=${evalEvery}&backend=${backend}`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
  const errors: string[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(recordLongTasks);
    await page.goto(new URL(url, base).toString(), { waitUntil: 'load' });
    const toggle = page.getByTestId('train-toggle');
    // ready: both workers named their backend and Play is enabled
    await page.waitForFunction(
      () =>
        !(document.querySelector('[data-testid="train-toggle"]') as HTMLButtonElement | null)?.disabled &&
        (document.querySelector('[data-testid="backend"]')?.textContent ?? '') !== '',
      null,
      { timeout: WAIT_MS, polling: 100 },
    );
    const badge = await textOf(page, 'backend');
    if (badge !== backend) throw new Error(`${backend}: the page runs on '${badge}' (${(await page.getByTestId('notice').allInnerTexts()).join(' / ')})`);
    const start = loadavg();
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    let trace: Buffer | null = null;
    try {
      const t0 = await page.evaluate(() => {
        performance.mark('play');
        return performance.now();
      });
      const tPlay = Date.now();
      await toggle.click();
      const pauseAt = Math.max(2, Math.floor(steps / 3));
      const stepAtLeast = (n: number) =>
        page.waitForFunction((k) => Number(document.querySelector('[data-testid="step-count"]')?.textContent) >= k, n, { timeout: WAIT_MS, polling: 100 });
      await stepAtLeast(pauseAt);
      await page.evaluate(armPauseProbe);
      await toggle.click();
      const p = await within(
        WAIT_MS,
        `${backend}: no "Paused" after the Pause click`,
        page.evaluate(() => (window as unknown as { __pause: Promise<{ click: number; dom: number; frame: number }> }).__pause),
      );
      const atStep = Number(await textOf(page, 'step-count'));
      log(`  ${backend}: paused at step ${atStep} (${Math.round(p.dom - p.click)} ms after the click), resuming`);
      await toggle.click();
      await page.waitForFunction(
        (n) =>
          document.querySelector('[data-testid="step-count"]')?.textContent === String(n) &&
          /^Finished/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''),
        steps,
        { timeout: WAIT_MS, polling: 100 },
      );
      const trainWallS = (Date.now() - tPlay) / 1000;
      log(`  ${backend}: finished ${steps} steps ${trainWallS.toFixed(1)} s after Play`);
      // the last look inside the models (both arms' attention maps refreshed at the last step), then one frame
      await page.waitForFunction(
        (n) => {
          const maps = [...document.querySelectorAll('[data-testid="attention-map"]')];
          return maps.length === 2 && maps.every((m) => new RegExp(`at step ${n}(?!\\d)`).test(m.textContent ?? ''));
        },
        steps,
        { timeout: WAIT_MS, polling: 100 },
      );
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
      const long = (await page.evaluate(() => (window as unknown as { __long: { t: number; d: number }[] }).__long)).filter((l) => l.t >= t0).map((l) => l.d);
      trace = await browser.stopTracing();
      if (process.env.BENCH_UI_TRACE_DIR) writeFileSync(join(process.env.BENCH_UI_TRACE_DIR, `ui-${backend}.trace.json`), trace);
      const tasks = mainThreadTasks(JSON.parse(trace.toString('utf8')) as Trace, 'play', 0);
      if (tasks.length === 0) throw new Error(`${backend}: no main-thread tasks in the trace`);
      if (errors.length) log(`  ${backend}: the page logged errors: ${errors.slice(0, 3).join(' / ')}`);
      const software = device !== null && /swiftshader|fallback|llvmpipe|software/i.test(device);
      return {
        backend,
        note: software ? 'SwiftShader: a CPU emulation, not a GPU' : null,
        url,
        steps,
        trainWallS,
        ...summarizeTasks(tasks, long),
        pause: { atStep, clickToPausedMs: p.dom - p.click, clickToFrameMs: p.frame - p.click },
        loadAverage: { start, end: loadavg() },
      };
    } finally {
      if (!trace) await browser.stopTracing().catch(() => {});
    }
  } finally {
    await context.close();
  }
}

/** Runs the benchmark; returns the exit code (0 done, 1 a failure: a slow figure is not one). */
export async function runUiBench(
  o: { browser: string[]; json: string | null },
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  return withServedBuild('bench-ui', log, async (base, browser) => {
    const probe = await browser.newPage();
    await probe.goto(base);
    const adapter = await webgpuAdapter(probe).catch(() => null);
    const renderer = await webglRenderer(probe).catch(() => null);
    await probe.close();
    const cpu = cpus();
    const out: UiBenchJson = {
      command: `npm run bench -- --ui --browser=${o.browser.join(',')}`,
      date: new Date().toISOString(),
      machine: `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load average ${load(loadavg())}`,
      chromium: browser.version(),
      webgpuAdapter: adapter,
      webglRenderer: renderer,
      targetCpuMs: TARGET_CPU_MS,
      backends: {},
    };
    for (const backend of o.browser) {
      log(`${backend}: ${UI_RUNS[backend].steps} steps of ${UI_QUERY}`);
      const device = backend === 'webgpu' ? adapter : backend === 'webgl' ? renderer : null;
      out.backends[backend] = await runBackend(browser, base, backend, device, log);
    }
    process.stdout.write(`${formatUiReport(out)}\n`);
    if (o.json) writeFileSync(o.json, `${JSON.stringify(out, null, 1)}\n`);
    return 0;
  });
}
