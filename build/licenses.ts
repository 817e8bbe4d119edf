/**
 * Third-party notices for the built page. At build time, every npm package whose code ended up in the output
 * (the page's chunks and the training workers' chunks, and assets such as tfjs's .wasm binaries) is listed in
 * THIRD_PARTY_LICENSES.txt with its version, its declared license and its license text.
 *
 * How a package is found: a module id (or an asset's source file) inside node_modules/ names its package; only
 * modules that left code in a chunk count (tree-shaken ones do not). The license text comes from the package's
 * LICENSE/LICENCE/COPYING files (and NOTICE files, which Apache-2.0 asks to keep); when a package ships none
 * (tfjs, seedrandom), from the licence section of its README, or else from the `@license` header of its
 * bundled source. The full Apache License 2.0 text, which tfjs refers to, is appended once.
 *
 * Workers are bundled by separate builds: `thirdPartyLicenses()` returns one plugin for the page and one for
 * `worker.plugins`, sharing the set of modules; the workers are built while the page is transformed, so the
 * page's generateBundle sees them all. The dev server answers the same URL with the production dependency
 * closure of package.json (a superset: nothing is tree-shaken there).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Plugin } from 'vite';

export const NOTICES_FILE = 'THIRD_PARTY_LICENSES.txt';

export interface PackageNotice {
  name: string;
  version: string;
  license: string;
  homepage: string | null;
  /** License texts, each with where it came from. */
  texts: { source: string; text: string }[];
}

const NM = '/node_modules/';
const LICENSE_FILE = /^(licen[cs]e|copying)([-._].*)?$/i;
const NOTICE_FILE = /^notice(\..*)?$/i;

