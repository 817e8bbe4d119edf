/** The paper preset in the page: too large for a tab, so training is refused and the export is offered instead. */
import { describe, expect, test } from 'vitest';
import { PAPER_QUERY } from '../../src/experiment/presets';
import { useBrowser } from './harness';

const app = useBrowser();

describe('Export for PyTorch, when the tab cannot train', () => {
  test('the paper preset is too large for the tab: the export button says so', async () => {
    const p = await app.open(`/?${PAPER_QUERY}`);
    const why = p.page.getByTestId('export-pytorch-why');
    await why.waitFor();
    await expect(why.innerText()).resolves.toMatch(
      /too large for a browser tab \(estimated [\d.]+ GiB for training, above the 2 GiB a browser tab can count on[^)]*\)\. Export it and train it with PyTorch/,
    );
    await expect(why.innerText()).resolves.toContain('torchrun --nproc_per_node=N train.py');
    await expect(p.page.getByTestId('export-pytorch-hint').isEnabled()).resolves.toBe(true);
    await expect(p.page.getByTestId('export-pytorch').isEnabled()).resolves.toBe(true);
    await p.screenshot('export-paper-preset');
    await p.close();
  });
});
