/**
 * Run history in a real browser: a user trains a run, changes λ, trains again, reloads, finds both runs
 * (IndexedDB), ticks them and sees both drawn in the comparison with a legend of their difference; imports a
 * report written by the CLI and sees it among the runs; renames, pins, opens, deletes and clears; a window
 * without IndexedDB keeps runs in memory with a note, and nothing logs an error. Screenshots for a human.
 * No timing bounds: only what holds on a loaded machine is asserted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './harness';

const app = useBrowser();
const TINY = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50';
const SLOW = { timeout: 40_000 };
const root = resolve(import.meta.dirname, '../..');

const items = (page: Page) => page.getByTestId('run-item');
async function trainToEnd(page: Page, steps: number): Promise<void> {
  const toggle = page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), SLOW).toBe(true);
  await toggle.click();
  await expect.poll(() => page.getByTestId('train-status').innerText(), SLOW).toMatch(new RegExp(`^Finished ${steps} steps`));
}
async function scrollToRuns(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
  await page.getByTestId('runs-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
}

describe('runs', () => {
  test('train, change λ, train again, reload: both runs are kept, and compared they draw together', async () => {
    const p = await app.open(`/?${TINY}&steps=20&evalEvery=10&backend=wasm`);
    await trainToEnd(p.page, 20);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(1);
    await expect.poll(() => items(p.page).first().getAttribute('data-status'), SLOW).toBe('done');
    await expect(items(p.page).first().getByTestId('run-diff').innerText()).resolves.toBe('same as now');

    await p.page.getByTestId('param-lambda').fill('3.6');
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), SLOW).not.toMatch(/^Finished/);
    await trainToEnd(p.page, 20);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(2);
    await expect.poll(() => items(p.page).first().getAttribute('data-status'), SLOW).toBe('done');

    await p.page.reload({ waitUntil: 'load' });
    await expect.poll(() => items(p.page).count(), SLOW).toBe(2);
    // the panel says how much of the site's storage is used (navigator.storage.estimate)
    await expect
      .poll(() => p.page.getByTestId('runs-panel').locator('.runs-head').innerText(), SLOW)
      .toMatch(/2 kept in this browser \([\d.,]+ MB of [\d.,]+ MB used\)/);
    // newest first, each labelled by its difference from the current experiment (λ 3.6, from the address)
    await expect(items(p.page).allInnerTexts()).resolves.toEqual([expect.stringContaining('same as now'), expect.stringContaining('λ 2.4')]);
    const ids = await items(p.page).evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => /^r[0-9a-z]+-[0-9a-z]+$/.test(id ?? ''))).toBe(true);
    // every evaluation was kept: steps 0, 10 and 20 of both arms
    await expect(items(p.page).first().innerText()).resolves.toMatch(/step 20 \/ 20/);

    for (const box of await p.page.getByTestId('run-compare').all()) await box.check();
    const chart = p.page.getByTestId('compare-chart');
    await expect.poll(() => chart.getAttribute('data-series')).toBe('4'); // 2 runs × 2 arms × OOD test
    await expect.poll(() => chart.locator('path.recharts-curve').count()).toBe(4);
    const d = await chart.locator('path.recharts-curve').first().getAttribute('d');
    expect(d).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L/); // three points: steps 0, 10, 20
    await expect(p.page.getByTestId('compare-legend').locator('li').allInnerTexts()).resolves.toEqual(['λ 3.6', 'λ 2.4']);
    // the table: one row per run × arm, final and best OOD test
    await expect(p.page.getByTestId('compare-table').locator('tbody tr').count()).resolves.toBe(4);
    await p.page.getByTestId('compare-split-idTwoHop').check();
    await expect.poll(() => chart.getAttribute('data-series')).toBe('8');
    await scrollToRuns(p.page);
    await p.screenshot('runs-compare-1280x800');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a report written by the CLI imports into the runs panel; rename, pin, open, delete, clear all; a bad file gets a notice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cot-runs-e2e-'));
    const file = join(dir, 'cli-report.json');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'cli/experiment.ts', `${TINY}&lambda=3.6&steps=3&evalEvery=1`, '--backend', 'cpu', '--json', file, '--quiet'],
      { cwd: root, stdio: 'pipe' },
    );
    const cli = JSON.parse(readFileSync(file, 'utf8'));
    const hostile = join(dir, 'hostile.json');
    writeFileSync(hostile, JSON.stringify({ ...cli, name: '<img src=x onerror=alert(1)>', config: { ...cli.config, noise: 0.2 } }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1, "arms": "nope"}');

    const p = await app.open(`/?${TINY}`);
    await p.page.getByTestId('runs-panel').waitFor();
    await p.page.getByTestId('import-run').setInputFiles(file);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(1);
    const item = items(p.page).first();
    await expect(item.getAttribute('data-status')).resolves.toBe('imported');
    await expect(item.getByTestId('run-name').innerText()).resolves.toBe('cli-report');
    await expect(item.getByTestId('run-diff').innerText()).resolves.toBe('λ 3.6 · steps 3 · eval every 1');
    await expect(item.innerText()).resolves.toMatch(/step 3 \/ 3/);
    await expect(p.page.getByTestId('notice').filter({ hasText: 'Imported 1 run from cli-report.json' }).count()).resolves.toBe(1);

    // a bad file: a notice saying why, nothing added
    await p.page.getByTestId('import-run').setInputFiles(bad);
    await expect
      .poll(
        () =>
          p.page
            .getByTestId('notice')
            .filter({ hasText: /Could not import bad\.json: not a run report/ })
            .count(),
        SLOW,
      )
      .toBe(1);
    // a hostile name is shown as text
    await p.page.getByTestId('import-run').setInputFiles(hostile);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(2);
    await expect(items(p.page).first().getByTestId('run-name').innerText()).resolves.toBe('<img src=x onerror=alert(1)>');
    await expect(p.page.locator('[data-testid="runs-panel"] img').count()).resolves.toBe(0);
    expect(p.dialogs).toEqual([]);

    // rename (kept after a reload), pin, open
    const cliItem = items(p.page).filter({ hasText: 'cli-report' });
    await cliItem.getByTestId('run-name').click();
    await p.page.getByRole('textbox', { name: 'Run name' }).fill('λ 3.6 from the CLI');
    await p.page.keyboard.press('Enter');
    await cliItem
      .or(items(p.page).filter({ hasText: 'λ 3.6 from the CLI' }))
      .first()
      .waitFor();
    const renamed = items(p.page).filter({ hasText: 'λ 3.6 from the CLI' });
    await renamed.getByTestId('run-pin').click();
    await expect.poll(() => items(p.page).first().innerText()).toMatch(/λ 3\.6 from the CLI/); // pinned first
    await renamed.getByTestId('run-open').click();
    await expect.poll(() => p.page.getByTestId('param-lambda').getAttribute('data-value')).toBe('3.6');
    await expect.poll(() => new URL(p.page.url()).searchParams.get('lambda')).toBe('3.6');
    await expect.poll(() => renamed.getByTestId('run-diff').innerText()).toBe('same as now'); // the whole link, steps included
    await scrollToRuns(p.page);
    await p.screenshot('runs-imported-1280x800');

    await p.page.reload({ waitUntil: 'load' });
    await expect.poll(() => items(p.page).count(), SLOW).toBe(2);
    await expect(items(p.page).first().getByTestId('run-name').innerText()).resolves.toBe('λ 3.6 from the CLI');
    // delete one, clear the rest: the pinned run stays
    await p.page.getByTestId('runs-clear').click();
    await p.page.getByTestId('runs-clear-yes').click();
    await expect.poll(() => items(p.page).count()).toBe(1);
    await items(p.page).first().getByTestId('run-delete').click();
    await expect.poll(() => items(p.page).count()).toBe(0);
    await p.page.reload({ waitUntil: 'load' });
    await p.page.getByTestId('runs-panel').waitFor();
    await expect.poll(() => p.page.getByTestId('runs-panel').innerText(), SLOW).toMatch(/No runs yet/);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a sweep link: 3 noise values train in turn, each kept as a run, and the sweep chart fills in', async () => {
    const p = await app.open(`/?${TINY}&steps=10&evalEvery=5&backend=wasm&sweep=noise:0,0.2,0.4&seeds=0`);
    // the link defines the sweep (no "Link corrected" notice) and fills the form
    await expect.poll(() => p.page.getByTestId('sweep-values').inputValue(), SLOW).toBe('0, 0.2, 0.4');
    await expect(p.page.getByTestId('notice').filter({ hasText: 'Link corrected' }).count()).resolves.toBe(0);
    await expect.poll(() => p.page.getByTestId('train-toggle').isEnabled(), SLOW).toBe(true);
    await p.page.getByTestId('sweep-start').click();
    const chart = p.page.getByTestId('sweep-chart');
    await expect.poll(() => p.page.getByTestId('sweep-progress').innerText(), SLOW).toMatch(/^Run [123] of 3/);
    // the chart fills in as runs finish: 2 points (one per arm) per finished run
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => p.page.getByTestId('sweep-progress').innerText(), { timeout: 120_000 }).toBe('Sweep finished: 3 runs.');
    await expect.poll(() => chart.getAttribute('data-points')).toBe('6');
    await expect(chart.getAttribute('data-key')).resolves.toBe('noise');
    await expect.poll(() => chart.locator('.recharts-scatter-symbol').count()).toBe(6);
    await expect.poll(() => items(p.page).count()).toBe(3);
    await expect(items(p.page).getByTestId('run-name').allInnerTexts()).resolves.toEqual(['noise 0.4 · seed 0', 'noise 0.2 · seed 0', 'noise 0 · seed 0']);
    // the address still holds the sweep: it can be shared
    expect(new URL(p.page.url()).searchParams.get('sweep')).toBe('noise:0,0.2,0.4');
    await p.page.mouse.move(1, 1);
    await p.page.getByTestId('sweep-form').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await p.screenshot('runs-sweep-1280x800');
    // after a reload the chart is rebuilt from the saved runs
    await p.page.reload({ waitUntil: 'load' });
    await expect.poll(() => p.page.getByTestId('sweep-chart').getAttribute('data-points'), SLOW).toBe('6');
    // a paper-figure preset loads its experiment and its sweep, and says what the paper found and what we measured
    await p.page.getByTestId('figure-lambda').click();
    await expect.poll(() => p.page.getByTestId('sweep-values').inputValue()).toBe('1.8, 3.6, 7.2');
    await expect.poll(() => p.page.getByTestId('param-entities').getAttribute('data-value')).toBe('100');
    await expect(p.page.getByTestId('figure-note').innerText()).resolves.toMatch(/Wang et al\..*Measured here/s);
    await expect.poll(() => new URL(p.page.url()).searchParams.get('sweep')).toBe('lambda:1.8,3.6,7.2');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a sweep can be cancelled: the current run pauses and is kept, no further run starts', async () => {
    const p = await app.open(`/?${TINY}&steps=3000&evalEvery=50&backend=wasm&sweep=lambda:1.8,3.6&seeds=0`);
    await expect.poll(() => p.page.getByTestId('train-toggle').isEnabled(), SLOW).toBe(true);
    await p.page.getByTestId('sweep-start').click();
    await expect.poll(() => p.page.getByTestId('sweep-progress').innerText(), SLOW).toMatch(/^Run 1 of 2/);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(1); // its first evaluations are saved
    await p.page.getByTestId('sweep-cancel').click();
    await expect.poll(() => p.page.getByTestId('sweep-progress').innerText(), SLOW).toBe('Sweep cancelled at run 1 of 2.');
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), SLOW).toMatch(/^Paused at step \d+/);
    await expect.poll(() => items(p.page).first().getAttribute('data-status'), SLOW).toBe('paused');
    await expect(items(p.page).count()).resolves.toBe(1);
    await expect(items(p.page).first().getByTestId('run-name').innerText()).resolves.toBe('lambda 1.8 · seed 0');
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a hostile sweep link: a notice says what was wrong, no sweep is defined, nothing runs as script', async () => {
    const p = await app.open('/?entities=60&sweep=nosie:0,1<img src=x onerror=alert(1)>&seeds=x');
    const notice = p.page.getByTestId('notice').filter({ hasText: 'Link corrected' });
    await expect.poll(() => notice.count(), SLOW).toBe(1);
    await expect(notice.innerText()).resolves.toMatch(/sweep: "nosie" is not a parameter \(did you mean noise\?\); no sweep\./);
    await expect.poll(() => new URL(p.page.url()).searchParams.has('sweep')).toBe(false);
    expect(new URL(p.page.url()).searchParams.get('entities')).toBe('60');
    await expect(p.page.locator('[data-testid="runs-panel"] img').count()).resolves.toBe(0);
    expect(p.dialogs).toEqual([]);
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  test('a window without IndexedDB keeps runs for the session, says so, and logs no error', async () => {
    const p = await app.open(`/?${TINY}&steps=10&evalEvery=5&backend=wasm`, {
      init: () => {
        Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
      },
    });
    await expect.poll(() => p.page.getByTestId('runs-storage-note').innerText(), SLOW).toMatch(/no IndexedDB/);
    await trainToEnd(p.page, 10);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(1);
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
