/**
 * The second task in the page: a tiny parity run (both arms, an RL stage after SFT) trains to the end; the
 * headline, the status line, the inspector, the mechanism charts and the RL chart all read the task (its test
 * strings, its running parities), and the link keeps the task. No timing bounds: generous poll timeouts only.
 */
import { expect, test } from 'vitest';
import { useBrowser } from './harness';

const app = useBrowser();
const SFT = 60;
const RL = 20;
const TINY = `task=parity&bits=6&trainSize=32&evalSize=50&steps=${SFT}&rlSteps=${RL}&rlSamples=4&evalEvery=20&evalEarly=off&backend=wasm`;

test('parity trains both arms in the page; every panel reads the task', { timeout: 300_000 }, async () => {
  const p = await app.open(`/?${TINY}`, { width: 1280, height: 800 });
  const toggle = p.page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 60_000 }).toBe(true);
  await expect(p.page.getByTestId('param-task').inputValue()).resolves.toBe('parity');
  await expect(p.page.getByTestId('param-entities').count()).resolves.toBe(0);
  await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/^Test strings:/);
  await toggle.click();
  await expect.poll(() => p.page.getByTestId('step-count').innerText().then(Number), { timeout: 240_000 }).toBe(SFT + RL);
  await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 60_000 }).toMatch(/^Finished/);
  await expect(p.page.getByTestId('ood-headline').innerText()).resolves.toMatch(/^Test strings:\s*CoT\s*\d\.\d\d\s*vs\s*direct\s*\d\.\d\d$/);
  await expect(p.page.getByTestId('train-status').innerText()).resolves.toMatch(/on Test strings/);
  await expect.poll(() => p.page.getByTestId('rl-headline').innerText(), { timeout: 30_000 }).toMatch(/CoT: reward \d\.\d\d/);
  // the inspector: a test string and its running parities
  await expect.poll(() => p.page.locator('.truth-line').innerText(), { timeout: 30_000 }).toMatch(/^Truth: [01 ]+= → [EO ]+⇒ [EO] · (unseen|training) string/);
  // the mechanism: the lens of the first running parity
  await expect.poll(() => p.page.getByText('Where is the parity of bit 1 found?').count(), { timeout: 60_000 }).toBe(1);
  expect(p.page.url()).toMatch(/task=parity/);
  await p.screenshot('parity-trained-1280x800');
  expect(p.errors()).toEqual([]);
  await p.close();
});
