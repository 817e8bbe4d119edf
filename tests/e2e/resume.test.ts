/**
 * Resume in a real browser: a run reloaded mid-run (after a checkpoint) shows as interrupted with Resume, goes on
 * from its checkpoint under the same record, and ends with exactly the metric rows of the same link trained
 * without interruption (same seed → same batches; wasm is deterministic); so does a run whose CoT worker crashed
 * (the test hook of tests/e2e/faults.test.ts). Also: after a Reset the backend is named again. No timing bounds:
 * only what holds on a loaded machine is asserted.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './harness';

const app = useBrowser();
const STEPS = 400;
const LINK = `/?entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&steps=${STEPS}&evalEvery=50&backend=wasm`;
const SLOW = { timeout: 60_000 };

interface Saved {
  id: string;
  status: string;
  checkpoint?: { cot?: number; direct?: number };
  /** Every metric row of each arm, as JSON (NaN, an empty split's score, becomes null on both sides). */
  rows: string;
}

/** The saved runs, read from the page's IndexedDB (only once the app has opened it: opening creates it). */
function saved(page: Page): Promise<Saved[]> {
  return page.evaluate(
    () =>
      new Promise<Saved[]>((ok, fail) => {
        const req = indexedDB.open('cot-playground-runs');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const all = db.transaction('runs').objectStore('runs').getAll();
          all.onerror = () => fail(all.error);
          all.onsuccess = () => {
            db.close();
            ok(
              all.result.map((r) => ({
                id: r.id,
                status: r.status,
                checkpoint: r.checkpoint,
                rows: JSON.stringify({ cot: r.report.arms.cot?.history, direct: r.report.arms.direct?.history }),
              })),
            );
          };
        };
      }),
  );
}

async function play(page: Page): Promise<void> {
  const toggle = page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), SLOW).toBe(true);
  await toggle.click();
}
async function finished(page: Page): Promise<void> {
  const status = page.getByTestId('train-status');
  // poll until it ends either way, then say which (a failed worker need not wait for the timeout)
  await expect.poll(() => status.innerText(), { timeout: 240_000 }).toMatch(new RegExp(`^Finished ${STEPS} steps|error|failed`));
  await expect(status.innerText()).resolves.toMatch(new RegExp(`^Finished ${STEPS} steps`));
}

/** Init script: the test hooks on (faults honoured), and each training worker reachable by name to post a fault to. */
function crashHooks(): void {
  const w = window as unknown as { __COT_TEST_HOOKS__: unknown; __crash: (name: string) => void };
  w.__COT_TEST_HOOKS__ = { faults: true };
  const live = new Map<string, Worker>();
  w.__crash = (name) => live.get(name)?.postMessage({ type: 'fault', fault: 'crash' });
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      if (opts?.name) live.set(opts.name, this);
    }
  };
}

/** The rows of the link trained without interruption (the first test computes them; a test run alone trains them). */
let uninterrupted: string | null = null;
async function wholeRows(): Promise<string> {
  if (uninterrupted) return uninterrupted;
  const whole = await app.open(LINK);
  await play(whole.page);
  await finished(whole.page);
  await expect.poll(async () => (await saved(whole.page))[0]?.status, SLOW).toBe('done');
  uninterrupted = (await saved(whole.page))[0].rows;
  expect(whole.errors()).toEqual([]);
  await whole.close();
  return uninterrupted;
}
const checkpointed = async (page: Page) => {
  const c = (await saved(page).catch(() => []))[0]?.checkpoint;
  return Math.min(c?.cot ?? 0, c?.direct ?? 0);
};

