import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { MAX_LINK_LENGTH, configToQuery, isDefault, queryToConfig } from './link';
import { DEFAULT_CONFIG, EARLIER_DEFAULTS, LINK_VERSION, PARAMS, paramApplies, taskDefaults, type Config, type Param, type TaskId } from './schema';
import { configSchema, type Checked } from './validate';

const texts = (c: Checked) => c.corrections.map((x) => x.text);

/**
 * A random valid config: a task, then every parameter of that task drawn from its range (the other tasks' stay at
 * their defaults: a link does not carry them), the cross-parameter rules respected.
 */
function randomConfig(rng: () => number): Config {
  const task = PARAMS[0].options[Math.floor(rng() * PARAMS[0].options.length)] as TaskId;
  const c = { ...taskDefaults(task) } as Record<string, unknown>;
  for (const p of PARAMS) {
    if (p.key === 'task' || !paramApplies(p, task)) continue;
    if (p.type === 'enum') c[p.key] = p.options[Math.floor(rng() * p.options.length)];
    else if (p.type === 'hex') c[p.key] = Array.from({ length: p.length }, () => '0123456789abcdef'[Math.floor(rng() * 16)]).join('');
    else if (p.type === 'int') c[p.key] = p.min + Math.floor(rng() * (p.max - p.min + 1));
    else c[p.key] = p.min + rng() * (p.max - p.min);
  }
  const config = c as Config;
  if (config.degree > config.relations) config.degree = 1 + Math.floor(rng() * config.relations);
  config.trainSize = Math.min(config.trainSize, 2 ** (config.bits - 1));
  while (config.dModel % config.heads !== 0) config.heads--;
  return config;
}

/** The invariants every checked config must satisfy, whatever the input was. */
function expectValid(c: Config): void {
  expect(configSchema.safeParse(c).success).toBe(true);
  expect(Object.keys(c).sort()).toEqual(PARAMS.map((p) => p.key).sort());
  for (const p of PARAMS) if (p.type === 'int') expect(Number.isInteger(c[p.key])).toBe(true);
  expect(c.degree).toBeLessThanOrEqual(c.relations);
  expect(c.dModel % c.heads).toBe(0);
}

