import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../data/dataset';
import { datasetHash } from '../../data/hash';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import {
  atomicSequence,
  countPaths,
  generateKg,
  pathSequence,
  SPLITS,
  trainingSequences,
  type AtomicFact,
  type DataConfig,
  type KgData,
  type Path,
} from './generate';
import { relationToken, tokenName } from './vocab';

const small: DataConfig = { ...DEFAULT_CONFIG, entities: 60, relations: 8, degree: 4, evalSize: 50 };

/** The hash of a config's dataset, through the task-neutral Dataset (what reports and the page show). */
const hashOf = (c: DataConfig) => datasetHash(generateDataset({ ...DEFAULT_CONFIG, ...c } as Config));

const factKey = (h: number, r: number) => `${h},${r}`;
function factIndex(d: KgData): Map<string, AtomicFact> {
  return new Map(d.atomic.map((f) => [factKey(f.h, f.r), f]));
}
/** The atomic facts a path composes, following the graph from its head (not its stored bridges). */
function hopsOf(facts: Map<string, AtomicFact>, p: Path): AtomicFact[] {
  const out: AtomicFact[] = [];
  let node = p.h;
  for (const r of p.rels) {
    const f = facts.get(factKey(node, r));
    if (!f) throw new Error(`no fact (${node}, ${r})`);
    out.push(f);
    node = f.t;
  }
  return out;
}
/** True when the stored bridges and tail are the true composition. */
function isClean(facts: Map<string, AtomicFact>, p: Path): boolean {
  const hops = hopsOf(facts, p);
  return hops.slice(0, -1).every((f, i) => f.t === p.bridges[i]) && hops[hops.length - 1].t === p.t;
}
const queryKey = (p: Path) => [p.h, ...p.rels].join(',');
const pathKey = (p: Path) => [p.h, ...p.rels, ...p.bridges, p.t].join(',');

