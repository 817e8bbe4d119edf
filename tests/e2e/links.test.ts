/** Links in and out: the address mirrors the config; opening a link (even a hostile one) restores a safe config. */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { queryOf, useBrowser } from './harness';

const app = useBrowser();
/** Polls wait this long: the preview worker and the training worker share a busy CPU. */
const SLOW = { timeout: 10_000 };
const valueOfParam = (page: Page, key: string) => page.getByTestId(`param-${key}`).getAttribute('data-value');

describe('links', () => {
  test('a link restores the controls, opens folded groups and stays in the address', async () => {
    const link = '/?v=3&entities=300&hops=3&degree=6&oodShare=0.2&lr=0.003&layers=2&arms=cot&noiseKind=b';
    const p = await app.open(link);
    const want: Record<string, string> = { entities: '300', hops: '3', degree: '6', oodShare: '0.2', lr: '0.003', layers: '2', arms: 'cot', noiseKind: 'b' };
    for (const [k, v] of Object.entries(want)) await expect(valueOfParam(p.page, k), k).resolves.toBe(v);
    await expect(p.page.getByTestId('param-hops').inputValue()).resolves.toBe('3');
    await expect(p.page.getByRole('textbox', { name: 'Entities, exact value' }).inputValue()).resolves.toBe('300');
    await expect(p.page.getByTestId('param-layers').isVisible()).resolves.toBe(true); // Model group opened
    // nothing to correct (a backend notice may come: with backend=auto, SwiftShader's WebGPU is skipped)
    await expect(p.page.getByTestId('notice').filter({ hasText: 'Link corrected' }).count()).resolves.toBe(0);
    await expect(p.page.getByTestId('split-sizes').innerText()).resolves.toMatch(/Atomic facts\s*1,800/);
    for (const [k, v] of Object.entries(want)) expect(queryOf(p.page).get(k), k).toBe(v);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a hostile link loads safe values, shows a notice and runs no script', async () => {
    const hostile = '/?entities=abc&layers=999&foo=<script>alert(1)</script>&degree=-5&' + 'x'.repeat(5000);
    const p = await app.open(hostile);
    const notice = p.page.getByTestId('notice').first();
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toMatch(/^Link corrected:/m);
    expect(text).toContain('entities');
    expect(text).toContain('layers');
    expect(text).toContain('degree');
    await expect(valueOfParam(p.page, 'entities')).resolves.toBe('200');
    await expect(valueOfParam(p.page, 'layers')).resolves.toBe('24'); // 999 clamped to the schema's maximum
    await expect(valueOfParam(p.page, 'degree')).resolves.toBe('1');
    // the page works: preview generated, controls respond
    await p.page.getByTestId('split-sizes').waitFor();
    await p.page.getByTestId('param-entities').fill('300');
    await expect.poll(() => queryOf(p.page).get('entities'), SLOW).toBe('300');
    // nothing from the link ran or became markup
    expect(p.dialogs).toEqual([]);
    const injected = await p.page.evaluate(
      () => [...document.querySelectorAll('script')].filter((s) => !s.src || (s.textContent ?? '').includes('alert')).length,
    );
    expect(injected).toBe(0);
    await expect(p.page.evaluate(() => document.body.innerHTML.includes('<script>alert'))).resolves.toBe(false);
    // the address now holds the corrected, short link
    expect(p.page.url().length).toBeLessThan(200);
    expect(queryOf(p.page).has('foo')).toBe(false);
    await p.screenshot('links-hostile');
    // the notice can be dismissed
    const before = await p.page.getByTestId('notice').count();
    await p.page.getByTestId('notice').first().getByRole('button', { name: 'Dismiss this notice' }).click();
    await expect(p.page.getByTestId('notice').count()).resolves.toBe(before - 1);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('copy link puts the current link on the clipboard and it reopens the same experiment', async () => {
    const p = await app.open('/', { clipboard: true });
    expect(new URL(p.page.url()).search).toBe(''); // the default experiment has a bare address
    await p.page.getByTestId('param-hops').selectOption('3');
    await p.page.getByTestId('param-entities').fill('120');
    await p.page.getByTestId('copy-link').click();
    await expect.poll(() => p.page.getByTestId('copy-link').innerText(), SLOW).toContain('Copied');
    const copied = await p.page.evaluate(() => navigator.clipboard.readText());
    const q = new URL(copied).searchParams;
    expect(Object.fromEntries(q)).toEqual({ v: '3', entities: '120', hops: '3' });
    const again = await app.open(new URL(copied).pathname + new URL(copied).search);
    await expect(valueOfParam(again.page, 'entities')).resolves.toBe('120');
    await expect(valueOfParam(again.page, 'hops')).resolves.toBe('3');
    await again.close();
    // back to the defaults: the query disappears
    await p.page.getByRole('button', { name: 'Defaults' }).click();
    await expect.poll(() => new URL(p.page.url()).search, SLOW).toBe('');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('without a clipboard, copy link shows the link selected in a read-only box', async () => {
    const p = await app.open('/?entities=90');
    await p.page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
    await p.page.getByTestId('copy-link').click();
    const box = p.page.getByRole('textbox', { name: 'Link to this experiment' });
    await box.waitFor();
    await expect(box.inputValue()).resolves.toMatch(/\?v=3&entities=90$/);
    await expect(box.getAttribute('readonly')).resolves.not.toBeNull();
    await expect(p.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.selectionEnd ?? 0)).resolves.toBeGreaterThan(10);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('back and forward (popstate) load the link of that history entry', async () => {
    const p = await app.open('/?entities=150');
    await p.page.evaluate(() => {
      history.pushState(null, '', '?v=3&entities=500');
      history.pushState(null, '', '?v=3&entities=600');
    });
    await p.page.goBack();
    await expect.poll(() => valueOfParam(p.page, 'entities'), SLOW).toBe('500');
    await p.page.goBack();
    await expect.poll(() => valueOfParam(p.page, 'entities'), SLOW).toBe('150');
    await p.page.goForward();
    await expect.poll(() => valueOfParam(p.page, 'entities'), SLOW).toBe('500');
    expect(p.errors()).toEqual([]);
    await p.close();
  });
  test('the gallery opens from a link, quotes the kept reports, and Run it loads and starts a finding', async () => {
    const p = await app.open('/?gallery=1');
    const cards = p.page.getByTestId('gallery-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    // the header's buttons fit: the page is no wider than the window
    await expect(p.page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBe(1280);
    const parity = p.page.locator('[data-finding="parity"]');
    await expect(parity.innerText()).resolves.toMatch(/CoT on unseen strings 1\.000 at the end/);
    await expect(parity.getByTestId('gallery-agreement').innerText()).resolves.toMatch(/^Agrees/);
    await p.screenshot('gallery');
    await parity.getByTestId('gallery-run').click();
    await expect.poll(() => queryOf(p.page).get('task')).toBe('parity');
    expect(queryOf(p.page).has('gallery')).toBe(false);
    await expect(p.page.getByTestId('gallery').count()).resolves.toBe(0);
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), SLOW).toMatch(/^Training/);
    // back: the gallery again
    await p.page.goBack();
    await p.page.getByTestId('gallery-card').first().waitFor();
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
