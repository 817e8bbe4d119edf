/**
 * --task-file F: the file a `task=file` link's task is read from. Read, checked and loaded into this thread
 * before anything is built (src/tasks/registry.ts loadTaskSource); every problem is one line (exit 2). The
 * link's `taskFile` must be the file's sha-256 prefix; a link without one gets it. Pure but for reading the file.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../src/experiment/schema';
import { checkConfig } from '../src/experiment/validate';
import { loadTaskSource } from '../src/tasks/registry';

export type TaskFileArg = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Bytes read at most (the reader's own limit on characters is checked after). */
const MAX_BYTES = 16_000_000;

export function applyTaskFile(config: Config, file: string | undefined): TaskFileArg {
  if (config.task !== 'file')
    return file === undefined ? { ok: true, config } : { ok: false, problems: [`--task-file is for a task=file link, not task=${config.task}`] };
  if (file === undefined)
    return { ok: false, problems: ["task=file: give the task's file with --task-file F (a link holds only its sha-256 prefix, taskFile)"] };
  const size = statSync(file).size;
  if (size > MAX_BYTES)
    return { ok: false, problems: [`--task-file ${file}: ${size.toLocaleString('en-US')} bytes; at most ${MAX_BYTES.toLocaleString('en-US')}`] };
  const loading = loadTaskSource(readFileSync(file, 'utf8'));
  if (!loading.ok) return { ok: false, problems: loading.problems.map((p) => `--task-file ${file}: ${p}`) };
  if (config.taskFile !== '' && config.taskFile !== loading.hash)
    return { ok: false, problems: [`taskFile "${config.taskFile}": the link names another file than ${file} (sha-256 ${loading.hash})`] };
  return { ok: true, config: checkConfig({ ...config, taskFile: loading.hash }).config };
}
