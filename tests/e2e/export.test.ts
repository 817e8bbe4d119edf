/** "Export for PyTorch": the zip the page downloads holds the files `npm run export` writes, for the page's experiment. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { buildDump } from '../../src/data/dump';
import { generateDataset } from '../../src/data/dataset';
import { datasetHash } from '../../src/data/hash';
import { configToQuery, queryToConfig } from '../../src/experiment/link';
import { useBrowser, savedDownload } from './harness';

const app = useBrowser();
const TINY = 'v=3&entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&steps=300';

describe('Export for PyTorch', () => {
  test('downloads a zip of data.json, config.json, train.py and README.md for the experiment on the page', async () => {
    const p = await app.open(`/?${TINY}`);
    const button = p.page.getByTestId('export-pytorch');
    await expect(p.page.getByTestId('export-pytorch-why').count()).resolves.toBe(0); // a tab trains this one
    const [download] = await Promise.all([p.page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
    const file = await savedDownload(download);
    const { config } = queryToConfig(TINY);
    const data = generateDataset(config);
    const folder = `cot-export-${datasetHash(data)}`;
    expect(download.suggestedFilename()).toBe(`${folder}.zip`);
    const files = unzipSync(new Uint8Array(readFileSync(file)));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'config.json', 'data.json', 'train.py'].map((n) => `${folder}/${n}`));
    const text = (n: string) => strFromU8(files[`${folder}/${n}`]);
    expect(text('train.py')).toBe(readFileSync(resolve(__dirname, '../../python/train.py'), 'utf8'));
    expect(JSON.parse(text('data.json'))).toEqual(buildDump(data));
    const meta = JSON.parse(text('config.json'));
    expect(meta.link).toBe(configToQuery(config));
    expect(meta.dataset.hash).toBe(datasetHash(data));
    await p.page.getByText(`✓ ${folder}.zip`).waitFor();
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
