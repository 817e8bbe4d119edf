/**
 * The RL stage in the browser: a tiny SFT + RL run (both arms, each in its worker) trains through the phase
 * boundary to the last step; the step counter counts both phases, the RL chart appears with the boundary marked
 * and reports reward, CoT rate and right bridge for both arms, and the accuracy chart's CSV has points on both
 * sides of the boundary. No timing bounds: generous poll timeouts only.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { useBrowser, savedDownload } from './harness';

const app = useBrowser();
const SFT = 40;
const RL = 30;
const TINY = `entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&steps=${SFT}&rlSteps=${RL}&rlSamples=4&evalEvery=10&evalEarly=off&backend=wasm`;

test('a tiny SFT + RL run trains to the end; the RL chart shows both arms after the boundary', { timeout: 300_000 }, async () => {
  const p = await app.open(`/?${TINY}`, { width: 1440, height: 900 });
  const toggle = p.page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 60_000 }).toBe(true);
  // before Play: the RL chart is there (rlSteps > 0) and says when RL starts
  await expect(p.page.getByTestId('rl-chart').innerText()).resolves.toContain(`RL starts after SFT step ${SFT}`);
  await toggle.click();
  await expect.poll(() => p.page.getByTestId('step-count').innerText().then(Number), { timeout: 240_000 }).toBe(SFT + RL);
  await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 60_000 }).not.toMatch(/^Training/);
  const headline = p.page.getByTestId('rl-headline');
  await expect.poll(() => headline.innerText(), { timeout: 30_000 }).toMatch(/CoT: reward \d\.\d\d · CoT rate \d\.\d\d · right bridge \d\.\d\d/);
  await expect.poll(() => headline.innerText(), { timeout: 30_000 }).toMatch(/direct: reward \d\.\d\d · CoT rate \d\.\d\d · right bridge \d\.\d\d/);
  await expect(p.page.getByTestId('rl-chart').innerText()).resolves.toContain(`RL stage (steps ${SFT}–${SFT + RL})`);
  // the boundary is marked on the accuracy chart too
  await expect(p.page.getByTestId('acc-chart').innerText()).resolves.toContain('RL →');
  const [csv] = await Promise.all([p.page.waitForEvent('download'), p.page.locator('.chart-card').first().getByRole('button', { name: 'CSV' }).click()]);
  const steps = readFileSync(await savedDownload(csv), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.split(',')[0]));
  expect(steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  await p.page.getByTestId('rl-chart').scrollIntoViewIfNeeded();
  await p.screenshot('rl-stage-1440x900');
  expect(p.errors()).toEqual([]);
  await p.close();
});

test('the cold-start recipe sets CoT share 0.1 and an RL stage; its comparison the same steps as SFT only', async () => {
  const p = await app.open('/?entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50');
  await p.page.getByTestId('recipe-cold-start').click();
  await expect.poll(() => p.page.getByTestId('param-cotShare').inputValue()).toBe('0.1');
  await expect.poll(() => p.page.url()).toMatch(/rlSteps=1000/);
  await expect(p.page.getByTestId('recipe-cold-start').getAttribute('aria-pressed')).resolves.toBe('true');
  await p.page.getByTestId('recipe-cold-start-sft').click();
  await expect.poll(() => p.page.url()).toMatch(/steps=2500/); // the default's 1,500 SFT steps + the 1,000 RL steps
  expect(p.page.url()).not.toMatch(/rlSteps/);
  expect(p.errors()).toEqual([]);
  await p.close();
});