describe.each([
  ['two hops', { ...small } as DataConfig],
  ['three hops', { ...small, entities: 43, degree: 3, hops: '3', oodShare: 0.3 } as DataConfig], // 129 × 0.3 = 38.7 OOD facts
  ['paper-like shares', { ...small, entities: 100, relations: 12, degree: 6, oodShare: 0.05, lambda: 12.6, seed: 11 } as DataConfig],
])('data invariants: %s', (_name, config) => {
  const d = generateKg(config);
  const facts = factIndex(d);
  const hops = Number(config.hops);

  it('every (h, r) has exactly one tail; every entity has `degree` distinct relations', () => {
    expect(d.atomic).toHaveLength(config.entities * config.degree);
    expect(facts.size).toBe(d.atomic.length); // no (h, r) twice
    const perEntity = new Map<number, Set<number>>();
    for (const f of d.atomic) {
      expect(f.h).toBeGreaterThanOrEqual(0);
      expect(f.h).toBeLessThan(config.entities);
      expect(f.t).toBeGreaterThanOrEqual(0);
      expect(f.t).toBeLessThan(config.entities);
      expect(f.r).toBeGreaterThanOrEqual(0);
      expect(f.r).toBeLessThan(config.relations);
      if (!perEntity.has(f.h)) perEntity.set(f.h, new Set());
      perEntity.get(f.h)!.add(f.r);
    }
    expect(perEntity.size).toBe(config.entities);
    for (const rels of perEntity.values()) expect(rels.size).toBe(config.degree);
  });

  it('|OOD atomic| = round(share × |atomic|), and all atomic facts are trained', () => {
    const ood = d.atomic.filter((f) => f.ood).length;
    expect(ood).toBe(Math.round(config.oodShare * d.atomic.length));
    expect(d.stats.oodAtomic).toBe(ood);
    expect(d.stats.idAtomic).toBe(d.atomic.length - ood);
    for (const cot of [true, false]) {
      const seqs = trainingSequences(d, cot).map((s) => s.tokens.join(','));
      const set = new Set(seqs);
      for (const f of d.atomic) expect(set.has(atomicSequence(d.vocab, f).tokens.join(','))).toBe(true);
    }
  });

  it('every path is accounted for: ID pool + OOD test + mixed = E × deg^hops', () => {
    expect(d.stats.paths).toBe(countPaths(config));
    expect(d.stats.idPool + d.stats.oodTwoHop + d.stats.mixedDropped).toBe(d.stats.paths);
    expect(d.oodTest.length).toBeGreaterThan(0);
  });

  it('train and ID test paths are all-ID, OOD test paths are all-OOD; test paths are clean', () => {
    for (const p of [...d.trainClean, ...d.idTest]) {
      expect(p.rels).toHaveLength(hops);
      expect(p.bridges).toHaveLength(hops - 1);
      expect(hopsOf(facts, p).every((f) => !f.ood)).toBe(true);
      expect(isClean(facts, p)).toBe(true);
    }
    for (const p of d.oodTest) {
      expect(hopsOf(facts, p).every((f) => f.ood)).toBe(true);
      expect(isClean(facts, p)).toBe(true);
    }
  });

  it('no OOD test query or path appears among training facts or the ID test; ID test ∩ train = ∅', () => {
    const trainQ = new Set(d.train.map(queryKey));
    const trainP = new Set([...d.train, ...d.trainClean].map(pathKey));
    const idQ = new Set(d.idTest.map(queryKey));
    for (const p of d.oodTest) {
      expect(trainQ.has(queryKey(p))).toBe(false);
      expect(trainP.has(pathKey(p))).toBe(false);
      expect(idQ.has(queryKey(p))).toBe(false);
    }
    for (const p of d.idTest) expect(trainQ.has(queryKey(p))).toBe(false);
    expect(new Set(d.train.map(queryKey)).size).toBe(d.train.length); // no query trained twice
    // noise never changes the query, only its continuation
    expect(d.train.map(queryKey)).toEqual(d.trainClean.map(queryKey));
  });

  it('λ: |train| = min(round(λ·|ID atomic|), pool − |ID test|); ID test = min(1000, round(share·pool))', () => {
    const idAtomic = d.stats.idAtomic;
    expect(d.idTest.length).toBe(Math.min(1000, Math.max(1, Math.round(config.idTestShare * d.stats.idPool))));
    expect(d.train.length).toBe(Math.min(Math.round(config.lambda * idAtomic), d.stats.idPool - d.idTest.length));
    expect(d.stats.trainTwoHop).toBe(d.train.length);
    expect(d.stats.lambdaEffective).toBeCloseTo(d.train.length / idAtomic, 10);
  });

  it('eval splits are subsets of their sources, of size min(evalSize, source size)', () => {
    const atomicKeys = (fs: AtomicFact[]) => new Set(fs.map((f) => [f.h, relationToken(d.vocab, f.r), f.t, d.vocab.eos].join(',')));
    const pathKeys = (ps: Path[]) => new Set(ps.map((p) => [p.h, ...p.rels.map((r) => relationToken(d.vocab, r)), ...p.bridges, p.t, d.vocab.eos].join(',')));
    const sources = {
      idAtomic: atomicKeys(d.atomic.filter((f) => !f.ood)),
      oodAtomic: atomicKeys(d.atomic.filter((f) => f.ood)),
      trainTwoHop: pathKeys(d.train),
      idTwoHop: pathKeys(d.idTest),
      oodTwoHop: pathKeys(d.oodTest),
    };
    for (const s of SPLITS) {
      const items = d.splits[s];
      expect(items.length, s).toBe(Math.min(config.evalSize, sources[s].size));
      const seen = new Set<string>();
      for (const it of items) {
        const key = [...it.prompt, ...it.target].join(',');
        expect(sources[s].has(key), s).toBe(true);
        seen.add(key);
        expect(it.target[it.target.length - 1]).toBe(d.vocab.eos);
        expect(it.directTarget).toEqual([it.answer, d.vocab.eos]);
        expect(it.target[it.target.length - 2]).toBe(it.answer);
      }
      expect(seen.size, s).toBe(items.length); // no duplicates
    }
  });
});