/** The root folder of the npm package a module id belongs to, or null (our own code, virtual modules). */
export function packageDirOf(id: string, root: string): string | null {
  let path = id
    .replace(/^\0+/, '')
    .replace(/[?#].*$/, '')
    .replace(/\\/g, '/');
  if (!isAbsolute(path)) path = resolve(root, path).replace(/\\/g, '/');
  const at = path.lastIndexOf(NM);
  if (at < 0) return null;
  const rest = path.slice(at + NM.length).split('/');
  const name = rest[0]?.startsWith('@') ? rest.slice(0, 2).join('/') : rest[0];
  return name ? path.slice(0, at + NM.length) + name : null;
}

/** Bundler helpers that rolldown and vite inject as virtual modules: their code is in the output too. */
function helperPackageOf(id: string, require: NodeRequire): string | null {
  const bare = id.replace(/^\0+/, '');
  const pkg = bare.startsWith('rolldown/') || bare.startsWith('rolldown:') ? 'rolldown' : bare.startsWith('vite/') ? 'vite' : null;
  if (!pkg) return null;
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

const readText = (file: string) => readFileSync(file, 'utf8').replace(/\r\n/g, '\n').trim();

function licenseOf(pkg: Record<string, unknown>): string {
  const l = pkg.license ?? pkg.licenses;
  if (typeof l === 'string') return l;
  if (Array.isArray(l)) return l.map((x) => (typeof x === 'string' ? x : String((x as { type?: unknown }).type))).join(' OR ');
  if (l && typeof l === 'object' && 'type' in l) return String((l as { type: unknown }).type);
  return 'UNKNOWN';
}

function homepageOf(pkg: Record<string, unknown>): string | null {
  if (typeof pkg.homepage === 'string') return pkg.homepage;
  const repo = pkg.repository;
  if (typeof repo === 'string') return repo;
  if (repo && typeof repo === 'object' && typeof (repo as { url?: unknown }).url === 'string') return (repo as { url: string }).url;
  return null;
}

/** Markdown heading level of line j (ATX `## x` or setext `x` over `---`/`===`), 0 when it is none. */
function headingLevel(lines: string[], j: number): number {
  const atx = /^(#{1,6})\s/.exec(lines[j]);
  if (atx) return atx[1].length;
  const under = lines[j + 1] ?? '';
  if (lines[j].trim() !== '' && /^(-{3,}|={3,})\s*$/.test(under)) return under.startsWith('=') ? 1 : 2;
  return 0;
}

/** The licence section of a README: from a heading that names the licence to the next heading of its level. */
export function readmeLicenseSection(readme: string): string | null {
  const lines = readme.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const level = headingLevel(lines, i);
    if (level === 0 || !/^(#{1,6}\s*)?licen[cs]e\b/i.test(lines[i])) continue;
    const setext = !lines[i].startsWith('#');
    const body: string[] = [];
    for (let j = i + (setext ? 2 : 1); j < lines.length; j++) {
      const l = headingLevel(lines, j);
      if (l > 0 && l <= level) break;
      body.push(lines[j]);
    }
    const text = body.join('\n').trim();
    // a section that only points elsewhere ("MIT, see LICENSE") is not a licence text
    if (text.split('\n').length >= 5) return [lines[i], ...(setext ? [lines[i + 1]] : []), '', text].join('\n');
  }
  return null;
}

/** The first `@license` comment of a source file, without its comment markers. */
export function licenseHeader(source: string): string | null {
  const m = /\/\*[*!]?([\s\S]*?@license[\s\S]*?)\*\//.exec(source);
  if (!m) return null;
  return m[1]
    .split('\n')
    .map((l) => l.replace(/^\s*\*? ?/, '').trimEnd())
    .filter((l) => l !== '@license' && !/^=+$/.test(l))
    .join('\n')
    .trim();
}

/** index files first, then shorter paths: the header of a package's entry module is the likeliest to be general. */
const byEntryFirst = (a: string, b: string) => {
  const rank = (f: string) => (/\/index\.[cm]?js$/.test(f) ? 0 : 1);
  return rank(a) - rank(b) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
};

/** Reads one package's notice. `sources`: files of it that were bundled (for a header when nothing else exists). */
export function readPackage(dir: string, sources: string[] = []): PackageNotice | null {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return null;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  const files = readdirSync(dir).sort();
  const texts = files
    .filter((f) => LICENSE_FILE.test(f) || NOTICE_FILE.test(f))
    .map((f) => ({ source: f, text: readText(join(dir, f)) }))
    .filter((t) => t.text !== '');
  if (!texts.some((t) => LICENSE_FILE.test(t.source))) {
    const readme = files.find((f) => /^readme(\..*)?$/i.test(f));
    const section = readme ? readmeLicenseSection(readText(join(dir, readme))) : null;
    if (section) texts.push({ source: `${readme}, licence section`, text: section });
    else {
      // every distinct header (tfjs-layers has Apache-2.0 and MIT ones); the same text with another year is one
      const seen = new Set<string>();
      for (const s of [...sources].sort(byEntryFirst)) {
        const header = existsSync(s) ? licenseHeader(readFileSync(s, 'utf8')) : null;
        const key = header?.replace(/\b(19|20)\d\d\b/g, '');
        if (!header || !key || !/copyright/i.test(header) || seen.has(key)) continue;
        seen.add(key);
        texts.push({ source: `licence header of ${s.slice(dir.length + 1)}`, text: header });
      }
    }
  }
  for (const t of texts) {
    // vite's LICENSE.md goes on with the licences of what its own Node build bundles: none of that is in the page
    const cut = /^#+\s*Licenses of bundled dependencies/im.exec(t.text);
    if (cut)
      t.text = `${t.text.slice(0, cut.index).trim()}\n\n(Its licence file goes on with the licences of the dependencies bundled into its own build, left out here: none of their code is in this page.)`;
  }
  return {
    name: String(pkg.name ?? dir.slice(dir.lastIndexOf(NM) + NM.length)),
    version: String(pkg.version ?? '?'),
    license: licenseOf(pkg),
    homepage: homepageOf(pkg),
    texts,
  };
}

/** The packages behind a set of module ids (or source files), sorted by name. */
export function packagesOf(ids: Iterable<string>, root: string): PackageNotice[] {
  const require = createRequire(join(root, 'package.json'));
  const byDir = new Map<string, string[]>();
  for (const id of ids) {
    const dir = packageDirOf(id, root) ?? helperPackageOf(id, require);
    if (!dir) continue;
    const file = id.replace(/^\0+/, '').replace(/[?#].*$/, '');
    const list = byDir.get(dir) ?? [];
    if (/\.[cm]?[jt]sx?$/.test(file)) list.push(isAbsolute(file) ? file : resolve(root, file));
    byDir.set(dir, list);
  }
  const seen = new Map<string, PackageNotice>();
  for (const [dir, sources] of byDir) {
    const p = readPackage(dir, sources);
    if (p && !seen.has(`${p.name}@${p.version}`)) seen.set(`${p.name}@${p.version}`, p);
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
}

/** package.json `dependencies`, followed through node_modules the way Node resolves them (for the dev server). */
export function dependencyClosure(root: string): string[] {
  const dirs = new Set<string>();
  const visit = (from: string) => {
    const deps = (JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies;
    for (const name of Object.keys(deps ?? {})) {
      for (let base = from; ; base = dirname(base)) {
        const dir = join(base, 'node_modules', name);
        if (existsSync(join(dir, 'package.json'))) {
          if (!dirs.has(dir)) {
            dirs.add(dir);
            visit(dir);
          }
          break;
        }
        if (dirname(base) === base) break;
      }
    }
  };
  visit(root);
  return [...dirs].map((d) => join(d, 'package.json'));
}

/** The Apache License 2.0 terms, from our own LICENSE (which is that licence), without its appendix. */
function apacheText(root: string): string | null {
  const file = join(root, 'LICENSE');
  if (!existsSync(file)) return null;
  const text = readText(file);
  const end = text.indexOf('END OF TERMS AND CONDITIONS');
  return /Apache License\s+Version 2\.0/.test(text) && end > 0 ? text.slice(0, end + 'END OF TERMS AND CONDITIONS'.length) : null;
}

/** The MIT licence's terms, for packages that declare it but ship only a header pointing to it (tfjs-layers). */
const MIT_TERMS = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following
conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED
TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.`;

const RULE = '-'.repeat(80);

export function renderNotices(packages: PackageNotice[], opts: { root: string; title: string; intro: string }): string {
  // standard texts given once at the end, for packages that name a licence without shipping its terms
  const standard = [
    { id: /\bApache-2\.0\b/, has: /TERMS AND CONDITIONS/, title: 'The Apache License, Version 2.0', text: apacheText(opts.root) },
    { id: /\bMIT\b/, has: /Permission is hereby granted/, title: 'The MIT License (terms)', text: MIT_TERMS },
  ];
  const needed = new Set<number>();
  const width = Math.max(...packages.map((p) => `${p.name} ${p.version}`.length), 10);
  const out = [opts.title, '='.repeat(opts.title.length), '', opts.intro, '', `${packages.length} packages:`, ''];
  for (const p of packages) out.push(`  ${`${p.name} ${p.version}`.padEnd(width)}  ${p.license}`);
  for (const p of packages) {
    out.push('', RULE, `${p.name} ${p.version}`, `License: ${p.license}`);
    if (p.homepage) out.push(`Source: ${p.homepage}`);
    if (p.texts.length === 0) out.push('', '(The package ships no licence text; its package.json declares the licence above.)');
    for (const t of p.texts) out.push('', `[${t.source}]`, '', t.text);
    standard.forEach((s, i) => {
      if (s.text && s.id.test(p.license) && !p.texts.some((t) => s.has.test(t.text))) {
        needed.add(i);
        out.push('', `(${s.title}: the full text is at the end of this file.)`);
      }
    });
  }
  for (const i of [...needed].sort()) out.push('', RULE, standard[i].title, '', standard[i].text as string);
  return `${out.join('\n')}\n`;
}

/** Collects bundled module ids from an output bundle (chunks' modules that rendered code, assets' source files). */
function collect(bundle: Record<string, unknown>, ids: Set<string>): void {
  for (const out of Object.values(bundle) as {
    type: string;
    modules?: Record<string, { renderedLength: number }>;
    originalFileNames?: string[];
  }[]) {
    if (out.type === 'chunk') {
      for (const [id, m] of Object.entries(out.modules ?? {})) if (m.renderedLength > 0) ids.add(id);
    } else {
      for (const f of out.originalFileNames ?? []) ids.add(f);
    }
  }
}

/** Two plugins: `page` for `plugins`, `worker` for `worker.plugins`. */
export function thirdPartyLicenses(): { page: Plugin; worker: Plugin } {
  const ids = new Set<string>();
  let root = process.cwd();
  const title = 'Third-party software in CoT Playground';
  const page: Plugin = {
    name: 'cot:third-party-licenses',
    configResolved(c) {
      root = c.root;
    },
    buildStart() {
      ids.clear();
    },
    generateBundle(_options, bundle) {
      collect(bundle, ids);
      const packages = packagesOf(ids, root);
      for (const p of packages) if (p.license === 'UNKNOWN') this.warn(`${p.name} ${p.version} declares no licence`);
      const intro =
        'The page and its training workers bundle the npm packages below. For each: version, the licence its\n' +
        'package.json declares, and the licence text it ships. Generated at build time (build/licenses.ts).';
      this.emitFile({ type: 'asset', fileName: NOTICES_FILE, source: renderNotices(packages, { root, title, intro }) });
    },
    configureServer(server) {
      server.middlewares.use(`${server.config.base}${NOTICES_FILE}`, (_req, res) => {
        const intro =
          'Development server: every package that package.json depends on, directly or not. A build\n' +
          '(npm run build) lists only the packages whose code is in the bundle.';
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(renderNotices(packagesOf(dependencyClosure(root), root), { root, title, intro }));
      });
    },
  };
  const worker: Plugin = {
    name: 'cot:third-party-licenses:worker',
    generateBundle(_options, bundle) {
      collect(bundle, ids);
    },
  };
  return { page, worker };
}
