import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { computePreview, dataOf, previewKeys } from './datasetPreview';

describe('the preview of a config', () => {
  it('depends on the task, its own data parameters and the common ones, from the table', () => {
    expect(previewKeys('kg')).toEqual([
      'task',
      'seed',
      'noise',
      'noiseKind',
      'cotShare',
      'evalSize',
      'entities',
      'relations',
      'degree',
      'oodShare',
      'lambda',
      'hops',
      'idTestShare',
    ]);
    expect(previewKeys('parity')).toEqual(expect.arrayContaining(['task', 'seed', 'bits', 'trainSize', 'testBits']));
    expect(previewKeys('parity')).not.toContain('entities');
    expect(previewKeys('kg')).not.toContain('lr');
    expect(dataOf({ ...DEFAULT_CONFIG, lr: 0.01 })).toEqual(dataOf(DEFAULT_CONFIG));
  });

  it('is the task’s preview of the generated dataset', () => {
    const kg = computePreview(dataOf({ ...DEFAULT_CONFIG, entities: 50 }));
    if (kg.kind !== 'ok') throw new Error(kg.kind);
    expect(kg.preview.sizes[0]).toMatchObject({ label: 'Atomic facts', value: 500 });
    expect(kg.preview.picture).toBeDefined();
    const parity = computePreview(dataOf({ ...DEFAULT_CONFIG, task: 'parity', bits: 8, trainSize: 100 }));
    if (parity.kind !== 'ok') throw new Error(parity.kind);
    expect(parity.preview.sizes[0]).toMatchObject({ label: 'Training strings', value: 100 });
    expect(parity.preview.picture).toBeUndefined();
  });

  it('a config too large to generate gets the task’s message, without generating', () => {
    const r = computePreview(dataOf({ ...DEFAULT_CONFIG, entities: 2000, relations: 50, degree: 50, hops: '3' }));
    expect(r.kind).toBe('too-big');
    if (r.kind === 'too-big') expect(r.message).toMatch(/more than the 3,000,000/);
  });
});
