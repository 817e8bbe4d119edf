/** The designer and the live preview in a real browser: controls, preview updates, themes, screenshots. */
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, paramsOf } from '../../src/experiment/schema';
import { queryOf, useBrowser } from './harness';

const app = useBrowser();
/** Polls wait this long: the preview worker and the training worker share a busy CPU. */
const SLOW = { timeout: 10_000 };
const splitText = (p: { page: import('playwright-core').Page }) => p.page.getByTestId('split-sizes').innerText();

describe('designer and preview', () => {
  test('loads with every parameter of the default task as a labelled control, a preview and no console errors', async () => {
    const p = await app.open('/');
    for (const param of paramsOf(DEFAULT_CONFIG.task)) {
      const control = p.page.getByTestId(`param-${param.key}`);
      await expect(control.count(), param.key).resolves.toBe(1);
      // each control has an accessible name from its <label>
      const name = await control.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '');
      expect(name, param.key).toBe(param.label);
      await expect(control.getAttribute('data-value')).resolves.toBe(String(param.default));
    }
    await p.page.getByTestId('split-sizes').waitFor();
    const text = await splitText(p);
    expect(text).toMatch(/Atomic facts\s*2,000/);
    await expect(p.page.locator('.graph-picture svg .edge.chain.highlight').count()).resolves.toBe(2);
    // the same OOD test path in both formats: a bridge (an intermediate step) only in the CoT column
    const oodRow = p.page.locator('.sample-table tbody tr.is-highlight');
    await expect(oodRow.locator('td').nth(0).locator('.chip.part-step').count()).resolves.toBe(0);
    await expect(oodRow.locator('td').nth(1).locator('.chip.part-step').count()).resolves.toBe(1);
    await p.screenshot('design-1280x800');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('moving the entities slider updates the preview and the address', async () => {
    const p = await app.open('/');
    await p.page.getByTestId('split-sizes').waitFor();
    const before = await splitText(p);
    const slider = p.page.getByTestId('param-entities');
    await slider.focus();
    for (let i = 0; i < 5; i++) await p.page.keyboard.press('ArrowRight'); // 200 → 250 (step 10)
    await expect.poll(() => slider.getAttribute('data-value'), SLOW).toBe('250');
    await expect.poll(() => splitText(p), SLOW).toMatch(/Atomic facts\s*2,500/);
    expect(await splitText(p)).not.toBe(before);
    await expect.poll(() => queryOf(p.page).get('entities'), SLOW).toBe('250');
    expect(queryOf(p.page).get('v')).toBe('3');

    // fill() sets the range directly; the number box follows
    await slider.fill('400');
    await expect.poll(() => splitText(p), SLOW).toMatch(/Atomic facts\s*4,000/);
    await expect.poll(() => queryOf(p.page).get('entities'), SLOW).toBe('400');

    // the exact-value box: out of range → clamped with a notice
    const box = p.page.getByRole('textbox', { name: 'Entities, exact value' });
    await box.fill('5');
    await box.press('Enter');
    await expect.poll(() => slider.getAttribute('data-value'), SLOW).toBe('10');
    await expect(p.page.getByTestId('notice').filter({ hasText: 'entities' }).count()).resolves.toBeGreaterThan(0);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('hops = 3 shows three-hop samples with two bridges; a huge graph shows a message instead', async () => {
    const p = await app.open('/');
    await p.page.getByTestId('param-hops').selectOption('3');
    await expect.poll(() => p.page.locator('.sample-table th.sample-cot').innerText(), SLOW).toMatch(/Three-hop/);
    const bridges = await p.page.locator('.sample-table tbody tr').first().locator('td').nth(1).locator('.chip.part-step').count();
    expect(bridges).toBe(2);
    await p.page.getByTestId('param-entities').fill('2000');
    await p.page.getByTestId('param-degree').fill('20');
    await expect.poll(() => splitText(p), SLOW).toMatch(/more than the 3,000,000/);
    await p.screenshot('design-too-big');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('the task picker switches to parity and back: its own parameters and its preview', async () => {
    const p = await app.open('/');
    await p.page.getByTestId('split-sizes').waitFor();
    await p.page.getByTestId('param-task').selectOption('parity');
    await expect.poll(() => p.page.getByTestId('param-bits').count(), SLOW).toBe(1);
    await expect(p.page.getByTestId('param-entities').count()).resolves.toBe(0);
    await expect.poll(() => splitText(p), SLOW).toMatch(/Training strings\s*2,000/);
    await expect.poll(() => queryOf(p.page).get('task'), SLOW).toBe('parity');
    await expect(p.page.locator('.graph-picture').count()).resolves.toBe(0);
    await p.page.getByTestId('param-task').selectOption('kg');
    await expect.poll(() => splitText(p), SLOW).toMatch(/Atomic facts\s*2,000/);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('keyboard: space plays/pauses, s steps, but not while typing', async () => {
    // a tiny model so that one step is quick even on the CPU
    // steps=100000: on the wasm fast path this model trains thousands of steps a second; it must not finish before the pause
    const p = await app.open('/?v=3&entities=20&relations=4&degree=2&layers=1&heads=1&dModel=16&batch=8&arms=cot&steps=100000');
    const toggle = p.page.getByTestId('train-toggle');
    await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
    const title = () => toggle.getAttribute('title');
    expect(await title()).toMatch(/^Train/);
    await p.page.locator('h1').click(); // focus on the page, not on a control
    await p.page.keyboard.press('Space');
    await expect.poll(title, SLOW).toMatch(/^Pause/);
    await p.page.keyboard.press('Space'); // the worker confirms the pause after its current step
    await expect.poll(title, { timeout: 30_000 }).toMatch(/^Train/);
    const steps = Number(await p.page.getByTestId('step-count').innerText());
    await p.page.keyboard.press('s');
    await expect.poll(async () => Number(await p.page.getByTestId('step-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(steps);
    // typing in a text box is just typing
    const box = p.page.getByRole('textbox', { name: 'Seed, exact value' });
    await box.focus();
    await p.page.keyboard.type(' s');
    await expect(box.inputValue()).resolves.toContain(' s');
    expect(await title()).toMatch(/^Train/);
    await p.page.keyboard.press('Escape');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('dark theme is remembered and the layout holds at 1920×1080', async () => {
    const p = await app.open('/', { width: 1920, height: 1080 });
    await p.page.getByTestId('split-sizes').waitFor();
    await p.screenshot('design-1920x1080');
    await p.page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await expect(p.page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    const bg = await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(246, 247, 249)');
    await p.page.reload();
    await p.page.getByTestId('split-sizes').waitFor();
    await expect(p.page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await p.screenshot('design-dark-1920x1080');
    await p.page.setViewportSize({ width: 1280, height: 800 });
    await p.screenshot('design-dark-1280x800');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('follows prefers-color-scheme on a first visit', async () => {
    const p = await app.open('/', { colorScheme: 'dark' });
    await expect(p.page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await p.close();
  });
});
