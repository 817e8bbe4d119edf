/**
 * After Play, the accuracy chart is in view without scrolling (the training panel moves up under the bar) at
 * laptop and desktop sizes, and the first accuracy points come from the early evaluations (steps 10, 20, …), not
 * only after the first regular one; the chart says how its points are spaced.
 */
import { expect, test } from 'vitest';
import { useBrowser, savedDownload } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&steps=400&evalEvery=100&backend=wasm';

test('once Play is pressed the accuracy chart is on screen (1280×800, 1440×900, 1920×1080), fed by early points', async () => {
  for (const [width, height] of [
    [1280, 800],
    [1440, 900],
    [1920, 1080],
  ]) {
    const p = await app.open(`/?${TINY}`, { width, height });
    const toggle = p.page.getByTestId('train-toggle');
    await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
    await toggle.click();
    // the first early evaluation (step 10) reaches the chart: a point beyond step 0
    await expect.poll(() => p.page.getByTestId('step-count').innerText().then(Number), { timeout: 60_000 }).toBeGreaterThanOrEqual(10);
    await p.page.getByTestId('train-toggle').click(); // pause: the layout holds still for the measurement
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 20_000 }).toMatch(/^Paused/);
    const box = (await p.page.getByTestId('acc-chart').boundingBox())!;
    expect(box.y, `${width}×${height}`).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, `${width}×${height}`).toBeLessThanOrEqual(height);
    await expect(p.page.getByTestId('eval-spacing').innerText()).resolves.toMatch(/^Points: step 0; steps 10, 20, 40 on 50 queries per split/);
    if (width === 1280) {
      const [csv] = await Promise.all([p.page.waitForEvent('download'), p.page.locator('.chart-card').first().getByRole('button', { name: 'CSV' }).click()]);
      const { readFileSync } = await import('node:fs');
      const steps = readFileSync(await savedDownload(csv), 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l) => Number(l.split(',')[0]));
      expect(steps.slice(0, 2)).toEqual([0, 10]);
      await p.screenshot('curves-in-view-1280x800');
    }
    expect(p.errors()).toEqual([]);
    await p.close();
  }
});
