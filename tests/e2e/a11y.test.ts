/**
 * Accessible and calm: axe-core finds no serious or critical violation on the first screen, the trained page
 * and the tour (light and dark); every visible control is reached by Tab and shows a visible focus ring;
 * prefers-reduced-motion stops the tour's pulse; at tablet width (768 × 1024) the designer and the training
 * panel stack, nothing scrolls sideways, and the tour card fits.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './axe';
import { switchTheme, useBrowser } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&backend=wasm&steps=2000';

/** Trains until a few evaluations are in, then pauses (the page holds still). */
async function trainAWhile(page: Page, steps = 30): Promise<void> {
  const toggle = page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
  await toggle.click();
  await expect.poll(() => page.getByTestId('step-count').innerText().then(Number), { timeout: 60_000 }).toBeGreaterThanOrEqual(steps);
  await toggle.click();
  await expect.poll(() => page.getByTestId('train-status').innerText(), { timeout: 20_000 }).toMatch(/^Paused/);
  await page.locator('[data-testid="logit-lens"]').first().waitFor();
}

describe('accessibility', () => {
  test('axe: no serious or critical violations on the first screen, the trained page and the tour (light and dark)', async () => {
    // one page, its theme switched with the header's toggle between the checks of each state
    const p = await app.open(`/?${TINY}`);
    const both = async (what: string) => {
      for (const theme of ['light', 'dark'] as const) {
        await switchTheme(p.page, theme);
        expect(await seriousViolations(p.page), `${what}, ${theme}`).toEqual([]);
      }
      await switchTheme(p.page, 'light');
    };
    await p.page.getByTestId('split-sizes').waitFor();
    await both('first screen');
    await trainAWhile(p.page);
    await both('trained');
    // every step of the tour in the light theme; then the dark theme's colours on the first step and the lens step
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(p.page, theme);
      await p.page.getByTestId('story-start').click();
      for (let i = 0; i < 8; i++) {
        await expect(p.page.getByTestId('story-step').getAttribute('data-step')).resolves.toBe(String(i));
        if (theme === 'light' || i === 0 || i === 4) expect(await seriousViolations(p.page), `tour step ${i}, ${theme}`).toEqual([]);
        if (theme === 'dark' && i === 4) break;
        if (i < 7) await p.page.getByTestId('story-next').click();
      }
      if (theme === 'light') await p.page.getByTestId('story-next').click();
      else await p.page.keyboard.press('Escape');
      await expect.poll(() => p.page.getByTestId('story-step').count()).toBe(0);
    }
    await p.page.getByTestId('classroom-toggle').click();
    await both('classroom panel');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('keyboard: Tab reaches every visible control, each with a visible focus ring; Enter on Play trains', async () => {
    const p = await app.open(`/?${TINY}`);
    const { page } = p;
    await trainAWhile(page);
    await page.getByTestId('classroom-toggle').click(); // its controls count too
    await page.locator('h1').click(); // sequential navigation starts at the top
    const reached: { id: string; ring: boolean }[] = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const r = await page.evaluate((n) => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        if (el.dataset.tabbed) return { id: el.dataset.tabbed, ring: true, again: true };
        el.dataset.tabbed = String(n);
        const s = getComputedStyle(el);
        const ring = el.matches(':focus-visible') && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none');
        return {
          id: `${el.tagName.toLowerCase()} ${el.dataset.testid ?? el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 24)}`,
          ring,
          again: false,
        };
      }, i);
      if (r === null || r.again) break;
      reached.push(r);
    }
    expect(reached.length).toBeGreaterThan(40);
    expect(reached.filter((r) => !r.ring).map((r) => r.id)).toEqual([]);
    // every visible, enabled control was reached
    const missed = await page.evaluate(() => {
      const sel = 'button, a[href], input:not([type="hidden"]), select, textarea, summary, [tabindex="0"]';
      return [...document.querySelectorAll<HTMLElement>(sel)]
        .filter(
          (el) =>
            !(el as HTMLButtonElement).disabled &&
            el.getClientRects().length > 0 &&
            getComputedStyle(el).visibility !== 'hidden' &&
            !el.closest('details:not([open]) > :not(summary)'),
        )
        .filter((el) => !el.dataset.tabbed)
        .map((el) => `${el.tagName.toLowerCase()} ${el.dataset.testid ?? el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 24)}`);
    });
    expect(missed).toEqual([]);
    // operable: Enter on a focused Play button trains
    await page.getByTestId('train-toggle').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('train-status').innerText(), { timeout: 20_000 }).not.toMatch(/^Paused/);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('prefers-reduced-motion: the tour points without pulsing and scrolls without smoothing', async () => {
    const p = await app.open(`/?${TINY}`);
    await p.page.getByTestId('story-start').click();
    const target = p.page.locator('.story-target');
    await target.waitFor();
    await expect(target.evaluate((el) => getComputedStyle(el).animationName)).resolves.toBe('story-pulse');
    await p.page.emulateMedia({ reducedMotion: 'reduce' });
    await expect(target.evaluate((el) => getComputedStyle(el).animationName)).resolves.toBe('none');
    await expect(p.page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).resolves.toBe(true);
    // the designer's transitions are off too
    await expect(
      p.page.evaluate(() => [...document.querySelectorAll('*')].every((e) => ['0s', ''].includes(getComputedStyle(e).transitionDuration.split(',')[0].trim()))),
    ).resolves.toBe(true);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('tablet 768×1024: the designer and the training panel stack, nothing scrolls sideways, the tour card fits', async () => {
    const p = await app.open(`/?${TINY}`, { width: 768, height: 1024 });
    const { page } = p;
    const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.getByTestId('split-sizes').waitFor();
    await expect(noSideways()).resolves.toBe(true);
    await p.screenshot('tablet-768x1024-first');
    await trainAWhile(page);
    const designer = (await page.locator('.designer-column').boundingBox())!;
    const panel = (await page.locator('.training-panel').boundingBox())!;
    expect(designer.width).toBeGreaterThan(700);
    expect(panel.width).toBeGreaterThan(650);
    expect(designer.y + designer.height).toBeLessThanOrEqual(panel.y + 1);
    await expect(noSideways()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('.training-panel').scrollIntoViewIfNeeded();
    await p.screenshot('tablet-768x1024-trained');
    await page.getByTestId('story-start').click();
    await page.getByTestId('story-next').click();
    await page.getByTestId('story-next').click();
    const card = (await page.getByTestId('story-step').boundingBox())!;
    // the chart the step points at is scrolled into view, above the card
    await expect
      .poll(async () => {
        const b = (await page.getByTestId('acc-chart').boundingBox())!;
        return b.y >= 0 && b.y + b.height <= card.y;
      })
      .toBe(true);
    expect(card.x).toBeGreaterThanOrEqual(0);
    expect(card.x + card.width).toBeLessThanOrEqual(768);
    expect(card.y + card.height).toBeLessThanOrEqual(1024);
    await expect(noSideways()).resolves.toBe(true);
    await p.screenshot('tablet-768x1024-tour');
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
