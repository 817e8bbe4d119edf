import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import type { PreviewArms } from '../types';
import { generateMultiply } from './generate';
import { MULTIPLY_TASK } from './index';

const cfg = (o: Partial<Config> = {}): Config => ({ ...DEFAULT_CONFIG, task: 'multiply', digitsA: 2, digitsB: 2, trainPairs: 64, evalSize: 50, ...o });
const previewOf = (c: Config) => MULTIPLY_TASK.preview(generateMultiply(c), c);

describe('multiplication preview', () => {
  it('shows training pairs and a test pair in both formats: partial products only in CoT, the product in both', () => {
    const p = previewOf(cfg());
    const table = p.groups[0] as PreviewArms;
    expect(table.rows.map((r) => r.source)).toEqual(['train', 'train', 'train', 'test']);
    expect(table.rows.at(-1)?.highlight).toBe(true);
    for (const row of table.rows) {
      expect(row.cot.map((c) => c.part)).toEqual([...Array(6).fill('prompt'), ...Array(6).fill('step'), ...Array(4).fill('answer'), 'eos']);
      expect(row.direct?.map((c) => c.part)).toEqual([...Array(6).fill('prompt'), ...Array(4).fill('answer'), 'eos']);
      expect(row.cot.slice(-5).map((c) => c.text)).toEqual(row.direct?.slice(-5).map((c) => c.text));
      expect(row.cot[6].title).toBe('a × b1, digit 0');
      expect(row.cot.some((c) => c.corrupted)).toBe(false);
    }
    expect(p.sizes[0]).toMatchObject({ label: 'Training pairs', value: 64 });
    expect(p.sizes.find((s) => s.highlight)?.label).toBe('Test pairs, evaluated');
    expect(p.bar?.total).toBe(10_000);
    expect(p.warnings).toEqual([]);
  });

  it('says when fewer pairs are trained than asked, and marks noise', () => {
    const p = previewOf(cfg({ digitsA: 1, digitsB: 2, trainPairs: 900, noise: 0.5, noiseKind: 'both' }));
    expect(p.notes[0]).toMatch(/^Only 500 training pairs/);
    const corrupted = (p.groups[0] as PreviewArms).rows.flatMap((r) => r.cot.filter((c) => c.corrupted));
    expect(corrupted.length).toBeGreaterThan(0);
  });
});
