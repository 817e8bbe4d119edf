/**
 * Training in a real browser: a tiny experiment trains a few steps on webgpu (SwiftShader here) and on wasm,
 * each arm in its own worker; the step counter advances, the backend badge names the backend, the accuracy
 * chart and both attention maps draw, both workers generated the same dataset and both pause, the page stays
 * responsive, and nothing logs an error. The training bar is on the first screen. Screenshots for a human.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './harness';
import { describeTasks, mainThreadTasks, TRACE_CATEGORIES, type Trace } from './trace';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50';

/** Scrolls an element to the top of its scroll container (for screenshots). */
async function scrollTo(page: Page, selector: string): Promise<void> {
  await page.mouse.move(1, 1); // no tooltip left open under the pointer
  await page.locator(selector).evaluate((el) => el.scrollIntoView({ block: 'start' }));
}
const stepCount = async (page: Page) => Number(await page.getByTestId('step-count').innerText());

/** Records main-thread long tasks (> 50 ms) from now on; returns a reader of their durations. */
async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  return () => page.evaluate(() => (window as unknown as { __long: number[] }).__long);
}

/** What the page's training workers said: their names and, per message, its type, dataset hash and time. */
interface WorkerLog {
  name: string;
  msgs: { type: string; hash?: string; t: number }[];
}
/** Init script: wraps window.Worker so that the test can see every training worker and its messages. */
function recordTrainingWorkers(): void {
  const log: WorkerLog[] = [];
  (window as unknown as { __workers: WorkerLog[] }).__workers = log;
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      if (!opts?.name?.startsWith('training')) return;
      const entry: WorkerLog = { name: opts.name, msgs: [] };
      log.push(entry);
      this.addEventListener('message', (e: MessageEvent<{ type: string; hash?: string }>) => entry.msgs.push({ type: e.data.type, hash: e.data.hash, t: performance.now() }));
    }
  };
}
const workerLog = (page: Page) => page.evaluate(() => (window as unknown as { __workers: WorkerLog[] }).__workers);

/**
 * The page stays responsive while the workers train. The contract is "no task over 100 ms". On this shared
 * 2-core box, with other suites and processes running (load 3–7), a task's wall time (what the Long Tasks API
 * reports) is 2–4× its CPU time, because the main thread waits for a core; so the wall-clock bound asserted is
 * loose and the numbers are logged, and the firm bound is on each main-thread task's CPU time, from a Chrome
 * trace. And structurally: tfjs never starts on the main thread (its global engine exists only in the workers).
 */
const MAX_TASK_MS = 1500;
const MAX_TASK_CPU_MS = 100;
/**
 * With SwiftShader's WebGPU the GPU "device" is a CPU emulation in Chromium's GPU process, competing with the page
 * for the same 2 cores; main-thread tasks measured up to ~100 ms of CPU there (flaky against the 100 ms bound),
 * while on the wasm path (what a machine without a GPU runs) they stay at 20–30 ms. The firm bound is asserted on
 * the wasm run; the SwiftShader run gets a looser one.
 */
const MAX_TASK_CPU_MS_SWIFTSHADER = 250;

async function expectNoTfjsOnMainThread(page: Page): Promise<void> {
  await expect(page.evaluate(() => '_tfengine' in globalThis)).resolves.toBe(false);
}

/** Both arms train, each in its own worker, on the same dataset. */
async function expectTwoWorkersOneDataset(page: Page): Promise<void> {
  await expect.poll(async () => (await workerLog(page)).map((w) => w.name).sort(), { timeout: 30_000 }).toEqual(['training-cot', 'training-direct']);
  const hashes = async () => (await workerLog(page)).map((w) => w.msgs.find((m) => m.type === 'examples')?.hash ?? null);
  await expect.poll(async () => (await hashes()).every((h) => h !== null), { timeout: 30_000 }).toBe(true);
  const [a, b] = await hashes();
  expect(a).toMatch(/^[0-9a-f]+$/);
  expect(b).toBe(a);
}

