/**
 * The one-way data flow, checked on the sources.
 *
 * Every folder of src/ is a stage, and a file imports (statically, through `import('…')`, types included) only its
 * own stage and stages ranked below it:
 *
 *   engine   experiment < tasks < data < runs, export < model < train < mechanism < worker
 *   page     store < views < story < app (src/main.tsx is the app's), standing on the engine's tfjs-free stages
 *            (experiment, tasks, data, runs, export), beside model, train, mechanism and worker
 *   on top   cli < bench (cli may import any stage of src; bench cli too; cli never bench)
 *
 * Stages of one rank (runs, export) import neither each other. The order follows what the files need:
 * src/experiment is what an experiment is (the schema, validation, the link format and the page keys a link
 * carries); src/tasks generates a config's data and reads a Config; src/data is what every stage uses of a task,
 * task-neutral (its dataset, the queries to inspect, the sizes and memory before generating, the gap read on its
 * splits, the designer's preview); src/runs (stored runs, reports) and src/export (the PyTorch export) need no
 * more; src/model is the transformer; src/train trains it; src/mechanism reads a trained model (the lens, causal
 * tracing; its tests train one); src/worker runs all of it off the main thread, every `*.worker.ts` of src there.
 *
 * Two edges the order does not give, each checked to stay narrow:
 * - src/experiment/schema.ts is assembled from the tasks' parameter declarations (src/tasks/params.ts and the
 *   src/tasks/<id>/params.ts it collects): pure data that import nothing but the Param type of
 *   src/experiment/paramTypes.ts (and each other). They are the tasks' part of the schema.
 * - The page reaches the workers only through src/store, which folds their messages into its state: src/store
 *   may import src/worker/protocol.ts, with `import type` only, and protocol.ts imports only types. Views and the
 *   tour take the message shapes from the store's state (src/store/reduce.ts), the query helpers from src/data.
 * Workers are entered through `new Worker(new URL(…))`, which is not an import, so they stay out of the page's
 * graph; the model (src/model) never reaches back into the trainer (src/train).
 *
 * Also checked: the page's main thread (src/main.tsx and all it imports) never reaches tfjs, src/train or src/model;
 * nothing outside src/tasks names a task's concepts; cli/ holds no benchmark; every zustand store lives in src/store
 * but the tour's own state (src/story/storyStore.ts: it is built from the tour's steps, which rank above the stores).
 *
 * Test files follow the rule of the folder they sit in, but for the exceptions in TEST_EXCEPTIONS (with why).
 * Tests that cross stages live in tests/ (outside the order), e.g. tests/tasks/.
 *
 * Names explain themselves: no two source files of src/, cli/ and bench/ share a name (compared as written: a
 * component, MechanismPresets.tsx, may show what a module of the same name in lower case holds), but for the
 * conventional entry points (index.ts, src/main.tsx, bench/main.ts), tests and the plug-in files of a task folder
 * (src/tasks/<id>/params.ts, index.ts, preview.ts, generate.ts).
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

/** The stages of the order, lowest first; stages of one rank share an entry. */
const ENGINE: readonly (readonly string[])[] = [['experiment'], ['tasks'], ['data'], ['runs', 'export'], ['model'], ['train'], ['mechanism'], ['worker']];
const PAGE: readonly (readonly string[])[] = [['store'], ['views'], ['story'], ['app']];
/** The page stands on ENGINE's first SHARED ranks: tfjs-free, what the main thread may load. */
const SHARED = 4;
const TOP: readonly (readonly string[])[] = [['cli'], ['bench']];

/** The stages a stage may import besides itself. */
function below(stage: string): Set<string> {
  const e = ENGINE.findIndex((r) => r.includes(stage));
  if (e >= 0) return new Set(ENGINE.slice(0, e).flat());
  const p = PAGE.findIndex((r) => r.includes(stage));
  if (p >= 0) return new Set([...ENGINE.slice(0, SHARED).flat(), ...PAGE.slice(0, p).flat()]);
  const t = TOP.findIndex((r) => r.includes(stage));
  if (t >= 0) return new Set([...ENGINE.flat(), ...PAGE.flat(), ...TOP.slice(0, t).flat()]);
  throw new Error(`stage ${stage} has no rank: give it one in tests/layering.test.ts`);
}

/** The stage of a file: its folder of src/ (src/main.tsx: app), cli or bench; null outside them (tests/, tools/). */
function stageOf(file: string): string | null {
  const r = rel(file);
  if (r === 'src/main.tsx') return 'app';
  const m = /^(?:src\/([^/]+)\/|(cli|bench)\/)/.exec(r);
  if (m) return m[1] ?? m[2];
  if (r.startsWith('src/')) throw new Error(`${r}: a file of src/ lives in the folder of its stage`);
  return null;
}

/** The tasks' parameter declarations, which src/experiment/schema.ts assembles. */
const DECLARATIONS = /^src\/tasks\/(?:[^/]+\/)?params\.ts$/;
const PARAM_TYPES = 'src/experiment/paramTypes.ts';
const PROTOCOL = 'src/worker/protocol.ts';

/** Tests that import above their folder's stage, and why they sit there all the same. */
const TEST_EXCEPTIONS: Record<string, { stages: string[]; why: string }> = {
  'src/tasks/kg/generate.test.ts': {
    stages: ['data'],
    why: 'a task is one folder, its tests included (src/tasks/README.md); they read its generator as every stage does, through generateDataset (the size check first) and datasetHash',
  },
  'src/tasks/parity/parity.test.ts': { stages: ['data'], why: 'as src/tasks/kg/generate.test.ts: the dataset hash of the task’s datasets' },
};

