/**
 * Builds the PyTorch export of a config off the main thread (a paper-scale dataset takes seconds to generate,
 * hash and write out): the same files as `npm run export` (src/export/bundle.ts), zipped (src/export/zip.ts).
 * The config is checked again here: a message is untrusted input.
 */
import trainPy from '../../python/train.py?raw';
import { generateDataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import { exportFiles, unsupportedForPyTorch } from '../export/bundle';
import { exportFolderName, zipExport, type ExportRequest, type ExportResponse } from '../export/zip';
import { checkConfig } from '../experiment/validate';
import { loadTaskSource, taskOf } from '../tasks/registry';

function build(raw: unknown, taskFile: unknown): ExportResponse {
  if (typeof taskFile === 'string') {
    const loading = loadTaskSource(taskFile);
    if (!loading.ok) return { ok: false, message: loading.problems.join(' ') };
  }
  const { config, corrections } = checkConfig((raw ?? {}) as Record<string, unknown>);
  if (corrections.length) return { ok: false, message: `the experiment needs corrections first: ${corrections.map((c) => c.text).join(' ')}` };
  const unsupported = unsupportedForPyTorch(config);
  if (unsupported.length) return { ok: false, message: unsupported.join('; ') };
  const tooLarge = taskOf(config).tooLarge(config);
  if (tooLarge) return { ok: false, message: tooLarge };
  const data = generateDataset(config);
  const hash = datasetHash(data);
  const folder = exportFolderName(hash);
  return { ok: true, name: `${folder}.zip`, zip: zipExport(folder, exportFiles(config, data, trainPy, { hash })) };
}

self.onmessage = (e: MessageEvent<ExportRequest>) => {
  let reply: ExportResponse;
  try {
    reply = build(e.data?.config, e.data?.taskFile);
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  if (reply.ok) (self as unknown as Worker).postMessage(reply, [reply.zip.buffer]);
  else (self as unknown as Worker).postMessage(reply);
};
