import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import type { PreviewArms, PreviewList, TaskPreview } from '../types';
import { generateKg, MAX_PATHS } from './generate';
import { KG_TASK } from './index';
import { graphAround, kgPreview } from './preview';

const cfg = (o: Partial<Config> = {}): Config => ({ ...DEFAULT_CONFIG, ...o });
const previewOf = (c: Config) => kgPreview(generateKg(c), c);
const arms = (p: TaskPreview) => p.groups.find((g): g is PreviewArms => g.layout === 'arms')!;
const list = (p: TaskPreview) => p.groups.find((g): g is PreviewList => g.layout === 'list')!;
const size = (p: TaskPreview, label: string) => p.sizes.find((s) => s.label === label);

describe('knowledge-graph preview', () => {
  it('reports the split sizes of the dataset and the evaluation size', () => {
    const c = cfg();
    const d = generateKg(c);
    const p = kgPreview(d, c);
    expect(size(p, 'Atomic facts')).toEqual({
      label: 'Atomic facts',
      value: d.stats.atomic,
      detail: `= ${d.stats.idAtomic.toLocaleString('en-US')} ID + ${d.stats.oodAtomic} OOD`,
    });
    expect(size(p, 'Train two-hop')?.value).toBe(d.stats.trainTwoHop);
    expect(size(p, 'OOD test two-hop')).toMatchObject({ value: d.stats.oodTwoHop, highlight: true });
    expect(size(p, 'Vocabulary')).toMatchObject({ value: d.vocab.size, unit: 'tokens' });
    expect(p.bar?.parts.reduce((s, x) => s + x.value, 0)).toBe(d.stats.paths);
    expect(p.warnings).toEqual([]);
    const evalSize = Math.max(...[d.stats.idAtomic, d.stats.oodTwoHop].map((x) => Math.min(x, c.evalSize)));
    expect(p.notes).toEqual([`Each evaluation uses up to ${evalSize} queries per split.`]);
  });

  it('flags λ capped by the pool of ID paths', () => {
    const c = cfg({ entities: 20, degree: 2, relations: 4, lambda: 20 });
    const d = generateKg(c);
    const p = kgPreview(d, c);
    const requested = Math.round(c.lambda * d.stats.idAtomic);
    const capped = p.warnings.find((w) => w.startsWith('λ is capped by the pool'));
    expect(capped).toContain(`λ = 20 asks for ${requested} training paths, but only ${d.stats.trainTwoHop} ID paths are left`);
    expect(d.stats.lambdaEffective).toBeLessThan(20);
  });

  it('shows direct and CoT formats of the same paths, bridges only in CoT, OOD test highlighted', () => {
    const p = previewOf(cfg());
    const table = arms(p);
    expect(table.rows.map((x) => x.source)).toEqual(['train', 'ID test', 'OOD test']);
    expect(table.rows.map((x) => x.highlight)).toEqual([false, false, true]);
    for (const row of table.rows) {
      const dc = row.direct!;
      const cc = row.cot;
      expect(cc.length).toBe(dc.length + 1); // one bridge for two hops
      expect(cc.filter((c) => c.part === 'step')).toHaveLength(1);
      expect(dc.some((c) => c.part === 'step')).toBe(false);
      expect(cc.at(-1)).toMatchObject({ text: '</a>', part: 'eos' });
      expect(cc.slice(0, 3).every((c) => c.part === 'prompt')).toBe(true);
      expect(cc.slice(0, 3).map((c) => c.tone)).toEqual(['value', 'operator', 'operator']);
    }
    expect(table.cot.title).toBe('Two-hop, chain of thought');
    expect(list(p).samples.some((x) => x.highlight)).toBe(true);
    expect(list(p).samples[0].chips.map((c) => c.part)).toEqual(['prompt', 'prompt', 'answer', 'eos']);
  });

  it('three hops: two bridges in CoT samples', () => {
    const p = previewOf(cfg({ hops: '3', entities: 100, degree: 5 }));
    expect(arms(p).cot.title).toMatch(/Three-hop/);
    expect(arms(p).rows[0].cot.filter((c) => c.part === 'step')).toHaveLength(2);
    expect(p.sizes.map((s) => s.label)).toContain('OOD test three-hop');
  });

  it('marks the corrupted token of a noisy example', () => {
    const p = previewOf(cfg({ noise: 0.5, noiseKind: 'b' }));
    const noisy = arms(p).rows.find((r) => r.direct === null);
    expect(noisy?.source).toBe('noisy');
    expect(noisy?.note).toMatch(/training examples carry noise/);
    const bad = noisy!.cot.filter((c) => c.corrupted);
    expect(bad).toHaveLength(1);
    expect(bad[0].part).toBe('step');
    expect(p.notes[0]).toMatch(/training examples carry noise\.$/);
  });

  it('the task refuses graphs with more paths than MAX_PATHS before generating', () => {
    const message = KG_TASK.tooLarge(cfg({ entities: 2000, relations: 50, degree: 50, hops: '3' }));
    expect(message).toMatch(/Lower entities, degree or hops/);
    expect(message).toContain(MAX_PATHS.toLocaleString('en-US'));
    expect(KG_TASK.tooLarge(cfg())).toBeNull();
  });

  it('draws an OOD test path whose edges are all OOD facts, plus neighbours', () => {
    const d = generateKg(cfg());
    const g = graphAround(d)!;
    expect(g.title).toMatch(/around the OOD test query e\d+ r\d+ r\d+ → e\d+$/);
    const onPath = g.edges.filter((e) => e.chain);
    expect(onPath).toHaveLength(2);
    expect(onPath.every((e) => e.highlight)).toBe(true);
    const chain = g.nodes.filter((n) => n.chain >= 0).sort((a, b) => a.chain - b.chain);
    expect(chain.map((n) => n.role)).toEqual(['head', 'bridge', 'answer']);
    expect(chain.map((n) => n.step ?? false)).toEqual([false, true, false]);
    expect(g.edges.length).toBeGreaterThan(2);
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    expect(g.caption.map((p) => p.text).join('')).toMatch(/^OOD test query .*: every hop is an OOD fact, .* never inside a two-hop example\.$/);
  });

  it('without OOD facts, shows an ID path instead', () => {
    const g = graphAround(generateKg(cfg({ oodShare: 0 })))!;
    expect(g.title).toMatch(/around the ID query/);
    expect(g.edges.filter((e) => e.chain).every((e) => !e.highlight)).toBe(true);
    expect(g.caption[0].text).toBe('no OOD paths; an ID query ');
  });
});
