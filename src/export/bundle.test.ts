import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../data/distribution';
import { datasetHash } from '../data/hash';
import { queryToConfig } from '../experiment/link';
import { PARAMS, type Config, type Param } from '../experiment/schema';
import { exportConfig, exportFiles, PYTORCH_KEYS, unsupportedForPyTorch } from './bundle';
import { exportFolderName, zipExport } from './zip';

const { config } = queryToConfig('entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&steps=300');
const data = generateDataset(config);

describe('the PyTorch export', () => {
  it("config.json: the experiment, the defaults in the schema's order, the canonical link, the dataset's hash and counts", () => {
    const meta = exportConfig(config, data);
    expect(meta.link).toBe('v=2&entities=30&relations=6&degree=3&evalSize=50&layers=1&heads=2&dModel=32&batch=32&steps=300');
    expect(Object.keys(meta.defaults)).toEqual(PARAMS.map((p) => p.key));
    expect(Object.keys(meta.config)).toEqual(PARAMS.map((p) => p.key));
    expect(meta.dataset.hash).toBe(datasetHash(data));
    expect(meta.dataset.counts).toEqual({
      idAtomic: data.stats.idAtomic,
      oodAtomic: data.stats.oodAtomic,
      trainTwoHop: data.stats.trainTwoHop,
      idTwoHop: data.stats.idTwoHop,
      oodTwoHop: data.stats.oodTwoHop,
    });
  });

  it('refuses a parameter train.py does not implement unless it is at its default', () => {
    expect(unsupportedForPyTorch(config)).toEqual(
      PARAMS.filter((p) => !PYTORCH_KEYS.includes(p.key) && config[p.key] !== p.default).map((p) => expect.stringContaining(p.key)),
    );
    const future: Param = { key: 'futureKey', group: 'training', type: 'int', default: 0, min: 0, max: 9, label: 'F', hint: '' };
    const withFuture = (v: number) => ({ ...config, futureKey: v }) as unknown as Config;
    expect(unsupportedForPyTorch(withFuture(0), [...PARAMS, future])).toEqual([]);
    expect(unsupportedForPyTorch(withFuture(3), [...PARAMS, future])).toEqual([
      'futureKey=3: train.py does not implement this parameter (only its default 0 can be exported)',
    ]);
  });

  it('zips the four files under one folder, the same bytes for the same experiment', () => {
    const files = exportFiles(config, data, '# train.py\n');
    expect(files.map((f) => f.name)).toEqual(['data.json', 'config.json', 'train.py', 'README.md']);
    const folder = exportFolderName(datasetHash(data));
    const zip = zipExport(folder, files);
    const back = unzipSync(zip);
    expect(Object.keys(back).sort()).toEqual(files.map((f) => `${folder}/${f.name}`).sort());
    for (const f of files) expect(strFromU8(back[`${folder}/${f.name}`])).toBe(f.text);
    expect(zipExport(folder, exportFiles(config, generateDataset(config), '# train.py\n'))).toEqual(zip);
    expect(zip.length).toBeLessThan(files.reduce((n, f) => n + f.text.length, 0)); // compressed
  });
});
