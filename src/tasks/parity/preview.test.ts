import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import type { PreviewArms } from '../types';
import { generateParity, PARITY_TASK } from './index';

const cfg = (o: Partial<Config> = {}): Config => ({ ...DEFAULT_CONFIG, task: 'parity', bits: 8, trainSize: 64, ...o });
const previewOf = (c: Config) => PARITY_TASK.preview(generateParity(c), c);

describe('parity preview', () => {
  it('shows training strings and a test string in both formats: running parities only in CoT', () => {
    const p = previewOf(cfg());
    const table = p.groups[0] as PreviewArms;
    expect(table.layout).toBe('arms');
    expect(table.rows.map((r) => r.source)).toEqual(['train', 'train', 'train', 'test']);
    expect(table.rows.at(-1)?.highlight).toBe(true);
    for (const row of table.rows) {
      expect(row.cot.map((c) => c.part)).toEqual([...Array(8).fill('prompt'), 'prompt', ...Array(7).fill('step'), 'answer', 'eos']);
      expect(row.direct?.map((c) => c.part)).toEqual([...Array(9).fill('prompt'), 'answer', 'eos']);
      expect(row.cot.at(-2)?.text).toBe(row.direct?.at(-2)?.text);
      expect(row.cot.some((c) => c.corrupted)).toBe(false);
    }
    expect(p.sizes[0]).toMatchObject({ label: 'Training strings', value: 64 });
    expect(p.sizes.find((s) => s.highlight)?.label).toBe('Test strings, evaluated');
    expect(p.bar?.total).toBe(256);
    expect(p.warnings).toEqual([]);
  });

  it('says when fewer strings are trained than asked, and marks noise', () => {
    const p = previewOf(cfg({ bits: 6, trainSize: 48, noise: 0.5, noiseKind: 'both' }));
    expect(p.notes[0]).toMatch(/^Only 32 training strings/);
    const corrupted = (p.groups[0] as PreviewArms).rows.flatMap((r) => r.cot.filter((c) => c.corrupted));
    expect(corrupted.length).toBeGreaterThan(0);
    expect(p.notes.at(-1)).toMatch(/training strings carry noise\.$/);
  });
});