describe('link round trip', () => {
  it('the default config is the link "v=3" and reads back with no messages', () => {
    const q = configToQuery(DEFAULT_CONFIG);
    expect(q).toBe(`v=${LINK_VERSION}`);
    const back = queryToConfig(q);
    expect(back.config).toEqual(DEFAULT_CONFIG);
    expect(texts(back)).toEqual([]);
    expect(isDefault(back.config)).toBe(true);
  });

  it('random valid configs survive config → link → config exactly, with no messages', () => {
    const rng = seedrandom.alea('link-roundtrip');
    for (let i = 0; i < 300; i++) {
      const c = randomConfig(rng);
      const back = queryToConfig(configToQuery(c));
      expect(texts(back)).toEqual([]);
      expect(back.config).toEqual(c);
    }
  });

  it('each parameter alone, set to its min, max and a non-default value, round trips', () => {
    for (const p of PARAMS) {
      const values = p.type === 'enum' ? p.options : p.type === 'hex' ? ['', 'abcdef0123456789'] : [p.min, p.max];
      for (const v of values) {
        const c = { ...taskDefaults(((p as Param).task ?? 'kg') as TaskId), [p.key]: v } as Config;
        if (p.key === 'task') Object.assign(c, taskDefaults(v as TaskId));
        if (p.key === 'degree') c.relations = 200; // degree may not exceed relations
        if (c.degree > c.relations) c.degree = c.relations;
        if (p.key === 'trainSize') c.bits = 48; // nor training strings half of all strings
        c.trainSize = Math.min(c.trainSize, 2 ** (c.bits - 1));
        const back = queryToConfig(configToQuery(c));
        expect(texts(back), p.key).toEqual([]);
        expect(back.config[p.key], p.key).toBe(v);
      }
    }
  });

  it('only v=3 and the non-default values appear in the link', () => {
    const rng = seedrandom.alea('link-keys');
    for (let i = 0; i < 50; i++) {
      const c = randomConfig(rng);
      const params = new URLSearchParams(configToQuery(c));
      const keys = [...params.keys()];
      expect(keys[0]).toBe('v');
      expect(params.get('v')).toBe(String(LINK_VERSION));
      const defaults = taskDefaults(c.task);
      const expected = PARAMS.filter((p) => (p.key === 'task' ? c.task !== 'kg' : paramApplies(p, c.task) && c[p.key] !== defaults[p.key])).map((p) => p.key);
      expect(keys.slice(1).sort()).toEqual(expected.sort());
      for (const k of keys.slice(1)) expect(params.get(k)).toBe(String(c[k as keyof Config]));
    }
    expect(configToQuery({ ...DEFAULT_CONFIG, entities: 300 })).toBe('v=3&entities=300');
  });

  it('reads a bare query, one with "?", and a full URL with a #hash alike', () => {
    for (const link of [
      'entities=30&seed=3',
      '?entities=30&seed=3',
      'https://example.org/cot/?entities=30&seed=3#layers=2',
      'http://localhost:5173/?v=3&entities=30&seed=3#',
    ]) {
      const r = queryToConfig(link);
      expect(r.config, link).toEqual({ ...DEFAULT_CONFIG, entities: 30, seed: 3 });
      expect(texts(r), link).toEqual([]);
    }
  });

  it('a version 1 link is read with the defaults of then (λ 7.2, lr 1e-3, 2,000 steps) where it says nothing', () => {
    const old = queryToConfig('https://example.org/cot/?v=1&entities=30&seed=3');
    expect(old.config).toEqual({ ...DEFAULT_CONFIG, entities: 30, seed: 3, ...EARLIER_DEFAULTS[1].kg });
    expect(EARLIER_DEFAULTS[1].kg).toEqual({ lambda: 7.2, lr: 1e-3, steps: 2000 });
    expect(texts(old)).toEqual([]);
    // what it does say stands
    expect(queryToConfig('v=1&lambda=3.6&steps=500').config).toMatchObject({ lambda: 3.6, steps: 500, lr: 1e-3 });
    // and its link now names those values, so it opens the same experiment
    expect(configToQuery(old.config)).toBe('v=3&seed=3&entities=30&lambda=7.2&lr=0.001&steps=2000');
    // a link without a version is read as the current one
    expect(queryToConfig('entities=30').config).toEqual({ ...DEFAULT_CONFIG, entities: 30 });
  });

  it("a version 2 link is read with its knowledge graph's defaults (λ 1.8, 1,000 steps); other tasks' links are unchanged", () => {
    const old = queryToConfig('v=2&seed=7');
    expect(old.config).toEqual({ ...DEFAULT_CONFIG, seed: 7, lambda: 1.8, steps: 1000 });
    expect(texts(old)).toEqual([]);
    expect(configToQuery(old.config)).toBe('v=3&seed=7&lambda=1.8&steps=1000');
    expect(queryToConfig('v=2&lambda=3&steps=800').config).toMatchObject({ lambda: 3, steps: 800 });
    // a version 2 parity link: its task's preset is the same in version 3, and it gets no knowledge-graph key
    const parity = queryToConfig('v=2&task=parity&bits=10');
    expect(parity.config).toEqual({ ...taskDefaults('parity'), bits: 10 });
    expect(texts(parity)).toEqual([]);
    // a task named wrongly is corrected to the default task, read with that task's earlier defaults
    expect(queryToConfig('v=2&task=nope').config).toMatchObject({ task: 'kg', lambda: 1.8, steps: 1000 });
  });

  it('the empty string is the default experiment', () => {
    expect(queryToConfig('')).toEqual({ config: DEFAULT_CONFIG, corrections: [] });
    expect(queryToConfig('?')).toEqual({ config: DEFAULT_CONFIG, corrections: [] });
  });
});

