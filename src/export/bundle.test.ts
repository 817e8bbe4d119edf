import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../data/dataset';
import { splitCounts } from '../data/dump';
import { datasetHash } from '../data/hash';
import { configToQuery, queryToConfig } from '../experiment/link';
import { type Config, type Param, PARAMS, taskDefaults } from '../experiment/schema';
import { dataKeys, EXPORT_VERSION, exportConfig, exportFiles, exportReadme, PYTORCH_KEYS, unsupportedForPyTorch } from './bundle';
import { exportFolderName, zipExport } from './zip';

const { config } = queryToConfig('entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50&steps=300');
const data = generateDataset(config);

describe('the PyTorch export', () => {
  it("config.json: the experiment, the task's defaults in the schema's order, the canonical link, the data's keys, the dataset's hash and counts", () => {
    const meta = exportConfig(config, data);
    expect(meta.version).toBe(EXPORT_VERSION);
    expect(meta.link).toBe(configToQuery(config));
    expect(meta.link).toBe('v=3&evalSize=50&entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&steps=300');
    expect(Object.keys(meta.defaults)).toEqual(PARAMS.map((p) => p.key));
    expect(meta.defaults).toEqual(taskDefaults('kg'));
    expect(Object.keys(meta.config)).toEqual(PARAMS.map((p) => p.key));
    expect(meta.dataKeys).toEqual(PARAMS.filter((p) => p.group === 'data').map((p) => p.key));
    expect(meta.dataKeys).toEqual(expect.arrayContaining(['task', 'seed', 'entities', 'hops', 'bits']));
    expect(meta.dataset.hash).toBe(datasetHash(data));
    // the knowledge graph's counts as they always were: the whole sets' sizes
    expect(meta.dataset.counts).toEqual({
      idAtomic: data.stats.idAtomic,
      oodAtomic: data.stats.oodAtomic,
      trainTwoHop: data.stats.trainTwoHop,
      idTwoHop: data.stats.idTwoHop,
      oodTwoHop: data.stats.oodTwoHop,
    });
  });

  it('refuses a parameter train.py does not implement unless it is at its default; the data parameters are in data.json', () => {
    const data = new Set(dataKeys());
    expect(unsupportedForPyTorch(config)).toEqual(
      PARAMS.filter((p) => !data.has(p.key) && !PYTORCH_KEYS.includes(p.key) && config[p.key] !== p.default).map((p) => expect.stringContaining(p.key)),
    );
    expect(unsupportedForPyTorch({ ...config, rlSteps: 50 })).toEqual([expect.stringMatching(/^rlSteps=50: train\.py does not implement this parameter/)]);
    const future: Param = { key: 'futureKey', group: 'training', type: 'int', default: 0, min: 0, max: 9, label: 'F', hint: '' };
    const withFuture = (v: number) => ({ ...config, futureKey: v }) as unknown as Config;
    expect(unsupportedForPyTorch(withFuture(0), [...PARAMS, future])).toEqual([]);
    expect(unsupportedForPyTorch(withFuture(3), [...PARAMS, future])).toEqual([
      'futureKey=3: train.py does not implement this parameter (only its default 0 can be exported)',
    ]);
    // another task's parameter plays no part
    const otherTask: Param = { ...future, key: 'otherKey', task: 'parity' };
    expect(unsupportedForPyTorch({ ...config, otherKey: 3 } as unknown as Config, [...PARAMS, otherTask])).toEqual([]);
  });

  it("the README names the task and the dataset's splits with their sizes", () => {
    const readme = exportReadme(exportConfig(config, data), data);
    expect(readme).toContain(
      `Task: Knowledge graph (k-hop). Dataset ${datasetHash(data)}: ${data.train.cot.length.toLocaleString('en-US')} training sequences per arm; splits: ` +
        data.splits.map((s) => `${s.label} (${data.stats[s.id].toLocaleString('en-US')})`).join(', '),
    );
    expect(readme).not.toContain('init.json');
    expect(exportReadme(exportConfig(config, data), data, true)).toContain('python train.py --init init.json');
  });

  it('exports parity: its data parameters, its splits', () => {
    const { config: pc, corrections } = queryToConfig('task=parity&bits=6&trainSize=20&testBits=8&evalSize=50&layers=1&dModel=32&heads=2');
    expect(corrections).toEqual([]);
    const pd = generateDataset(pc);
    expect(unsupportedForPyTorch(pc)).toEqual([]);
    const meta = exportConfig(pc, pd);
    expect(meta.link).toMatch(/^v=3&task=parity&/);
    expect(meta.defaults).toEqual(taskDefaults('parity'));
    expect(meta.dataset.counts).toEqual(splitCounts(pd));
    expect(Object.keys(meta.dataset.counts)).toEqual(['train', 'test', 'length']);
    const [data, , , readme] = exportFiles(pc, pd, '# train.py\n');
    expect(JSON.parse(data.text).task).toBe('parity');
    expect(readme.text).toContain('Task: Parity of n bits.');
    expect(readme.text).toContain('splits: Training strings (20), Test strings (44), Test, 8 bits (50).');
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