describe('token formats', () => {
  const d = generateKg(small);
  const v = d.vocab;
  const names = (ts: number[]) => ts.map((t) => tokenName(v, t)).join(' ');

  it('atomic: h r t </a>, prompt h r', () => {
    const f = d.atomic[0];
    const s = atomicSequence(v, f);
    expect(names(s.tokens)).toBe(`e${f.h} r${f.r} e${f.t} </a>`);
    expect(s.promptLength).toBe(2);
  });

  it('two-hop: direct h r1 r2 t </a>, CoT h r1 r2 b t </a>, prompt h r1 r2', () => {
    const p = d.train[0];
    const direct = pathSequence(v, p, false);
    const cot = pathSequence(v, p, true);
    const [r1, r2] = p.rels;
    expect(names(direct.tokens)).toBe(`e${p.h} r${r1} r${r2} e${p.t} </a>`);
    expect(names(cot.tokens)).toBe(`e${p.h} r${r1} r${r2} e${p.bridges[0]} e${p.t} </a>`);
    expect(direct.promptLength).toBe(3);
    expect(cot.promptLength).toBe(3);
  });

  it('three-hop CoT: h r1 r2 r3 b1 b2 t </a>', () => {
    const d3 = generateKg({ ...small, hops: '3' });
    const p = d3.train[0];
    const s = pathSequence(d3.vocab, p, true);
    const n = (t: number) => tokenName(d3.vocab, t);
    expect(s.tokens.map(n).join(' ')).toBe(`e${p.h} r${p.rels[0]} r${p.rels[1]} r${p.rels[2]} e${p.bridges[0]} e${p.bridges[1]} e${p.t} </a>`);
    expect(s.promptLength).toBe(4);
  });

  it('training sequences: all atomic facts first, then the multi-hop facts; arms differ only by the bridges', () => {
    const cot = trainingSequences(d, true);
    const direct = trainingSequences(d, false);
    expect(cot).toHaveLength(d.atomic.length + d.train.length);
    expect(direct).toHaveLength(cot.length);
    for (let i = 0; i < cot.length; i++) {
      const c = cot[i].tokens;
      const t = direct[i].tokens;
      if (i < d.atomic.length) expect(c).toEqual(t);
      else expect([...c.slice(0, 3), ...c.slice(4)]).toEqual(t);
    }
  });
});

describe('noise', () => {
  // a large training set: |train| ≈ 7.2 × 1700 ≈ 12k
  const big: DataConfig = { ...DEFAULT_CONFIG, entities: 200, relations: 20, degree: 10, lambda: 7.2, noise: 0.3 };

  it.each(['t', 'b', 'both'] as const)('kind %s: rate within binomial tolerance, changes only what it should', (kind) => {
    const d = generateKg({ ...big, noiseKind: kind });
    const facts = factIndex(d);
    const n = d.train.length;
    expect(n).toBeGreaterThan(10_000);
    let noisy = 0;
    d.train.forEach((p, i) => {
      const c = d.trainClean[i];
      expect(isClean(facts, c)).toBe(true);
      const tailChanged = p.t !== c.t;
      const bridgeChanged = p.bridges[0] !== c.bridges[0];
      if (tailChanged || bridgeChanged) noisy++;
      expect(p.h).toBe(c.h);
      expect(p.rels).toEqual(c.rels);
      if (kind === 't') expect(bridgeChanged).toBe(false);
      if (kind === 'b') expect(tailChanged).toBe(false);
      if (kind === 'both') expect(tailChanged).toBe(bridgeChanged);
    });
    expect(noisy).toBe(d.stats.noisy);
    const sd = Math.sqrt(n * 0.3 * 0.7);
    expect(Math.abs(noisy - 0.3 * n)).toBeLessThan(5 * sd);
    // test data stays clean: every target is the true composition
    for (const p of [...d.idTest, ...d.oodTest]) expect(isClean(facts, p)).toBe(true);
    for (const it of [...d.splits.idTwoHop, ...d.splits.oodTwoHop]) {
      const [h, ...rels] = it.prompt;
      const p: Path = { h, rels: rels.map((r) => r - d.vocab.entities), bridges: it.target.slice(0, -2), t: it.answer };
      expect(isClean(facts, p)).toBe(true);
    }
  });

  it('noise 0 leaves train equal to trainClean', () => {
    const d = generateKg(small);
    expect(d.stats.noisy).toBe(0);
    expect(d.train).toEqual(d.trainClean);
  });

  it('three hops, kind b: exactly one bridge changes, the tail never', () => {
    const d = generateKg({ ...small, entities: 80, hops: '3', noise: 0.5, noiseKind: 'b', lambda: 3.6 });
    let noisy = 0;
    d.train.forEach((p, i) => {
      const c = d.trainClean[i];
      expect(p.t).toBe(c.t);
      const changed = p.bridges.filter((b, k) => b !== c.bridges[k]).length;
      expect(changed).toBeLessThanOrEqual(1);
      noisy += changed;
    });
    expect(noisy).toBe(d.stats.noisy);
    expect(noisy).toBeGreaterThan(0);
  });
});

