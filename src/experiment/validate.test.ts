import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PARAMS, PARAM_BY_KEY } from './schema';
import { checkConfig, checkValues, configSchema, shown, strictLine, type Checked } from './validate';

const texts = (c: Checked) => c.corrections.map((x) => x.text);

describe('schema table', () => {
  it('keys are unique, defaults lie in range and satisfy the cross-parameter rules', () => {
    expect(new Set(PARAMS.map((p) => p.key)).size).toBe(PARAMS.length);
    for (const p of PARAMS) {
      expect(PARAM_BY_KEY[p.key]).toBe(p);
      if (p.type === 'enum') expect(p.options).toContain(p.default);
      else if (p.type === 'hex') expect(p.default).toBe('');
      else {
        expect(p.min).toBeLessThanOrEqual(p.default);
        expect(p.default).toBeLessThanOrEqual(p.max);
        if (p.type === 'int') expect(Number.isInteger(p.default)).toBe(true);
      }
    }
    expect(configSchema.safeParse(DEFAULT_CONFIG).success).toBe(true);
    expect(DEFAULT_CONFIG.degree).toBeLessThanOrEqual(DEFAULT_CONFIG.relations);
    expect(DEFAULT_CONFIG.dModel % DEFAULT_CONFIG.heads).toBe(0);
    expect(checkConfig(DEFAULT_CONFIG)).toEqual({ config: DEFAULT_CONFIG, corrections: [] });
  });
});

describe('checkValues', () => {
  it('accepts numbers and numeric strings, trims spaces', () => {
    const r = checkValues({ entities: 40, relations: ' 12 ', lambda: '3.5' });
    expect(texts(r)).toEqual([]);
    expect(r.config).toEqual({ ...DEFAULT_CONFIG, entities: 40, relations: 12, lambda: 3.5 });
  });

  it('rejects NaN, Infinity, booleans, objects and arrays with a message naming the parameter', () => {
    for (const bad of [NaN, Infinity, -Infinity, true, {}, [3], null]) {
      const r = checkValues({ layers: bad });
      expect(r.config.layers, String(bad)).toBe(DEFAULT_CONFIG.layers);
      expect(texts(r), String(bad)).toHaveLength(1);
      expect(texts(r)[0]).toMatch(/^layers: /);
    }
  });

  it('skips undefined values; an unknown key is a structured correction, with a suggestion when one is close', () => {
    const r = checkValues({ layers: undefined, foo: 1, entites: 30 });
    expect(r.config).toEqual(DEFAULT_CONFIG);
    expect(texts(r)).toEqual(['Unknown parameter "foo" ignored.', 'Unknown parameter "entites" ignored (did you mean entities?).']);
    expect(r.corrections.map((c) => c.key)).toEqual(['foo', 'entites']);
  });

  it('each correction names its parameter, the value and what is allowed (the strict CLI line)', () => {
    const r = checkValues({ entities: 'abc', lambda: '1e400', layers: 2.5, heads: 3 });
    expect(r.corrections.map(strictLine)).toEqual([
      'entities "abc": is not a finite number (allowed: a whole number in 10–2000)',
      'lambda "1e400": is not a finite number (allowed: a number in 0–20)',
      'layers "2.5": is not a whole number (allowed: a whole number in 1–24)',
      'heads "3": does not divide dModel (128) (allowed: a divisor of dModel)',
    ]);
  });

  it('corrects a config built in code like a link', () => {
    const r = checkConfig({ ...DEFAULT_CONFIG, heads: 3, degree: 40, relations: 30 });
    expect(r.config.heads).toBe(2);
    expect(r.config.degree).toBe(30);
    expect(texts(r)).toHaveLength(2);
  });

  it('does not modify its input', () => {
    const input = { entities: '5', degree: 99 };
    const copy = structuredClone(input);
    checkValues(input);
    expect(input).toEqual(copy);
  });
});

describe('shown', () => {
  it('shortens long values and replaces control characters', () => {
    expect(shown('abc')).toBe('abc');
    expect(shown('x'.repeat(100))).toBe(`${'x'.repeat(24)}…`);
    expect(shown('a\nb\u0000c')).toBe('a?b?c');
  });
});
