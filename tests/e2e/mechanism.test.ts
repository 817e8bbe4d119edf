/**
 * The circuit over all test queries, in a real browser: a tiny experiment trains on wasm; each arm's worker
 * sends its aggregated lens after evaluations (and a trace within its time budget); the page draws "Where is the
 * bridge found?", the OOD bridge/answer chart, the lens heatmaps of both arms, the tracing heatmaps, a reading made
 * of measured numbers, and the cost. Screenshot at 1280×800 for a human.
 */
import { describe, expect, test } from 'vitest';
import { useBrowser } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=2&dModel=32&heads=2&batch=32&evalSize=60&steps=400&evalEvery=50&lr=0.003&backend=wasm';
const PATIENCE = 120_000;

describe('mechanism views', () => {
  test('lens and tracing of both arms, the bridge-found chart, a reading from the numbers, the cost', { timeout: 4 * PATIENCE }, async () => {
    const p = await app.open(`/?${TINY}`, { waitFor: '[data-testid="train-toggle"]' });
    const { page } = p;
    const toggle = page.getByTestId('train-toggle');
    await expect.poll(() => toggle.isEnabled(), { timeout: PATIENCE }).toBe(true);
    await toggle.click();
    await expect.poll(() => page.getByTestId('train-status').innerText(), { timeout: 3 * PATIENCE }).toMatch(/^Finished 400 steps/);

    const panel = page.getByTestId('mechanism-panel');
    await panel.scrollIntoViewIfNeeded();
    // the lens of both arms: ID and OOD, bridge and answer (2 layers + the embedding, 5 or 4 positions)
    for (const [arm, T] of [
      ['cot', 5],
      ['direct', 4],
    ] as const) {
      const grids = page.locator(`[data-testid="mech-lens"][data-arm="${arm}"] figure.mech-heatmap`);
      await expect.poll(() => grids.count(), { timeout: PATIENCE }).toBe(4);
      await expect(grids.first().locator('rect').count()).resolves.toBe(3 * T);
      await expect.poll(() => page.locator(`[data-testid="mech-lens"][data-arm="${arm}"]`).innerText(), { timeout: PATIENCE }).toMatch(/step 400\b/);
    }
    // tracing ran within its budget at some evaluation (how often depends on the measured costs): bridge and
    // answer on ID and OOD for each arm traced, the CoT arm at least
    await expect.poll(() => page.locator('[data-testid="mech-trace"][data-arm="cot"] figure.mech-heatmap').count(), { timeout: PATIENCE }).toBe(4);
    expect([4, 8]).toContain(await page.locator('[data-testid="mech-trace"] figure.mech-heatmap').count());
    // the bridge-found chart: four lines (arm × split), drawn
    const lines = page.locator('[data-testid="found-chart"] path.recharts-curve');
    await expect.poll(() => lines.count(), { timeout: PATIENCE }).toBe(4);
    await expect(lines.first().getAttribute('d')).resolves.toMatch(/^M[\d.]+,[\d.]+/);
    await expect.poll(() => page.locator('[data-testid="headline-found-chart"] path.recharts-curve').count(), { timeout: PATIENCE }).toBe(4);
    // the reading: generated from the numbers of step 400, for both arms
    const reading = page.getByTestId('mechanism-reading');
    await expect
      .poll(() => reading.locator('p[data-arm="cot"]').innerText(), { timeout: PATIENCE })
      .toMatch(/^CoT arm, step 400 \(\d+ ID, \d+ OOD test queries\):$/);
    await expect(reading.locator('li').first().innerText()).resolves.toMatch(/^On ID queries the bridge .*\d+%/);
    await expect(reading.locator('p[data-arm="direct"]').innerText()).resolves.toMatch(/^direct arm, step 400 /);
    await expect(page.getByTestId('mechanism-cost').innerText()).resolves.toMatch(
      /CoT: lens \d+ ms \(\d+×\), tracing \d+ ms \(\d+×\); [\d.]+% of its training time so far/,
    );

    await page.mouse.move(1, 1);
    // below the sticky training bar
    const show = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => {
          el.scrollIntoView({ block: 'start', behavior: 'instant' });
          let box: HTMLElement | null = el.parentElement;
          while (box && !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== 'visible')) box = box.parentElement;
          (box ?? document.scrollingElement)?.scrollBy({ top: -120, behavior: 'instant' });
        });
    await show('[data-testid="mechanism-panel"]');
    await p.screenshot('mechanism-1280x800');
    await show('[data-testid="mechanism-reading"]');
    await p.screenshot('mechanism-reading-1280x800');
    await show('[data-testid="mech-lens"]');
    await p.screenshot('mechanism-heatmaps-1280x800');
    // the inspector traces its one query too (bridge and answer, per arm)
    await expect.poll(() => page.locator('[data-testid="query-trace"] figure.mech-heatmap').count(), { timeout: PATIENCE }).toBe(4);
    await show('[data-testid="query-trace"]');
    await p.screenshot('mechanism-query-trace-1280x800');
    // a preset changes the model and starts a fresh run
    await page.getByTestId('mechanism-preset-shallow').click();
    await expect.poll(() => page.getByTestId('mechanism-preset-shallow').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => new URL(page.url()).searchParams.get('steps')).toBe('3000');
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
