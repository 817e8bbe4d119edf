/**
 * The export as one zip file (the page's download), with fflate (MIT): the files under one folder, so that
 * unzipping gives `cot-export-<hash>/train.py` and its neighbours rather than loose files. Fixed timestamps:
 * the same experiment gives the same zip, byte for byte.
 */
import { strToU8, zipSync } from 'fflate';
import type { ExportFile } from './bundle';

/** What the page asks the export worker (src/worker/export.worker.ts) and what it answers: the zip, or why not. */
export interface ExportRequest {
  config: unknown;
  /** The text the config's task is read from (a task file: src/tasks/registry.ts taskSourceOf), if any. */
  taskFile?: string;
}
export type ExportResponse = { ok: true; name: string; zip: Uint8Array } | { ok: false; message: string };

export function zipExport(folder: string, files: readonly ExportFile[]): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[`${folder}/${f.name}`] = strToU8(f.text);
  return zipSync(entries, { level: 6, mtime: new Date('2025-01-01T00:00:00Z') });
}

/** The export's folder (and zip) name. */
export const exportFolderName = (hash: string): string => `cot-export-${hash}`;
