/**
 * Sizes of a production build's JavaScript and WebAssembly, raw and gzipped (zlib level 9), and what each
 * entry (the page, each worker) loads at start: the entry with the chunks it imports statically, transitively.
 * Chunks reached only through a dynamic `import()` (e.g. the lazy GPU backends) are loaded later, if ever.
 *
 *   npm run build && npm run size [-- DIR]        # DIR: the build folder, dist/ by default
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  file: string;
  raw: number;
  gzip: number;
  /** The chunks it imports statically (JavaScript only), by file name. */
  imports: string[];
}

/** Static imports between chunks, as the bundler writes them: `from"./x.js"`, `import"./x.js"`. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["'`]\.\/([\w.-]+\.js)["'`]/g;

export function assetSizes(dir: string): AssetSize[] {
  const assets = join(dir, 'assets');
  return readdirSync(assets)
    .filter((f) => /\.(js|wasm)$/.test(f))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(assets, file));
      const imports = file.endsWith('.js') ? [...new Set([...bytes.toString('utf8').matchAll(STATIC_IMPORT)].map((m) => m[1]))] : [];
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, imports };
    });
}

/** The entry and every chunk it reaches through static imports. */
export function staticClosure(entry: string, sizes: readonly AssetSize[]): AssetSize[] {
  const by = new Map(sizes.map((s) => [s.file, s]));
  const seen = new Map<string, AssetSize>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    const s = by.get(f);
    if (!s || seen.has(f)) continue;
    seen.set(f, s);
    todo.push(...s.imports);
  }
  return [...seen.values()];
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`.padStart(10);
const sum = (xs: readonly AssetSize[], k: 'raw' | 'gzip') => xs.reduce((t, s) => t + s[k], 0);

export function sizeTable(sizes: readonly AssetSize[]): string {
  const width = Math.max(...sizes.map((s) => s.file.length), 34);
  const row = (name: string, raw: number, gzip: number) => `${name.padEnd(width)}  ${kB(raw)}  ${kB(gzip)}`;
  const entries = sizes.filter((s) => /^(index|[\w-]+\.worker)-[\w-]+\.js$/.test(s.file));
  const atStart = entries.map((e) => {
    const c = staticClosure(e.file, sizes);
    return row(`${e.file.replace(/-[\w-]+\.js$/, '')} at start (${c.length} files)`, sum(c, 'raw'), sum(c, 'gzip'));
  });
  return [
    `${'asset'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip -9'.padStart(10)}`,
    ...sizes.map((s) => row(s.file, s.raw, s.gzip)),
    '',
    'JavaScript each entry loads at start (itself and its static imports; not the wasm binaries)',
    ...atStart,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = resolve(process.argv[2] ?? 'dist');
  process.stdout.write(`${sizeTable(assetSizes(dir))}\n`);
}