/** The import statements of a file that name a module: whether each is type-only, and the module it resolves to. */
function importStatements(file: string): { typeOnly: boolean; target: string | null; text: string }[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/^\s*(import|export)\s+(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({
    typeOnly: m[2] !== undefined,
    target: m[3].startsWith('.') ? resolveLocal(file, m[3]) : null,
    text: m[0].trim(),
  }));
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

  it('page-side logic lives in src/store: of src/worker the page imports only the messages (the query helpers are src/data’s)', () => {
    const fromWorker = [...graph('src/main.tsx').keys()].map(rel).filter((f) => f.startsWith('src/worker/'));
    expect(fromWorker.sort()).toEqual([PROTOCOL]);
  });

  it('src/experiment (shared by views, store, workers and CLI) depends only on itself, the tasks’ parameter declarations and zod', () => {
    for (const entry of ['src/experiment/domain.ts', 'src/experiment/link.ts', 'src/experiment/pageKeys.ts', 'src/experiment/mechanism.ts']) {
      for (const [f, bare] of graph(entry)) {
        expect(rel(f), entry).toMatch(/^src\/experiment\/|^src\/tasks\/(?:[^/]+\/)?params\.ts$/);
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

  it('every file imports only its own stage and the stages ranked below it (experiment < tasks < data < … < worker; store < views < story < app; cli, bench)', () => {
    const bad: string[] = [];
    const used = new Set<string>();
    for (const dir of ['src', 'cli', 'bench']) {
      for (const f of sources(resolve(root, dir))) {
        const from = stageOf(f)!;
        const may = below(from);
        for (const i of localImports(f)) {
          const to = stageOf(i);
          if (to === null || to === from || may.has(to)) continue;
          if (from === 'experiment' && DECLARATIONS.test(rel(i))) continue;
          if (from === 'store' && rel(i) === PROTOCOL) continue;
          const exception = TEST_EXCEPTIONS[rel(f)];
          if (exception?.stages.includes(to)) {
            used.add(rel(f));
            continue;
          }
          bad.push(`${rel(f)} (${from}) → ${rel(i)} (${to})`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(Object.keys(TEST_EXCEPTIONS).filter((f) => !used.has(f))).toEqual([]); // no exception outlives its need
  });

  it('the edges outside the order stay narrow: the tasks’ parameter declarations are pure data, the store takes only the messages’ types', () => {
    const declarations = sources(resolve(root, 'src/tasks')).filter((f) => DECLARATIONS.test(rel(f)));
    expect(declarations.length).toBeGreaterThanOrEqual(3);
    for (const f of declarations) {
      for (const i of localImports(f)) expect(rel(i), rel(f)).toMatch(new RegExp(`^${PARAM_TYPES}$|${DECLARATIONS.source}`));
      for (const s of importStatements(f)) if (s.target && rel(s.target) === PARAM_TYPES) expect(s.typeOnly, s.text).toBe(true);
    }
    expect(localImports(resolve(root, PARAM_TYPES))).toEqual([]);
    const fromStore = sources(resolve(root, 'src/store')).flatMap((f) => importStatements(f).filter((s) => s.target && rel(s.target) === PROTOCOL));
    expect(fromStore.length).toBeGreaterThan(0);
    expect(fromStore.filter((s) => !s.typeOnly).map((s) => s.text)).toEqual([]);
    expect(
      importStatements(resolve(root, PROTOCOL))
        .filter((s) => !s.typeOnly)
        .map((s) => s.text),
    ).toEqual([]);
  });

  it('workers live in src/worker: every *.worker.ts of src is there, and every `new Worker(new URL(…))` of src enters one', () => {
    const files = sources(resolve(root, 'src'));
    expect(files.map(rel).filter((f) => /\.worker\.ts$/.test(f) && !f.startsWith('src/worker/'))).toEqual([]);
    const entered = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/new Worker\(\s*new URL\(\s*['"]([^'"]+)['"]/g)].map((m) => `${rel(f)} → ${rel(resolve(dirname(f), m[1]))}`),
    );
    expect(entered.length).toBeGreaterThanOrEqual(3);
    expect(entered.filter((e) => !/ → src\/worker\/[^/]+\.worker\.ts$/.test(e))).toEqual([]);
  });

  it('stores live in src/store: no other module makes a zustand store, but the tour’s own (built from its steps, above the stores)', () => {
    const makers = sources(resolve(root, 'src'))
      .filter((f) => /from ['"]zustand['"]/.test(readFileSync(f, 'utf8')))
      .map(rel)
      .filter((f) => !f.startsWith('src/store/'));
    expect(makers).toEqual(['src/story/storyStore.ts']);
  });

  it('no two source files of src/, cli/ and bench/ share a name (entry points, tests and a task folder’s plug-in files aside)', () => {
    const byName = new Map<string, string[]>();
    for (const dir of ['src', 'cli', 'bench']) {
      for (const f of sources(resolve(root, dir)).map(rel)) {
        if (/\.test\.tsx?$/.test(f) || /(^|\/)(index|main)\.tsx?$/.test(f) || /^src\/tasks\/[^/]+\/(params|index|preview|generate)\.ts$/.test(f)) continue;
        const name = f
          .split('/')
          .pop()!
          .replace(/\.tsx?$/, '');
        byName.set(name, [...(byName.get(name) ?? []), f]);
      }
    }
    expect(byName.size).toBeGreaterThan(100);
    expect([...byName.values()].filter((files) => files.length > 1)).toEqual([]);
  });
});
