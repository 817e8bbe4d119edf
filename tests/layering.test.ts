/**
 * The one-way data flow, checked on the sources: what runs on the page's main thread (src/main.tsx and
 * everything it imports, value or type) never reaches tfjs, src/train or src/model; src/experiment, the shared
 * domain module, imports nothing but itself and zod; what folds the workers' messages into the page's state lives
 * in src/store, not in src/worker. Workers are entered through `new Worker(new URL(…))` (src/store/workers.ts),
 * which is not an import, so they stay out of the page's graph. The model (src/model) never reaches back into the
 * trainer (src/train); cli/ holds the product's commands and the benchmarks live in bench/, which cli/ never imports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(c) && /\.tsx?$/.test(c)) return c;
  return null;
}

/** Every module reachable from `entry`, with the bare (package) imports of each. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [resolve(root, entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const bare: string[] = [];
    seen.set(file, bare);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) todo.push(next);
      } else bare.push(spec);
    }
  }
  return seen;
}
const rel = (f: string) => relative(root, f);

/** Everything outside src/tasks must know no task; the readers of reports written before tasks were plug-ins map their old names. */
const TASK_NEUTRAL = ['src', 'cli', 'bench'];
const LEGACY_READERS = ['src/runs/reportFormat.ts', 'src/experiment/mechanism.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
/** The local modules `file` imports, statically or through `import('…')`. */
function localImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const specs = [...[...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2]), ...[...code.matchAll(DYNAMIC)].map((m) => m[1])];
  return specs.filter((s) => s.startsWith('.')).flatMap((s) => resolveLocal(file, s) ?? []);
}

describe('layering', () => {
  it('the page (src/main.tsx and all it imports) never imports tfjs, src/train or src/model', () => {
    const g = graph('src/main.tsx');
    expect(g.size).toBeGreaterThan(20);
    const bad = [...g].flatMap(([f, bare]) => [
      ...(/^src\/(train|model)\//.test(rel(f)) ? [rel(f)] : []),
      ...bare.filter((b) => b.startsWith('@tensorflow/')).map((b) => `${rel(f)} → ${b}`),
    ]);
    expect(bad).toEqual([]);
  });

  it('page-side logic lives in src/store: of src/worker the page imports only the messages and the pure query helpers', () => {
    const fromWorker = [...graph('src/main.tsx').keys()].map(rel).filter((f) => f.startsWith('src/worker/'));
    expect(fromWorker.sort()).toEqual(['src/worker/examples.ts', 'src/worker/protocol.ts']);
  });

  it('src/experiment (shared by views, store, workers and CLI) depends only on itself, the tasks (pure) and zod', () => {
    for (const entry of ['src/experiment/domain.ts', 'src/experiment/link.ts', 'src/experiment/budget.ts', 'src/experiment/mechanism.ts']) {
      for (const [f, bare] of graph(entry)) {
        expect(rel(f), entry).toMatch(/^src\/(experiment|tasks)\//);
        expect(
          bare.filter((b) => b !== 'zod' && b !== 'seedrandom'),
          rel(f),
        ).toEqual([]);
      }
    }
  });

  it("nothing outside src/tasks names a task's concepts: splits, intermediate results and position roles are data", () => {
    const CONCEPTS =
      /\b(idAtomic|oodAtomic|trainTwoHop|idTwoHop|oodTwoHop|oodBridgeAcc|bridgeTop1|bridgeRightRate|makeVocab|relationToken|generateKg|KgData|runningParities|PARITY_TASK|KG_TASK)\b/;
    const offenders: string[] = [];
    for (const dir of TASK_NEUTRAL) {
      for (const f of sources(resolve(root, dir))) {
        if (/\.test\.tsx?$/.test(f) || rel(f).startsWith('src/tasks/') || LEGACY_READERS.includes(rel(f))) continue;
        const code = readFileSync(f, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        const m = CONCEPTS.exec(code);
        if (m) offenders.push(`${rel(f)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the model never imports the trainer: nothing under src/model (tests aside) imports from src/train', () => {
    const files = sources(resolve(root, 'src/model')).filter((f) => !/\.test\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    const bad = files.flatMap((f) =>
      localImports(f)
        .filter((i) => rel(i).startsWith('src/train/'))
        .map((i) => `${rel(f)} → ${rel(i)}`),
    );
    expect(bad).toEqual([]);
  });

  it('cli/ holds no benchmark: no file under cli/ is named bench*, and nothing under cli/ imports from bench/', () => {
    const files = sources(resolve(root, 'cli'));
    expect(files.length).toBeGreaterThan(10);
    const named = readdirSync(resolve(root, 'cli'), { recursive: true, encoding: 'utf8' })
      .filter((n) => /^bench/i.test(n.split(/[\\/]/).pop()!))
      .map((n) => `cli/${n}`);
    expect(named).toEqual([]);
    const bad = files.flatMap((f) =>
      localImports(f)
        .filter((i) => rel(i).startsWith('bench/'))
        .map((i) => `${rel(f)} → ${rel(i)}`),
    );
    expect(bad).toEqual([]);
  });
});