/** Trains to the end; returns the long tasks (wall ms) and the main-thread tasks from a trace. */
async function trainAndCheck(page: Page, backend: string, steps: number, pauseOnce = false) {
  await expect.poll(() => page.getByTestId('backend').innerText(), { timeout: 30_000 }).toBe(backend);
  const toggle = page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
  await expectTwoWorkersOneDataset(page);
  // the training bar is sticky: Play is in view without scrolling
  await expect(toggle.isVisible()).resolves.toBe(true);
  const longTasks = await watchLongTasks(page);
  await app.browser().startTracing(page, { categories: TRACE_CATEGORIES });
  let trace: Buffer | null = null;
  try {
    await page.evaluate(() => performance.mark('play'));
    await train(page, steps, pauseOnce);
    trace = await app.browser().stopTracing();
  } finally {
    if (!trace) await app.browser().stopTracing().catch(() => {}); // a failed check: no trace left running for the next test
  }
  const tasks = mainThreadTasks(JSON.parse(trace.toString('utf8')) as Trace, 'play');
  expect(tasks.length).toBeGreaterThan(10);
  return { long: await longTasks(), tasks };
}

/** Plays (pausing once on the way, if asked), waits for the end and checks the charts and the inspector. */
async function train(page: Page, steps: number, pauseOnce: boolean): Promise<void> {
  const toggle = page.getByTestId('train-toggle');
  await toggle.click();
  await expect.poll(() => stepCount(page), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
  if (pauseOnce) {
    await toggle.click();
    await expect.poll(() => page.getByTestId('train-status').innerText()).toMatch(/^Paused at step \d+/);
    const at = await stepCount(page);
    expect(at).toBeLessThan(steps);
    // both workers stopped: no step, loss or evaluation from either for a while
    const training = (log: WorkerLog[]) => log.map((w) => w.msgs.filter((m) => m.type === 'progress' || m.type === 'loss' || m.type === 'eval').length);
    const before = training(await workerLog(page));
    await page.waitForTimeout(700);
    expect(training(await workerLog(page))).toEqual(before);
    expect(await stepCount(page)).toBe(at);
    await expect(toggle.innerText()).resolves.toMatch(/^Resume/);
    await toggle.click();
  }
  // the run finishes and the status line says how it went
  await expect.poll(() => page.getByTestId('train-status').innerText(), { timeout: 40_000 }).toMatch(new RegExp(`^Finished ${steps} steps`));
  expect(await stepCount(page)).toBe(steps);
  // chart: one line per arm × split, drawn
  const lines = page.locator('[data-testid="acc-chart"] path.recharts-curve');
  await expect.poll(() => lines.count()).toBe(10);
  const d = await lines.first().getAttribute('d');
  expect(d).toMatch(/^M[\d.]+,[\d.]+L/);
  // attention maps of both arms: 1 layer × 2 heads × the lower triangle of T×T
  for (const [arm, T] of [['cot', 5], ['direct', 4]] as const) {
    const cells = page.locator(`[data-testid="attention-map"][data-arm="${arm}"] rect.attn-cell`);
    await expect.poll(() => cells.count(), { timeout: 30_000 }).toBe(2 * ((T * (T + 1)) / 2));
    // refreshed once the run ends
    await expect.poll(() => page.locator(`[data-testid="attention-map"][data-arm="${arm}"]`).innerText(), { timeout: 20_000 }).toMatch(new RegExp(`at step ${steps}\\b`));
  }
  await expect.poll(() => page.locator('[data-testid="logit-lens"] .lens-cell').count()).toBeGreaterThan(0);
  await expectNoTfjsOnMainThread(page);
}

function expectResponsive(name: string, r: Awaited<ReturnType<typeof trainAndCheck>>, maxCpuMs = MAX_TASK_CPU_MS): void {
  console.log(`[${name}] long tasks while training (wall ms): ${JSON.stringify(r.long.map(Math.round))}; most CPU (cpu/wall ms@s): ${describeTasks(r.tasks, 4)}`);
  expect(Math.max(0, ...r.long)).toBeLessThan(MAX_TASK_MS);
  expect(Math.max(...r.tasks.map((t) => t.cpu))).toBeLessThan(maxCpuMs);
}

/** The element's box lies inside the viewport (no scrolling needed to see it). */
async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  const view = page.viewportSize()!;
  expect(box, testId).not.toBeNull();
  expect(box!.y, testId).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, testId).toBeLessThanOrEqual(view.height);
  expect(box!.x + box!.width, testId).toBeLessThanOrEqual(view.width);
}