describe('determinism and hash', () => {
  it('same config → identical dataset and hash; different seed or parameter → different hash', () => {
    const a = generateKg(small);
    const b = generateKg({ ...small });
    expect(b).toEqual(a);
    const hash = hashOf(small);
    expect(hashOf({ ...small })).toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf({ ...small, seed: 1 })).not.toBe(hash);
    expect(hashOf({ ...small, noise: 0.2 })).not.toBe(hash);
    expect(hashOf({ ...small, evalSize: 100 })).not.toBe(hash);
  });

  it('refuses graphs with too many paths', () => {
    expect(() => generateKg({ ...DEFAULT_CONFIG, entities: 2000, degree: 50, relations: 50 })).toThrow(RangeError);
    expect(() => generateDataset({ ...DEFAULT_CONFIG, entities: 2000, degree: 50, relations: 50 })).toThrow(RangeError);
  });

  it('no OOD share: no OOD facts, no OOD test', () => {
    const d = generateKg({ ...small, oodShare: 0 });
    expect(d.atomic.some((f) => f.ood)).toBe(false);
    expect(d.oodTest).toHaveLength(0);
    expect(d.splits.oodTwoHop).toHaveLength(0);
    expect(d.splits.oodAtomic).toHaveLength(0);
  });
});

describe('cotShare', () => {
  const small = { ...DEFAULT_CONFIG, entities: 60, relations: 8, degree: 4 };
  it('keeps the bridge on a fixed, seeded share of the CoT arm’s multi-hop facts; atomic facts, the direct arm and the tests unchanged', () => {
    const full = generateKg(small);
    const tenth = generateKg({ ...small, cotShare: 0.1 });
    expect(full.cotBridge).toBeNull();
    expect(tenth.cotBridge).toHaveLength(tenth.train.length);
    expect(tenth.cotBridge!.filter(Boolean).length).toBe(Math.round(0.1 * tenth.train.length));
    // same facts and splits: only the CoT arm's sequences differ
    expect(tenth.train).toEqual(full.train);
    expect(tenth.splits).toEqual(full.splits);
    expect(trainingSequences(tenth, false)).toEqual(trainingSequences(full, false));
    const cot = trainingSequences(tenth, true);
    const atomicCount = tenth.atomic.length;
    expect(cot.slice(0, atomicCount)).toEqual(trainingSequences(full, true).slice(0, atomicCount));
    const withBridge = cot.slice(atomicCount).filter((s) => s.tokens.length === 6).length; // h r1 r2 b t </a>
    const answerOnly = cot.slice(atomicCount).filter((s) => s.tokens.length === 5); // h r1 r2 t </a>
    expect(withBridge).toBe(tenth.cotBridge!.filter(Boolean).length);
    expect(answerOnly.length + withBridge).toBe(tenth.train.length);
    // the subset is the seed's: same seed → same subset, another seed → another
    expect(generateKg({ ...small, cotShare: 0.1 }).cotBridge).toEqual(tenth.cotBridge);
    expect(generateKg({ ...small, cotShare: 0.1, seed: 1 }).cotBridge).not.toEqual(tenth.cotBridge);
    // share 0: the CoT arm trains exactly as the direct arm
    const none = generateKg({ ...small, cotShare: 0 });
    expect(trainingSequences(none, true)).toEqual(trainingSequences(none, false));
    expect(hashOf({ ...small, cotShare: 0 })).not.toBe(hashOf(small));
  });
});
