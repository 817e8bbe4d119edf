/**
 * Back into the playground: a report written by python/train.py imports into the runs panel and overlays a
 * browser run of the same experiment. Needs PyTorch (tests/pytorch/python.ts: skipped, saying why, only where
 * Debian's python3 cannot import torch).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { writeExport } from '../../cli/export';
import { queryToConfig } from '../../src/experiment/link';
import { RUN_TORCH_TESTS, SKIP_REASON, TRAIN_PY, python } from '../pytorch/python';
import { useBrowser } from './harness';

const app = useBrowser();
const LINK = 'entities=40&relations=8&degree=4&layers=1&dModel=32&heads=2&batch=32&evalSize=50&steps=20&evalEvery=10&evalEarly=off&backend=wasm';
const SLOW = { timeout: 40_000 };
const items = (page: Page) => page.getByTestId('run-item');

describe.skipIf(!RUN_TORCH_TESTS)(`a train.py report in the runs panel${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  test('imports, and its curves overlay a browser run of the same link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cot-torch-import-'));
    await writeExport(queryToConfig(LINK).config, dir);
    const file = join(dir, 'pytorch-run.json');
    const r = await python([TRAIN_PY, '--export', dir, '--device', 'cpu', '--json', file, '--quiet']);
    expect(r.code, r.stderr).toBe(0);

    const p = await app.open(`/?v=3&${LINK}`);
    const toggle = p.page.getByTestId('train-toggle');
    await expect.poll(() => toggle.isEnabled(), SLOW).toBe(true);
    await toggle.click();
    await expect.poll(() => p.page.getByTestId('train-status').innerText(), SLOW).toMatch(/^Finished 20 steps/);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(1);

    await p.page.getByTestId('import-run').setInputFiles(file);
    await expect.poll(() => items(p.page).count(), SLOW).toBe(2);
    const imported = items(p.page).filter({ hasText: 'pytorch-run' });
    await expect(imported.getAttribute('data-status')).resolves.toBe('imported');
    await expect(imported.getByTestId('run-diff').innerText()).resolves.toBe('same as now');
    await expect(imported.innerText()).resolves.toMatch(/step 20 \/ 20/);
    await expect(p.page.getByTestId('notice').filter({ hasText: 'Imported 1 run from pytorch-run.json' }).count()).resolves.toBe(1);

    for (const box of await p.page.getByTestId('run-compare').all()) await box.check();
    const chart = p.page.getByTestId('compare-chart');
    await expect.poll(() => chart.getAttribute('data-series')).toBe('4'); // 2 runs × 2 arms × OOD test
    await expect.poll(() => chart.locator('path.recharts-curve').count()).toBe(4);
    await expect(p.page.getByTestId('compare-table').locator('tbody tr').count()).resolves.toBe(4);
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
