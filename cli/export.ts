/**
 * Exports an experiment for PyTorch, from its link:
 *   npm run export -- '<link>' --out DIR [--weights] [--lenient]
 * writes DIR/data.json (the dataset, `--dump-data` format), DIR/config.json, DIR/train.py (python/train.py as
 * it is in the repository) and DIR/README.md; with --weights also DIR/init.json, the engine's initial weights
 * by parameter name, for `train.py --init`. The link is read as strictly as by `npm run experiment`.
 * Exit codes: 0 done, 2 bad arguments, a refused link or an experiment that cannot be exported, 1 a failure.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset, generateDataset } from '../src/data/dataset';
import { splitCounts } from '../src/data/dump';
import { datasetHash } from '../src/data/hash';
import { exportFiles, unsupportedForPyTorch } from '../src/export/bundle';
import type { Config } from '../src/experiment/schema';
import { EXPORT_USAGE, parseExportArgs, type ExportOptions } from './exportArgs';
import { readLink } from './readLink';
import { applyTaskFile } from './taskFileArg';

/** python/train.py, the file every export carries. */
export const TRAIN_PY = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'python', 'train.py');

export class ExportRefused extends Error {
  override name = 'ExportRefused';
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Writes the export of `config` into `out` (created if missing) and returns the names written. Throws
 * ExportRefused for an experiment that cannot be exported (a dataset too large to generate, a parameter train.py lacks).
 */
export async function writeExport(config: Config, out: string, opts: { weights?: boolean; say?: (line: string) => void } = {}): Promise<string[]> {
  const say = opts.say ?? (() => {});
  const unsupported = unsupportedForPyTorch(config);
  if (unsupported.length) throw new ExportRefused(unsupported.join('\n'));
  let data: Dataset;
  try {
    data = generateDataset(config);
  } catch (e) {
    if (e instanceof RangeError) throw new ExportRefused(e.message);
    throw e;
  }
  const hash = datasetHash(data);
  mkdirSync(out, { recursive: true });
  const files = exportFiles(config, data, readFileSync(TRAIN_PY, 'utf8'), { hash, weights: opts.weights });
  for (const f of files) writeAtomically(join(out, f.name), f.text);
  const names = files.map((f) => f.name);
  if (opts.weights) {
    // loaded only now: tfjs is not needed for the rest
    const tf = await import('@tensorflow/tfjs');
    const { initWeights, disposeWeights } = await import('../src/model/gpt');
    const { modelConfigOf } = await import('../src/train/arm');
    const { weightsFileOf } = await import('../src/model/weightsFile');
    tf.env().set('PROD', true);
    // the initial values are drawn in JavaScript: the same on every backend; the caller's backend is given back
    const before = tf.engine().backendName;
    await tf.setBackend('cpu');
    const model = modelConfigOf(config, data);
    let weights!: Awaited<ReturnType<typeof initWeights>>;
    tf.tidy(() => {
      weights = initWeights(model); // variables survive the tidy; the random values they were made from do not
    });
    const file = await weightsFileOf(model, weights);
    disposeWeights(weights);
    if (before && before !== 'cpu') await tf.setBackend(before);
    writeAtomically(join(out, 'init.json'), `${JSON.stringify(file)}\n`);
    names.push('init.json');
  }
  const counts = splitCounts(data);
  say(`dataset ${hash}: ${data.train.cot.length} training sequences per arm; ${data.splits.map((s) => `${s.label} ${counts[s.id]}`).join(', ')}`);
  return names;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseExportArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.message}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const o: ExportOptions = parsed.options;
  if (o.help) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  const reading = readLink(o.link, o.lenient);
  if (!reading.ok) {
    for (const p of reading.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write('the link was refused; nothing was exported (--lenient corrects it instead, as the browser does)\n');
    return 2;
  }
  for (const w of reading.warnings) process.stderr.write(`link: ${w}\n`);
  const withFile = applyTaskFile(reading.config, o.taskFile);
  if (!withFile.ok) {
    for (const p of withFile.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write('nothing was exported\n');
    return 2;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const names = await writeExport(withFile.config, o.out, { weights: o.weights, say });
    say(`exported to ${o.out}: ${names.join(', ')}`);
    say(`next: python ${join(o.out, 'train.py')}   (or: torchrun --nproc_per_node=N ${join(o.out, 'train.py')}; see ${join(o.out, 'README.md')})`);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof ExportRefused) {
      for (const line of message.split('\n')) process.stderr.write(`error: ${line}\n`);
      process.stderr.write('nothing was exported\n');
      return 2;
    }
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