describe('resume', () => {
  test('reload mid-run, Resume: the run goes on from its checkpoint and ends with the rows of an uninterrupted run', { timeout: 600_000 }, async () => {
    const want = await wholeRows();
    expect(JSON.parse(want).cot.map((r: { step: number }) => r.step)).toEqual([0, 10, 20, 50, 100, 150, 200, 250, 300, 350, 400]);

    const p = await app.open(LINK);
    await play(p.page);
    // a checkpoint of both arms is saved (at an evaluation): reload at once, mid-run
    await expect.poll(() => checkpointed(p.page), SLOW).toBeGreaterThanOrEqual(50);
    await p.page.reload({ waitUntil: 'load' });
    const item = p.page.getByTestId('run-item');
    await expect.poll(() => item.count(), SLOW).toBe(1);
    await expect.poll(() => item.getAttribute('data-status'), SLOW).toBe('interrupted');
    const before = (await saved(p.page))[0];
    const from = Math.min(before.checkpoint?.cot ?? 0, before.checkpoint?.direct ?? 0);
    expect(from).toBeGreaterThanOrEqual(50);
    expect(from).toBeLessThan(STEPS); // it was interrupted before the end
    // the current experiment is that run's: the page offers to go on with it, and so does the runs panel
    const offer = p.page.getByTestId('resume-offer-button');
    await expect.poll(() => offer.innerText(), SLOW).toBe(`Resume from step ${from}`);
    await expect(p.page.getByTestId('resume-offer').innerText()).resolves.toMatch(
      new RegExp(`^“Run 1” of this experiment was interrupted at step \\d+ of ${STEPS}; its last checkpoint is at step ${from}\\.`),
    );
    await expect(item.getByTestId('run-resume').count()).resolves.toBe(1);
    await p.screenshot('resume-offer-1280x800');
    await p.page.mouse.move(1, 1);
    await p.page.getByTestId('runs-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await p.screenshot('runs-resume-1280x800');

    // every step the bar shows from now on: 0 until the workers answer, then never below the checkpoint
    await p.page.getByTestId('step-count').evaluate((el) => {
      const seen: number[] = [];
      (window as unknown as { __steps: number[] }).__steps = seen;
      new MutationObserver(() => seen.push(Number(el.textContent))).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await item.getByTestId('run-resume').click();
    await finished(p.page);
    const steps = await p.page.evaluate(() => (window as unknown as { __steps: number[] }).__steps);
    expect(steps.filter((s) => s > 0).every((s) => s >= from)).toBe(true);
    expect(steps.some((s) => s > from)).toBe(true);
    await expect.poll(async () => (await saved(p.page))[0]?.status, SLOW).toBe('done');
    const after = await saved(p.page);
    expect(after.map((r) => r.id)).toEqual([before.id]); // the same record, no second one
    expect(JSON.parse(after[0].rows)).toEqual(JSON.parse(want));
    await expect(p.page.getByTestId('run-resume').count()).resolves.toBe(0); // a finished run offers no Resume
    await expect(p.page.getByTestId('resume-offer').count()).resolves.toBe(0);

    // Reset: the workers name their backend again (the badge is never left blank)
    await p.page.getByRole('button', { name: /^Reset/ }).click();
    await expect.poll(() => p.page.getByTestId('step-count').innerText(), SLOW).toBe('0');
    await expect.poll(() => p.page.getByTestId('backend').innerText(), SLOW).toBe('wasm');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a crashed worker: once the other arm has finished the run is failed with Resume, which ends it on the same rows', { timeout: 600_000 }, async () => {
    const want = await wholeRows();
    const p = await app.open(LINK, { init: crashHooks, ignoreErrors: [/injected crash/] });
    await play(p.page);
    await expect.poll(() => checkpointed(p.page), SLOW).toBeGreaterThanOrEqual(50);
    await p.page.evaluate(() => (window as unknown as { __crash: (name: string) => void }).__crash('training-cot'));
    await expect
      .poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 240_000 })
      .toMatch(/^Finished 400 steps\..*CoT arm's training worker failed/s);
    const item = p.page.getByTestId('run-item');
    await expect.poll(() => item.getAttribute('data-status'), SLOW).toBe('error');
    const before = (await saved(p.page))[0];
    expect(JSON.parse(before.rows).cot.at(-1).step).toBeLessThan(STEPS); // CoT stopped short
    await item.getByTestId('run-resume').click();
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), SLOW).not.toMatch(/failed/);
    await finished(p.page);
    await expect.poll(async () => (await saved(p.page))[0]?.status, SLOW).toBe('done');
    const after = await saved(p.page);
    expect(after.map((r) => r.id)).toEqual([before.id]);
    expect(JSON.parse(after[0].rows)).toEqual(JSON.parse(want));
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
