/** `npm run export`: strict arguments and link (exit 2), and what it writes. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDump } from '../src/data/dump';
import { generateDataset } from '../src/data/dataset';
import { datasetHash } from '../src/data/hash';
import { EXPORT_FORMAT } from '../src/export/bundle';
import { queryToConfig } from '../src/experiment/link';
import { ExportRefused, TRAIN_PY, writeExport } from './export';
import { parseExportArgs } from './exportArgs';

const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'cot-export-'));
const TINY = 'entities=30&relations=6&degree=3&layers=1&heads=2&dModel=32&batch=32&evalSize=50';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(tsx, ['cli/export.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run export: arguments', () => {
  it('refuses bad arguments with one line each', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [[], /^--out DIR is required/],
      [['--out', ''], /^--out needs a folder name$/],
      [['--out', file], /is a file, not a folder$/],
      [['--out', join(dir, 'no', 'such', 'x')], /^--out .*: folder .* does not exist$/],
      [['--out'], /^--out needs a value$/],
      [['--bogus', '--out', dir], /^unknown option --bogus$/],
      [['a=1', 'b=2', '--out', dir], /at most one link, got 2/],
    ];
    for (const [args, pattern] of cases) {
      const r = parseExportArgs(args);
      expect(r.ok, args.join(' ')).toBe(false);
      if (!r.ok) expect(r.message, args.join(' ')).toMatch(pattern);
    }
    const ok = parseExportArgs([TINY, '--out', join(dir, 'new'), '--weights']);
    expect(ok).toEqual({ ok: true, options: { link: TINY, out: join(dir, 'new'), weights: true, lenient: false, help: false } });
  });

  it('the command: exit 2 on a bad argument or a refused link, nothing written; exit 0 and the files otherwise', async () => {
    const refused = join(dir, 'refused');
    const [bad, link, good] = await Promise.all([cli(['--out']), cli(['entities=abc&heads=3', '--out', refused]), cli([TINY, '--out', join(dir, 'good')])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --out needs a value\n\nusage: npm run export/);
    expect(link.code).toBe(2);
    expect(link.stderr.trim().split('\n')).toEqual([
      'error: entities "abc": is not a finite number (allowed: a whole number in 10–2000)',
      'error: heads "3": does not divide dModel (128) (allowed: a divisor of dModel)',
      'the link was refused; nothing was exported (--lenient corrects it instead, as the browser does)',
    ]);
    expect(existsSync(refused)).toBe(false);
    expect(good.code, good.stderr).toBe(0);
    expect(readdirSync(join(dir, 'good')).sort()).toEqual(['README.md', 'config.json', 'data.json', 'train.py']);
  });
});

describe('npm run export: what it writes', () => {
  it("data.json is the --dump-data dump of the link, train.py the repository's file, config.json the experiment and the dataset", async () => {
    const { config } = queryToConfig(TINY);
    const out = join(dir, 'files');
    const names = await writeExport(config, out, { weights: true });
    expect(names).toEqual(['data.json', 'config.json', 'train.py', 'README.md', 'init.json']);
    const data = generateDataset(config);
    expect(readFileSync(join(out, 'data.json'), 'utf8')).toBe(`${JSON.stringify(buildDump(data))}\n`);
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toBe(readFileSync(TRAIN_PY, 'utf8'));
    const meta = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(meta.format).toBe(EXPORT_FORMAT);
    expect(meta.config).toEqual(config);
    expect(meta.dataset.hash).toBe(datasetHash(data));
    expect(meta.dataset.counts.oodTwoHop).toBe(data.stats.oodTwoHop);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('torchrun --nproc_per_node=8 train.py');
    expect(readme).toContain('--init init.json');
    const init = JSON.parse(readFileSync(join(out, 'init.json'), 'utf8'));
    expect(init.format).toBe('cot-playground-weights');
    expect(init.params['blocks.0.wQKV'].shape).toEqual([32, 96]);
    // tokenEmbedding: (30 + 6 + 2) × 32 float32, base64
    expect(Buffer.from(init.params.tokenEmbedding.data, 'base64').length).toBe(38 * 32 * 4);
  });

  it('exports parity: its dataset, and initial weights sized by its vocabulary and context', async () => {
    const { config, corrections } = queryToConfig('task=parity&bits=6&trainSize=20&testBits=8&evalSize=50&layers=1&heads=2&dModel=32');
    expect(corrections).toEqual([]);
    const out = join(dir, 'parity');
    const said: string[] = [];
    await writeExport(config, out, { weights: true, say: (line) => said.push(line) });
    const data = generateDataset(config);
    expect(readFileSync(join(out, 'data.json'), 'utf8')).toBe(`${JSON.stringify(buildDump(data))}\n`);
    expect(said).toEqual([`dataset ${datasetHash(data)}: 20 training sequences per arm; Training strings 20, Test strings 44, Test, 8 bits 50`]);
    const meta = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(meta.config.task).toBe('parity');
    expect(meta.dataset.counts).toEqual({ train: 20, test: 44, length: 50 });
    const init = JSON.parse(readFileSync(join(out, 'init.json'), 'utf8'));
    expect(init.params.tokenEmbedding.shape).toEqual([7, 32]); // 0 1 = E O </a> <pad>
    expect(init.params.positionEmbedding.shape).toEqual([data.contextLength, 32]);
    expect(data.contextLength).toBe(18); // 8 bits, =, 8 parities, </a>: the longer length
  });

  it('refuses a graph too large to generate (ExportRefused, exit 2 at the command)', async () => {
    const { config } = queryToConfig('entities=2000&relations=50&degree=50&hops=3');
    await expect(writeExport(config, join(dir, 'huge'))).rejects.toBeInstanceOf(ExportRefused);
    expect(existsSync(join(dir, 'huge'))).toBe(false);
  });
});
