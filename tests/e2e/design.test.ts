/** The designer and the live preview in a real browser: controls, preview updates, themes, screenshots. */
import { describe, expect, test } from 'vitest';
import { PARAMS } from '../../src/experiment/schema';
import { queryOf, useBrowser } from './harness';

const app = useBrowser();
const splitText = (p: { page: import('playwright-core').Page }) => p.page.getByTestId('split-sizes').innerText();

describe('designer and preview', () => {
  test('loads with every parameter as a labelled control, a preview and no console errors', async () => {
    const p = await app.open('/');
    for (const param of PARAMS) {
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
    await expect(p.page.locator('.graph-picture svg .edge.on-path.ood').count()).resolves.toBe(2);
    await expect(p.page.locator('.sample-cot .chip.bridge').count()).resolves.toBeGreaterThan(0);
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
    await expect.poll(() => slider.getAttribute('data-value')).toBe('250');
    await expect.poll(() => splitText(p), { timeout: 5000 }).toMatch(/Atomic facts\s*2,500/);
    expect(await splitText(p)).not.toBe(before);
    await expect.poll(() => queryOf(p.page).get('entities')).toBe('250');
    expect(queryOf(p.page).get('v')).toBe('1');

    // fill() sets the range directly; the number box follows
    await slider.fill('400');
    await expect.poll(() => splitText(p), { timeout: 5000 }).toMatch(/Atomic facts\s*4,000/);
    await expect.poll(() => queryOf(p.page).get('entities')).toBe('400');

    // the exact-value box: out of range → clamped with a notice
    const box = p.page.getByRole('textbox', { name: 'Entities, exact value' });
    await box.fill('5');
    await box.press('Enter');
    await expect.poll(() => slider.getAttribute('data-value')).toBe('10');
    await expect(p.page.getByTestId('notice').filter({ hasText: 'entities' }).count()).resolves.toBeGreaterThan(0);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('hops = 3 shows three-hop samples with two bridges; a huge graph shows a message instead', async () => {
    const p = await app.open('/');
    await p.page.getByTestId('param-hops').selectOption('3');
    await expect.poll(() => p.page.locator('.sample-cot h3').innerText()).toMatch(/Three-hop/);
    const bridges = await p.page.locator('.sample-cot li').first().locator('.chip.bridge').count();
    expect(bridges).toBe(2);
    await p.page.getByTestId('param-entities').fill('2000');
    await p.page.getByTestId('param-degree').fill('20');
    await expect.poll(() => splitText(p), { timeout: 5000 }).toMatch(/more than the 3,000,000/);
    await p.screenshot('design-too-big');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('keyboard shortcuts reach the training store but not while typing', async () => {
    const p = await app.open('/');
    const step = p.page.getByTestId('step-count');
    await step.waitFor();
    const box = p.page.getByRole('textbox', { name: 'Seed, exact value' });
    await box.focus();
    await p.page.keyboard.type('s r');
    await expect(box.inputValue()).resolves.toContain('s r');
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
