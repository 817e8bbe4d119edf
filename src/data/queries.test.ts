import { describe, expect, it } from 'vitest';
import { generateDataset } from './dataset';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';
import { kgOf } from '../tasks/kg';
import { relationToken } from '../tasks/kg/vocab';
import { fitsVocab, parsePrompt, pickExamples, promptText, truthFor, vocabInfoOf } from './queries';

const data = generateDataset({ ...DEFAULT_CONFIG, entities: 60, relations: 8, degree: 4, oodShare: 0.3, evalSize: 50 });
const kg = kgOf(data);
const vocab = vocabInfoOf(data);

describe('pickExamples', () => {
  it('offers OOD and ID test queries, written as tokens, with their split labels', () => {
    const ex = pickExamples(data, 3);
    expect(ex.filter((e) => e.split === 'oodTwoHop')).toHaveLength(3);
    expect(ex.filter((e) => e.split === 'idTwoHop')).toHaveLength(3);
    expect(ex.find((e) => e.split === 'oodTwoHop')?.label).toBe(data.splits.find((s) => s.id === 'oodTwoHop')?.label);
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
  it('a prompt fits the vocabulary when its tokens are known, not </a> or padding, and shorter than the context', () => {
    expect(fitsVocab([3, 61, 64], vocab)).toBe(true);
    expect(fitsVocab([3, vocab.eos], vocab)).toBe(false);
    expect(fitsVocab([3, vocab.names.length], vocab)).toBe(false);
    expect(fitsVocab(Array(vocab.contextLength).fill(3), vocab)).toBe(false);
    expect(fitsVocab([], vocab)).toBe(false);
  });
});

describe('truthFor', () => {
  it('follows an OOD test query through the graph', () => {
    const p = kg.oodTest[0];
    const prompt = [p.h, ...p.rels.map((r) => relationToken(kg.vocab, r))];
    const t = truthFor(data, prompt);
    expect(t.kind).toBe('OOD test');
    expect(t.steps).toEqual(p.bridges);
    expect(t.answer).toEqual([p.t]);
    expect(t.cotTarget).toEqual([...p.bridges, p.t, data.vocab.eos]);
    expect(t.directTarget).toEqual([p.t, data.vocab.eos]);
  });
  it('knows training, ID test and atomic queries', () => {
    const tr = kg.trainClean[0];
    expect(truthFor(data, [tr.h, ...tr.rels.map((r) => relationToken(kg.vocab, r))]).kind).toBe('training query');
    const id = kg.idTest[0];
    expect(truthFor(data, [id.h, ...id.rels.map((r) => relationToken(kg.vocab, r))]).kind).toBe('ID test');
    const f = kg.atomic.find((a) => a.ood)!;
    const t = truthFor(data, [f.h, relationToken(kg.vocab, f.r)]);
    expect(t).toMatchObject({ kind: 'OOD atomic fact', answer: [f.t], steps: [] });
  });
  it('says when a hop is missing', () => {
    const used = new Set(kg.atomic.filter((a) => a.h === 0).map((a) => a.r));
    const missing = [...Array(8).keys()].find((r) => !used.has(r))!;
    const t = truthFor(data, [0, relationToken(kg.vocab, missing)]);
    expect(t.answer).toBeNull();
    expect(t.cotTarget).toBeNull();
    expect(t.kind).toMatch(/^not in the graph/);
  });
});

describe('another task: parity', () => {
  const parity = generateDataset({ ...taskDefaults('parity'), bits: 6, trainSize: 16, testBits: 8, evalSize: 20 });
  const info = vocabInfoOf(parity);
  it('offers the test splits of the task, written as bits', () => {
    const ex = pickExamples(parity, 2);
    expect(ex.map((e) => e.split)).toEqual(['test', 'test', 'length', 'length']);
    for (const e of ex) expect(e.text).toMatch(/^([01] )+=$/);
    expect(ex[2].label).toBe(parity.splits.find((s) => s.id === 'length')?.label);
  });
  it('reads typed bits, and says the truth: running parities, then the answer', () => {
    const r = parsePrompt('1011', info);
    expect(r).toHaveProperty('prompt');
    const prompt = (r as { prompt: number[] }).prompt;
    expect(promptText(info, prompt)).toBe('1 0 1 1 =');
    const t = truthFor(parity, prompt);
    expect(t.steps.map((s) => info.names[s])).toEqual(['O', 'O', 'E']);
    expect(t.answer?.map((s) => info.names[s])).toEqual(['O']);
    expect(parsePrompt('1 2', info)).toHaveProperty('error');
    expect(parsePrompt('1'.repeat(40), info)).toHaveProperty('error');
  });
});
