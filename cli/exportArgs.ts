/**
 * Command-line arguments of `npm run export`, parsed with node's util.parseArgs. Pure: returns either the
 * options or one plain-text line saying what is wrong (the caller prints it with the usage, exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface ExportOptions {
  /** The link or query string (empty: the default experiment). */
  link: string;
  /** The folder to write (created if missing; its parent must exist). */
  out: string;
  /** Also write init.json: the engine's initial weights by parameter name (train.py --init). */
  weights: boolean;
  lenient: boolean;
  help: boolean;
  /** The JSON Lines file of a `task=file` link (cli/taskFileArg.ts). */
  taskFile?: string;
}

export type ParsedExportArgs = { ok: true; options: ExportOptions } | { ok: false; message: string };

export const EXPORT_USAGE = `usage: npm run export -- ['<link or query string>'] --out DIR [options]

  '<link>'      an experiment link or its query, e.g. 'entities=100&steps=500' or 'task=parity&bits=12'
                (default: the default experiment)
  --out DIR     the folder to write: data.json, config.json, train.py, README.md (created if missing)
  --weights     also write init.json, the playground's initial weights by parameter name (train.py --init init.json)
  --task-file F the JSON Lines file of a 'task=file' link (docs/own-task.md)
  --lenient     correct a bad link as the browser does (warn, clamp, go on) instead of refusing it
  -h, --help    show this help

Then: python DIR/train.py (one GPU, or the CPU), torchrun --nproc_per_node=N DIR/train.py (N GPUs).
A link with an unknown key, a value that is not a number or out of range, or a broken rule between
parameters is refused (exit 2, one line per problem) unless --lenient is given.`;

const PARSE_CONFIG = {
  options: {
    out: { type: 'string' },
    weights: { type: 'boolean' },
    'task-file': { type: 'string' },
    lenient: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
  strict: true,
} as const;

function parseError(e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message;
}

export function parseExportArgs(argv: string[]): ParsedExportArgs {
  let parsed: ReturnType<typeof parseArgs<typeof PARSE_CONFIG>>;
  try {
    parsed = parseArgs({ ...PARSE_CONFIG, args: argv });
  } catch (e) {
    return { ok: false, message: parseError(e) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, options: { link: '', out: '', weights: false, lenient: false, help: true } };
  if (positionals.length > 1) {
    return { ok: false, message: `expected at most one link, got ${positionals.length} arguments (quote the link: '...&...')` };
  }
  const out = values.out;
  if (out === undefined) return { ok: false, message: '--out DIR is required (the folder to write the export to)' };
  if (out.trim() === '') return { ok: false, message: '--out needs a folder name' };
  const full = resolve(out);
  if (existsSync(full) && !statSync(full).isDirectory()) return { ok: false, message: `--out ${out}: is a file, not a folder` };
  const parent = dirname(full);
  if (!existsSync(full) && !(existsSync(parent) && statSync(parent).isDirectory())) {
    return { ok: false, message: `--out ${out}: folder ${parent} does not exist` };
  }
  const taskFile = values['task-file'];
  if (taskFile !== undefined && !(existsSync(taskFile) && statSync(taskFile).isFile()))
    return { ok: false, message: `--task-file ${taskFile.slice(0, 200)}: no such file` };
  const options: ExportOptions = { link: positionals[0] ?? '', out, weights: values.weights ?? false, lenient: values.lenient ?? false, help: false };
  return { ok: true, options: taskFile === undefined ? options : { ...options, taskFile } };
}
