import { describe, expect, it } from 'vitest';
import { generateDataset } from '../data/distribution';
import { relationToken } from '../experiment/vocab';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { parsePrompt, pickExamples, promptText, truthFor } from './examples';

const data = generateDataset({ ...DEFAULT_CONFIG, entities: 60, relations: 8, degree: 4, oodShare: 0.3, evalSize: 50 });
const vocab = { entities: 60, relations: 8, hops: 2 as const };

describe('pickExamples', () => {
  it('offers OOD and ID test queries, written as tokens', () => {
    const ex = pickExamples(data, 3);
    expect(ex.filter((e) => e.split === 'oodTwoHop')).toHaveLength(3);
    expect(ex.filter((e) => e.split === 'idTwoHop')).toHaveLength(3);
    for (const e of ex) {
      expect(e.prompt).toHaveLength(3);
      expect(e.text).toMatch(/^e\d+ r\d+ r\d+$/);
    }
  });
});

describe('parsePrompt', () => {
  it('reads an entity and relations', () => {
    expect(parsePrompt('e3 r1 r4', vocab)).toEqual({ prompt: [3, 61, 64] });
    expect(parsePrompt(' E3, r1 ', vocab)).toEqual({ prompt: [3, 61] });
    expect(promptText(data.vocab, [3, 61, 64])).toBe('e3 r1 r4');
  });
  it('explains what is wrong', () => {
    expect(parsePrompt('e3', vocab)).toHaveProperty('error');
    expect(parsePrompt('r1 e3', vocab)).toHaveProperty('error');
    expect(parsePrompt('e60 r1', vocab)).toEqual({ error: expect.stringContaining('e59') });
    expect(parsePrompt('e1 r8', vocab)).toEqual({ error: expect.stringContaining('r7') });
    expect(parsePrompt('e1 r1 r2 r3 r4', vocab)).toHaveProperty('error');
    expect(parsePrompt('e1 <b>', vocab)).toHaveProperty('error');
  });
});

describe('truthFor', () => {
  it('follows an OOD test query through the graph', () => {
    const p = data.oodTest[0];
    const prompt = [p.h, ...p.rels.map((r) => relationToken(data.vocab, r))];
    const t = truthFor(data, prompt);
    expect(t.kind).toBe('OOD test');
    expect(t.bridges).toEqual(p.bridges);
    expect(t.answer).toBe(p.t);
    expect(t.cotTarget).toEqual([...p.bridges, p.t, data.vocab.eos]);
    expect(t.directTarget).toEqual([p.t, data.vocab.eos]);
  });
  it('knows training, ID test and atomic queries', () => {
    const tr = data.trainClean[0];
    expect(truthFor(data, [tr.h, ...tr.rels.map((r) => relationToken(data.vocab, r))]).kind).toBe('training query');
    const id = data.idTest[0];
    expect(truthFor(data, [id.h, ...id.rels.map((r) => relationToken(data.vocab, r))]).kind).toBe('ID test');
    const f = data.atomic.find((a) => a.ood)!;
    const t = truthFor(data, [f.h, relationToken(data.vocab, f.r)]);
    expect(t).toMatchObject({ kind: 'OOD atomic fact', answer: f.t, bridges: [] });
  });
  it('says when a hop is missing', () => {
    const used = new Set(data.atomic.filter((a) => a.h === 0).map((a) => a.r));
    const missing = [...Array(8).keys()].find((r) => !used.has(r))!;
    const t = truthFor(data, [0, relationToken(data.vocab, missing)]);
    expect(t.answer).toBeNull();
    expect(t.cotTarget).toBeNull();
    expect(t.kind).toMatch(/^not in the graph/);
  });
});
