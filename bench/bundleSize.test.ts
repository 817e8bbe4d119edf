import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetSizes, sizeTable, staticClosure } from './bundleSize';

describe('bench/bundleSize', () => {
  it('an entry loads itself and what it imports statically, transitively; dynamic imports are left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cot-size-'));
    mkdirSync(join(dir, 'assets'));
    const w = (f: string, text: string) => writeFileSync(join(dir, 'assets', f), text);
    w('training.worker-a1.js', 'import{a}from"./core-b2.js";const g=()=>import(`./gpu-c3.js`);');
    w('core-b2.js', `import"./runtime-d4.js";${'x'.repeat(1000)}`);
    w('runtime-d4.js', 'export{}');
    w('gpu-c3.js', `import{a}from"./core-b2.js";${'y'.repeat(5000)}`);
    w('kernels.wasm', '\0asm');
    const sizes = assetSizes(dir);
    expect(sizes.map((s) => s.file)).toEqual(['core-b2.js', 'gpu-c3.js', 'kernels.wasm', 'runtime-d4.js', 'training.worker-a1.js']);
    expect(sizes.find((s) => s.file === 'gpu-c3.js')!.raw).toBe(5000 + 'import{a}from"./core-b2.js";'.length);
    expect(
      staticClosure('training.worker-a1.js', sizes)
        .map((s) => s.file)
        .sort(),
    ).toEqual(['core-b2.js', 'runtime-d4.js', 'training.worker-a1.js']);
    expect(sizeTable(sizes)).toMatch(/^training\.worker at start \(3 files\) +1\.1 kB/m);
  });
});