describe('the training bar', () => {
  test('Play and the OOD headline are on the first screen and stay there when scrolling (1280×800, 1920×1080, light and dark)', async () => {
    for (const [width, height] of [[1280, 800], [1920, 1080]]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const p = await app.open(`/?${TINY}&steps=20&backend=wasm`, { width, height, colorScheme, init: recordTrainingWorkers });
        await expect.poll(() => p.page.getByTestId('train-toggle').isEnabled(), { timeout: 30_000 }).toBe(true);
        for (const id of ['train-toggle', 'step-count', 'backend', 'ood-headline']) await expectOnScreen(p.page, id);
        await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/^OOD two-hop:\s*CoT\s*—\s*vs\s*direct\s*—$/);
        // the charts stay below, in the training panel
        const bar = (await p.page.locator('.training-bar').boundingBox())!;
        expect((await p.page.getByTestId('acc-chart').boundingBox())!.y).toBeGreaterThan(bar.y + bar.height);
        await p.page.mouse.move(1, 1);
        await p.screenshot(`first-screen-${colorScheme}-${width}x${height}`);
        // scrolled down to the inspector, the bar is still in view
        await p.page.locator('.inspector').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await expectOnScreen(p.page, 'train-toggle');
        await expectOnScreen(p.page, 'ood-headline');
        if (width === 1280 && colorScheme === 'light') await p.screenshot('first-screen-scrolled-light-1280x800');
        expect(p.errors()).toEqual([]);
        await p.close();
      }
    }
  });

  test('one arm: one worker, one number in the headline', async () => {
    const p = await app.open(`/?${TINY}&steps=20&arms=cot&backend=wasm`, { init: recordTrainingWorkers });
    await expect.poll(() => p.page.getByTestId('train-toggle').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect((await workerLog(p.page)).map((w) => w.name)).toEqual(['training-cot']);
    await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/^OOD two-hop:\s*CoT\s*—$/);
    await p.page.getByTestId('train-toggle').click();
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 40_000 }).toMatch(/^Finished 20 steps/);
    await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/^OOD two-hop:\s*CoT\s*\d\.\d\d$/);
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});

