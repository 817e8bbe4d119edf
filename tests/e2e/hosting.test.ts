/**
 * Hostable anywhere: the production build has a relative base, so the same files served from a sub-path (as
 * GitHub Pages or a school's web server would) load, train in their workers (wasm binaries found), link to the
 * science page and the license notices, and give share links that point at the page they came from.
 */
import { expect, inject, test } from 'vitest';
import { useBrowser } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&steps=4&evalEvery=2&backend=wasm';

test('the build served from a sub-path trains, links to its documents and shares links to itself', async () => {
  const base = inject('subpathURL');
  expect(new URL(base).pathname).toBe('/school/cot-playground/');
  const p = await app.open(`${base}?${TINY}`);
  const toggle = p.page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 30_000 }).toBe(true);
  await toggle.click();
  await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: 60_000 }).toMatch(/^Finished 4 steps/);
  await expect(p.page.getByTestId('backend').innerText()).resolves.toBe('wasm');
  // the documents linked from the explanation resolve under the sub-path
  for (const name of ['science.md', 'THIRD_PARTY_LICENSES.txt']) {
    const href = await p.page.locator(`a[href$="${name}"]`).first().getAttribute('href');
    const url = new URL(href!, p.page.url());
    expect(url.pathname).toBe(`/school/cot-playground/${name}`);
    const res = await p.page.request.get(url.toString());
    expect(res.status(), name).toBe(200);
  }
  // the address (what Copy link shares) stays on the sub-path
  expect(new URL(p.page.url()).pathname).toBe('/school/cot-playground/');
  expect(p.errors()).toEqual([]);
  await p.close();
});
