import { describe, expect, it } from 'vitest';
import { generateDataset, MAX_PATHS } from '../../data/distribution';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import { dataConfig, graphAround, previewFor, summarize } from './summary';

const cfg = (o: Partial<Config> = {}) => dataConfig({ ...DEFAULT_CONFIG, ...o });

describe('preview summary', () => {
  it('reports the split sizes of the dataset and the requested λ', () => {
    const c = cfg();
    const d = generateDataset(c);
    const s = summarize(d, c);
    expect(s.stats).toEqual(d.stats);
    expect(s.requestedTrain).toBe(Math.round(c.lambda * d.stats.idAtomic));
    expect(s.lambdaCapped).toBe(false);
    expect(s.evalSizes.oodTwoHop).toBe(Math.min(c.evalSize, d.stats.oodTwoHop));
  });

  it('flags λ capped by the pool of ID paths', () => {
    const s = previewFor(cfg({ entities: 20, degree: 2, relations: 4, lambda: 20 }));
    expect(s.kind).toBe('ok');
    if (s.kind !== 'ok') return;
    expect(s.summary.lambdaCapped).toBe(true);
    expect(s.summary.stats.trainTwoHop).toBe(s.summary.trainPool);
    expect(s.summary.stats.lambdaEffective).toBeLessThan(20);
  });

  it('shows direct and CoT formats of the same paths, bridges only in CoT, OOD test marked', () => {
    const r = previewFor(cfg());
    if (r.kind !== 'ok') throw new Error(r.kind);
    const direct = r.summary.groups.find((g) => g.id === 'direct')!;
    const cot = r.summary.groups.find((g) => g.id === 'cot')!;
    expect(direct.samples.map((x) => x.source)).toEqual(['train', 'ID test', 'OOD test']);
    expect(cot.samples.map((x) => x.ood)).toEqual([false, false, true]);
    for (let i = 0; i < cot.samples.length; i++) {
      const dc = direct.samples[i].chips;
      const cc = cot.samples[i].chips;
      expect(cc.length).toBe(dc.length + 1); // one bridge for two hops
      expect(cc.filter((c) => c.bridge)).toHaveLength(1);
      expect(dc.some((c) => c.bridge)).toBe(false);
      expect(cc.at(-1)?.text).toBe('</a>');
      expect(cc.slice(0, 3).every((c) => c.role === 'prompt')).toBe(true);
    }
    const atomic = r.summary.groups.find((g) => g.id === 'atomic')!;
    expect(atomic.samples.some((x) => x.ood)).toBe(true);
  });

  it('three hops: two bridges in CoT samples', () => {
    const r = previewFor(cfg({ hops: '3', entities: 100, degree: 5 }));
    if (r.kind !== 'ok') throw new Error(r.kind);
    const cot = r.summary.groups.find((g) => g.id === 'cot')!;
    expect(cot.title).toMatch(/Three-hop/);
    expect(cot.samples[0].chips.filter((c) => c.bridge)).toHaveLength(2);
  });

  it('marks the corrupted token of a noisy example', () => {
    const r = previewFor(cfg({ noise: 0.5, noiseKind: 'b' }));
    if (r.kind !== 'ok') throw new Error(r.kind);
    const noisy = r.summary.groups.find((g) => g.id === 'noisy');
    expect(noisy).toBeDefined();
    const bad = noisy!.samples[0].chips.filter((c) => c.corrupted);
    expect(bad).toHaveLength(1);
    expect(bad[0].bridge).toBe(true);
  });

  it('refuses graphs with more paths than MAX_PATHS without generating', () => {
    const r = previewFor(cfg({ entities: 2000, relations: 50, degree: 50, hops: '3' }));
    expect(r.kind).toBe('too-big');
    if (r.kind === 'too-big') {
      expect(r.paths).toBeGreaterThan(MAX_PATHS);
      expect(r.message).toMatch(/Lower entities, degree or hops/);
    }
  });

  it('draws an OOD test path whose edges are all OOD facts, plus neighbours', () => {
    const d = generateDataset(cfg());
    const g = graphAround(d)!;
    expect(g.ood).toBe(true);
    const onPath = g.edges.filter((e) => e.onPath);
    expect(onPath).toHaveLength(2);
    expect(onPath.every((e) => e.ood)).toBe(true);
    expect(g.nodes.filter((n) => n.pathIndex >= 0)).toHaveLength(3);
    expect(g.edges.length).toBeGreaterThan(2);
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });

  it('without OOD facts, shows an ID path instead', () => {
    const g = graphAround(generateDataset(cfg({ oodShare: 0 })))!;
    expect(g.ood).toBe(false);
    expect(g.edges.filter((e) => e.onPath).every((e) => !e.ood)).toBe(true);
  });
});