describe('training in the browser', () => {
  test('auto backend: software WebGPU/WebGL (SwiftShader here) are skipped for the wasm fast path, and the notice says why', async () => {
    const p = await app.open(`/?${TINY}&steps=2&evalEvery=2`);
    await expect.poll(() => p.page.getByTestId('backend').innerText(), { timeout: 30_000 }).toBe('wasm');
    const notices = (await p.page.getByTestId('notice').allInnerTexts()).join('\n');
    expect(notices).toMatch(/webgpu: only a software WebGPU adapter/);
    expect(notices).toMatch(/webgl: only a software WebGL renderer/);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('webgpu: trains 4 steps, charts and attention maps draw, no errors', async () => {
    // SwiftShader's WebGPU (a CPU emulation) takes seconds per step here: 4 steps
    const p = await app.open(`/?${TINY}&steps=4&evalEvery=2&backend=webgpu`, { width: 1280, height: 800, init: recordTrainingWorkers });
    const r = await trainAndCheck(p.page, 'webgpu', 4);
    // a WebGPU kernel with too many storage buffers once turned every loss into NaN: none here
    await expect(p.page.getByTestId('train-status').innerText()).resolves.not.toMatch(/diverged/);
    await expect(p.page.getByTestId('notice').filter({ hasText: 'diverged' }).count()).resolves.toBe(0);
    expectResponsive('webgpu', r, MAX_TASK_CPU_MS_SWIFTSHADER);
    await scrollTo(p.page, '.training-panel');
    await p.screenshot('training-webgpu-1280x800');
    await scrollTo(p.page, '.inspector');
    await p.screenshot('training-inspector-1280x800');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('wasm (?backend=wasm): trains, pauses and resets; dark theme at 1920×1080', async () => {
    const p = await app.open(`/?${TINY}&steps=300&evalEvery=50&backend=wasm`, { width: 1920, height: 1080, colorScheme: 'dark', init: recordTrainingWorkers });
    const r = await trainAndCheck(p.page, 'wasm', 300, true);
    expectResponsive('wasm', r);
    // no divergence, no error notices
    await expect(p.page.getByTestId('notice').count()).resolves.toBe(0);
    await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/CoT\s*\d\.\d\d[\s\S]*direct\s*\d\.\d\d/);
    await p.page.mouse.move(1, 1);
    await p.screenshot('first-screen-trained-dark-1920x1080');
    await scrollTo(p.page, '.training-panel');
    await p.screenshot('training-wasm-dark-1920x1080');
    await scrollTo(p.page, '.inspector');
    await p.screenshot('training-inspector-dark-1920x1080');
    // exports: the metrics as CSV (one row per evaluation: steps 0, 50, …, 300) and the chart as PNG
    const chartCard = p.page.locator('.chart-card').first();
    const [csv] = await Promise.all([p.page.waitForEvent('download'), chartCard.getByRole('button', { name: 'CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['step', 'cot_oodTwoHop_acc', 'direct_oodTwoHop_acc']));
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([0, 50, 100, 150, 200, 250, 300]);
    // both arms' histories filled: every evaluated step has an OOD accuracy of each arm
    const header = lines[0].split(',');
    for (const col of ['cot_oodTwoHop_acc', 'direct_oodTwoHop_acc']) {
      const i = header.indexOf(col);
      expect(lines.slice(1).map((l) => l.split(',')[i]).every((v) => v !== '' && Number(v) >= 0 && Number(v) <= 1), col).toBe(true);
    }
    const [png] = await Promise.all([p.page.waitForEvent('download'), chartCard.getByRole('button', { name: 'PNG' }).click()]);
    const image = readFileSync((await png.path())!);
    expect(image.subarray(1, 4).toString()).toBe('PNG');
    expect(image.length).toBeGreaterThan(10_000);
    expect(png.suggestedFilename()).toMatch(/^cot-playground-accuracy-[0-9a-f]+\.png$/);
    // a typed query: an ID test query from the picker, then a malformed one (a plain-text message)
    const idQuery = await p.page.locator('.example-picker optgroup[label="ID test queries"] option').first().innerText();
    const typed = p.page.getByRole('textbox', { name: 'or type one' });
    await typed.fill(idQuery);
    await typed.press('Enter');
    await expect.poll(() => p.page.locator('.truth-line').innerText()).toMatch(/ID test$/);
    await typed.fill('<b>e1</b> r0');
    await typed.press('Enter');
    await expect(p.page.getByRole('alert').innerText()).resolves.toMatch(/should be an entity like e3/);
    await expect(p.page.locator('.example-picker b').count()).resolves.toBe(0);
    // reset: a fresh run at step 0
    await p.page.getByRole('button', { name: /^Reset/ }).click();
    await expect.poll(() => stepCount(p.page)).toBe(0);
    await expect.poll(() => p.page.getByTestId('train-toggle').isEnabled()).toBe(true);
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