describe('untrusted links', () => {
  it('unknown keys are ignored and named', () => {
    const r = queryToConfig('v=3&entities=30&colour=blue');
    expect(r.config).toEqual({ ...DEFAULT_CONFIG, entities: 30 });
    expect(texts(r)).toHaveLength(1);
    expect(texts(r)[0]).toContain('colour');
  });

  it('keys that are names of Object.prototype are unknown keys, not parameters', () => {
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const r = queryToConfig(`${k}=abc&entities=30`);
      expect(r.config, k).toEqual({ ...DEFAULT_CONFIG, entities: 30 });
      expect(texts(r), k).toEqual([`Unknown parameter "${k}" ignored.`]);
      expectValid(r.config);
    }
  });

  it('non-numeric, NaN and infinite numbers fall back to the default and name the parameter', () => {
    for (const v of ['abc', 'NaN', 'Infinity', '-Infinity', '1e400', '', ' ', '12abc', '[1]']) {
      const r = queryToConfig(`layers=${encodeURIComponent(v)}`);
      expect(r.config.layers, v).toBe(DEFAULT_CONFIG.layers);
      expect(texts(r), v).toHaveLength(1);
      expect(texts(r)[0], v).toMatch(/^layers: /);
    }
  });

  it('out-of-range values are clamped and the message names the parameter', () => {
    const r = queryToConfig('entities=5&relations=100000&lr=-1&dropout=0.9');
    expect(r.config.entities).toBe(10);
    expect(r.config.relations).toBe(200);
    expect(r.config.lr).toBe(1e-5);
    expect(r.config.dropout).toBe(0.5);
    for (const key of ['entities', 'relations', 'lr', 'dropout']) {
      expect(
        texts(r).some((m) => m.startsWith(`${key}: `) && m.includes('outside')),
        key,
      ).toBe(true);
    }
    expectValid(r.config);
  });

  it('non-integer values of integer parameters are rounded, with a message', () => {
    const r = queryToConfig('layers=2.6&seed=7.2');
    expect(r.config.layers).toBe(3);
    expect(r.config.seed).toBe(7);
    expect(texts(r).filter((m) => m.includes('whole number'))).toHaveLength(2);
    // floats are kept as they are
    expect(queryToConfig('lambda=3.65').config.lambda).toBe(3.65);
  });

  it('a bad enum value falls back to the default', () => {
    const r = queryToConfig('hops=4&arms=none&noiseKind=T');
    expect(r.config.hops).toBe('2');
    expect(r.config.arms).toBe('both');
    expect(r.config.noiseKind).toBe('t');
    expect(
      texts(r)
        .map((m) => m.split(':')[0])
        .sort(),
    ).toEqual(['arms', 'hops', 'noiseKind']);
  });

  it('degree above relations is lowered to relations', () => {
    const r = queryToConfig('relations=5&degree=12');
    expect(r.config.degree).toBe(5);
    expect(texts(r)).toEqual(['degree: 12 is more than relations (5); using 5.']);
  });

  it('heads that do not divide dModel become the largest divisor below', () => {
    const r = queryToConfig('dModel=48&heads=5');
    expect(r.config.heads).toBe(4);
    expect(texts(r)).toHaveLength(1);
    expect(texts(r)[0]).toMatch(/^heads: /);
    expect(queryToConfig('dModel=112&heads=6').config.heads).toBe(4);
  });

  it('duplicated keys: the last value wins, with a message', () => {
    const r = queryToConfig('seed=1&seed=2');
    expect(r.config.seed).toBe(2);
    expect(texts(r)).toHaveLength(1);
    expect(texts(r)[0]).toContain('seed');
  });

  it('a wrong link version is reported but the values are still read', () => {
    const r = queryToConfig('v=9&seed=4');
    expect(r.config.seed).toBe(4);
    expect(texts(r)).toHaveLength(1);
    expect(texts(r)[0]).toContain('version');
  });

  it('script text as a value or a key is never echoed whole', () => {
    const script = '<script>alert(1)</script>';
    const enc = encodeURIComponent(script);
    for (const link of [`noiseKind=${enc}`, `seed=${enc}`, `${enc}=1`, `${script}=${script}`]) {
      const r = queryToConfig(link);
      expect(r.config, link).toEqual(DEFAULT_CONFIG);
      expect(texts(r).length, link).toBeGreaterThan(0);
      for (const m of texts(r)) expect(m, link).not.toContain(script);
    }
  });

  it('huge strings: the link is cut at the limit and messages stay short', () => {
    const long = 'x'.repeat(10_000);
    for (const link of [`seed=${long}`, `${long}=1`, `seed=5&${long}`, long, `entities=30&seed=${'9'.repeat(5000)}`]) {
      const r = queryToConfig(link);
      expectValid(r.config);
      for (const m of texts(r)) expect(m.length, link.slice(0, 20)).toBeLessThan(200);
    }
    const cut = queryToConfig(`seed=5&pad=${long}`);
    expect(cut.config.seed).toBe(5);
    expect(texts(cut)[0]).toContain(String(MAX_LINK_LENGTH));
    // a long number string is not a number
    expect(queryToConfig(`seed=${'1'.repeat(100)}`).config.seed).toBe(DEFAULT_CONFIG.seed);
  });

  it('never throws and always returns a valid config on random junk', () => {
    const rng = seedrandom.alea('link-fuzz');
    const alphabet = ['=', '&', '?', '#', '%', '%E0', '%ZZ', '+', ' ', '\u0000', '\uD800', 'é', '<', '>', '"', '.', '-', 'e', '1', '0', '9'];
    const keys = [...PARAMS.map((p) => p.key), 'v', '__proto__', 'x'];
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = Math.floor(rng() * 40);
      for (let j = 0; j < n; j++) {
        const r = rng();
        if (r < 0.3) s += keys[Math.floor(rng() * keys.length)];
        else s += alphabet[Math.floor(rng() * alphabet.length)];
      }
      let r: ReturnType<typeof queryToConfig> | undefined;
      expect(() => (r = queryToConfig(s)), JSON.stringify(s)).not.toThrow();
      expectValid(r!.config);
      for (const m of texts(r!)) expect(typeof m).toBe('string');
    }
  });

  it('non-string input does not throw', () => {
    expect(queryToConfig(undefined as unknown as string).config).toEqual(DEFAULT_CONFIG);
    expect(queryToConfig(null as unknown as string).config).toEqual(DEFAULT_CONFIG);
  });
});
