/**
 * Classroom links: hide parts of the page (and out of the tab order), lock parameters, presenter view, and the
 * classroom panel's "Copy link for students". Page keys stay in the address and in Copy link; bad ones are
 * corrected in the "Link corrected" notice, as text.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { queryOf, useBrowser } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&backend=wasm&steps=400';

/** data-testid / class / text of every element Tab reaches, in order (until focus comes back round). */
async function tabOrder(page: Page, max = 200): Promise<string[]> {
  await page.locator('h1').click(); // sequential navigation starts from the top of the page
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const where = el.closest('.designer-column')
        ? 'designer'
        : el.closest('.inspector')
          ? 'inspector'
          : el.closest('[data-testid="mechanism-panel"]')
            ? 'mechanism'
            : el.closest('.explain')
              ? 'explanation'
              : el.closest('.preview')
                ? 'preview'
                : el.closest('.runs-panel')
                  ? 'runs'
                  : '';
      return `${where}|${el.dataset?.testid ?? ''}|${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}|${(el.textContent ?? '').trim().slice(0, 20)}`;
    });
    if (id === null || (seen.length > 0 && id === seen[0])) break;
    seen.push(id);
  }
  return seen;
}

describe('classroom links', () => {
  test('hide=designer,inspector,mechanism,explanation,preview&presenter=1: only the rest is shown and reachable; the keys stay in the address and in Copy link', async () => {
    const p = await app.open(`/?${TINY}&hide=designer,inspector,mechanism,explanation,preview&presenter=1`, { clipboard: true });
    const { page } = p;
    await expect(page.locator('.designer-column').count()).resolves.toBe(0);
    await expect(page.locator('.explain').count()).resolves.toBe(0);
    await expect(page.locator('.preview').count()).resolves.toBe(0);
    await page.locator('.inspector').waitFor({ state: 'attached' });
    await expect(page.locator('.inspector').isVisible()).resolves.toBe(false);
    await expect(page.locator('.app.presenter').count()).resolves.toBe(1);
    await expect(page.getByTestId('notice').filter({ hasText: 'Link corrected' }).count()).resolves.toBe(0);
    expect(queryOf(page).get('hide')).toBe('designer,explanation,preview,inspector,mechanism');
    expect(queryOf(page).get('presenter')).toBe('1');
    expect(queryOf(page).get('entities')).toBe('40');
    // presenter view: larger type, and the page still fills the window without a horizontal scroll bar
    const zoom = await page.evaluate(() => getComputedStyle(document.querySelector('.app')!).zoom);
    expect(Number(zoom)).toBeGreaterThan(1.2);
    await expect(page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).resolves.toBe(true);
    const filled = await page.evaluate(() => document.querySelector('.main-column')!.getBoundingClientRect().bottom / window.innerHeight);
    expect(filled).toBeGreaterThan(0.98);
    expect(filled).toBeLessThan(1.02);
    // train a little: the curves are there, the hidden parts stay out of the tab order
    const toggle = page.getByTestId('train-toggle');
    await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
    await toggle.click();
    await expect.poll(() => page.getByTestId('step-count').innerText().then(Number), { timeout: 60_000 }).toBeGreaterThanOrEqual(10);
    await toggle.click();
    const order = await tabOrder(page);
    expect(order.length).toBeGreaterThan(5);
    expect(order.filter((x) => /^(designer|inspector|mechanism|explanation|preview)\|/.test(x))).toEqual([]);
    expect(
      order.some((x) => x.includes('|train-toggle|')),
      order.join('\n'),
    ).toBe(true);
    await p.screenshot('classroom-hidden-presenter-1280x800');
    // Copy link keeps the page keys
    await page.getByTestId('copy-link').click();
    await expect.poll(() => page.getByTestId('copy-link').innerText()).toContain('Copied');
    const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied.searchParams.get('hide')).toBe('designer,explanation,preview,inspector,mechanism');
    expect(copied.searchParams.get('presenter')).toBe('1');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('lock=entities,model: those controls are shown but disabled; Defaults leaves them alone', async () => {
    const p = await app.open(`/?entities=60&layers=2&degree=5&lock=entities,model`);
    const { page } = p;
    await expect(page.getByTestId('param-entities').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('textbox', { name: 'Entities, exact value' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('param-layers').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('param-degree').isDisabled()).resolves.toBe(false);
    await expect(page.locator('.param.locked').first().innerText()).resolves.toContain('Locked by this link.');
    await page.getByRole('button', { name: 'Defaults' }).click();
    await expect.poll(() => queryOf(page).get('degree')).toBe(null);
    expect(queryOf(page).get('entities')).toBe('60');
    expect(queryOf(page).get('layers')).toBe('2');
    expect(queryOf(page).get('lock')).toBe('entities,model');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('unknown page values are corrected in the notice, as text, and dropped from the address', async () => {
    const p = await app.open('/?hide=designer,<b>x</b>,desginer&lock=bogus&presenter=maybe&entities=50');
    const { page } = p;
    const notice = page.getByTestId('notice').filter({ hasText: 'Link corrected' });
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('hide: "<b>x</b>" is not a part of the page or a parameter; ignored.');
    expect(text).toContain('(did you mean designer?)');
    expect(text).toContain('lock: "bogus"');
    expect(text).toContain('presenter: "maybe" is not 1 or 0; ignored.');
    await expect(page.locator('.notice b').count()).resolves.toBe(0); // not markup
    await expect(page.locator('.designer-column').count()).resolves.toBe(0);
    expect(queryOf(page).get('hide')).toBe('designer');
    expect(queryOf(page).has('lock')).toBe(false);
    expect(queryOf(page).has('presenter')).toBe(false);
    expect(queryOf(page).get('entities')).toBe('50');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('the classroom panel: choose what students see and lock, copy the link for students, and it opens that page', async () => {
    const p = await app.open(`/?${TINY}`, { clipboard: true });
    const { page } = p;
    await page.getByTestId('classroom-toggle').click();
    await page.getByTestId('classroom-panel').waitFor();
    await page.getByTestId('show-model').uncheck();
    await page.getByTestId('show-inspector').uncheck();
    await page.getByTestId('show-explanation').uncheck();
    await page.getByTestId('lock-data').check();
    await page.getByTestId('student-presenter').check();
    await page.getByTestId('student-story').check();
    await p.screenshot('classroom-panel-1280x800');
    await page.getByTestId('copy-student-link').click();
    await expect.poll(() => page.getByTestId('copy-student-link').innerText()).toContain('Copied');
    const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied.searchParams.get('hide')).toBe('model,explanation,inspector,classroom');
    expect(copied.searchParams.get('lock')).toBe('data');
    expect(copied.searchParams.get('presenter')).toBe('1');
    expect(copied.searchParams.get('story')).toBe('1');
    expect(copied.searchParams.get('entities')).toBe('40');
    await expect(page.getByTestId('student-link').inputValue()).resolves.toBe(copied.toString());
    // the teacher's own page is unchanged
    expect(queryOf(page).has('hide')).toBe(false);

    const s = await app.open(copied.pathname + copied.search, { waitFor: '[data-testid="story-step"]' });
    await expect(s.page.getByTestId('notice').filter({ hasText: 'Link corrected' }).count()).resolves.toBe(0);
    await expect(s.page.getByTestId('classroom-toggle').count()).resolves.toBe(0);
    await expect(s.page.getByTestId('param-layers').count()).resolves.toBe(0); // the model group is hidden
    await expect(s.page.getByTestId('param-entities').isDisabled()).resolves.toBe(true);
    await expect(s.page.getByTestId('param-arms').isDisabled()).resolves.toBe(false);
    await expect(s.page.locator('.explain').count()).resolves.toBe(0);
    await expect(s.page.locator('.app.presenter').count()).resolves.toBe(1);
    await s.screenshot('classroom-student-1280x800');
    expect(s.errors()).toEqual([]);
    await s.close();
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
