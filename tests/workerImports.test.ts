/**
 * What the training worker loads at start (issue 10, item 7): its static import graph never reaches the
 * `@tensorflow/tfjs` union (layers, converter, data), and the cpu, webgpu and webgl backends are only imported
 * dynamically (src/train/tfjsWorker.ts, lazyBackend.ts). `npm run build && npm run size` measures the bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const STATIC = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(c) && /\.tsx?$/.test(c)) return c;
  return null;
}

/** The modules reachable from `entry` through static imports, with their static and dynamic package imports. */
function graph(entry: string): Map<string, { bare: string[]; dynamic: string[] }> {
  const seen = new Map<string, { bare: string[]; dynamic: string[] }>();
  const todo = [resolve(root, entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const node = { bare: [] as string[], dynamic: [...text.matchAll(DYNAMIC)].map((m) => m[1]) };
    seen.set(file, node);
    for (const m of text.matchAll(STATIC)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) node.bare.push(spec);
      else {
        const next = resolveLocal(file, spec);
        if (next) todo.push(next);
      }
    }
  }
  return seen;
}

describe('the training worker', () => {
  it('imports tfjs-core and wasm at start, never the union; cpu, webgpu and webgl only when they are set', () => {
    const g = graph('src/worker/training.worker.ts');
    const bare = [...g].flatMap(([f, n]) => n.bare.map((b) => `${relative(root, f)} → ${b}`));
    const lazyOnes = ['@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-webgl'];
    expect(bare.filter((b) => b.endsWith('→ @tensorflow/tfjs') || lazyOnes.some((l) => b.endsWith(`→ ${l}`)))).toEqual([]);
    expect(bare.some((b) => b.endsWith('→ @tensorflow/tfjs-core'))).toBe(true);
    expect(bare.some((b) => b.endsWith('→ @tensorflow/tfjs-backend-wasm'))).toBe(true);
    const dynamic = new Set([...g.values()].flatMap((n) => n.dynamic));
    for (const l of lazyOnes) expect(dynamic).toContain(l);
  });
});
