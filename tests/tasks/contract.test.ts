/**
 * The contract every registered task keeps (src/tasks/types.ts), checked on a few small configs of each: what the
 * engine, the budget, the lens and RL rely on without knowing the task. A new task is checked here by adding its
 * configs to CASES.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { queryToConfig } from '../../src/experiment/link';
import { TASKS } from '../../src/tasks/registry';
import { tokenName } from '../../src/tasks/types';
import { loadTaskFile } from '../../src/tasks/file/loadedFiles';

/** A small task file: three digits mod 3, the cot their running sums (every string: 19 trained, 8 tested). */
const SMALL_FILE = Array.from({ length: 27 }, (_, i) => {
  const d = [Math.floor(i / 9), Math.floor(i / 3) % 3, i % 3];
  const sums = [d[0], (d[0] + d[1]) % 3, (d[0] + d[1] + d[2]) % 3];
  return JSON.stringify({
    prompt: [...d.map(String), '='],
    cot: sums.slice(0, 2).map((x) => `s${x}`),
    answer: [`a${sums[2]}`],
    split: i % 3 ? 'train' : 'test',
  });
}).join('\n');
const loaded = loadTaskFile(SMALL_FILE);
const FILE_HASH = loaded.ok ? loaded.file.hash : 'not-loaded';

const CASES: Record<string, string[]> = {
  kg: [
    'entities=40&relations=6&degree=3&evalSize=50',
    'entities=40&relations=6&degree=3&hops=3&evalSize=50',
    'entities=60&relations=8&degree=4&noise=0.3&noiseKind=both&cotShare=0.5',
  ],
  parity: ['task=parity&bits=6&trainSize=20&evalSize=50', 'task=parity&bits=8&trainSize=100&testBits=10&evalSize=50&noise=0.2&noiseKind=b'],
  group: [
    'task=group&group=Z2&wordLength=4&wordTrain=6&evalSize=50',
    'task=group&group=S3&wordLength=5&wordMinLength=2&wordTrain=300&wordTestLength=7&evalSize=50&noise=0.2&noiseKind=both',
    'task=group&group=S5&wordLength=6&wordTrain=200&wordTestLength=3&evalSize=50&cotShare=0.5',
  ],
  multiply: [
    'task=multiply&digitsA=2&digitsB=2&trainPairs=200&evalSize=50',
    'task=multiply&digitsA=3&digitsB=4&trainPairs=300&evalSize=50&noise=0.2&noiseKind=both&cotShare=0.5',
  ],
  file: [`task=file&taskFile=${FILE_HASH}&evalSize=50`, `task=file&taskFile=${FILE_HASH}&evalSize=50&noise=0.3&noiseKind=both&cotShare=0.5`],
};

describe('the task contract', () => {
  it('every registered task has cases here', () => {
    expect(Object.keys(TASKS).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [id, links] of Object.entries(CASES)) {
    for (const link of links) {
      it(`${id}: ${link}`, () => {
        const { config, corrections } = queryToConfig(link);
        expect(corrections).toEqual([]);
        const task = TASKS[config.task];
        expect(task.id).toBe(id);
        const d = task.generate(config);
        // what the budget and the model are sized by, known before generating, is what the data holds
        expect(d.vocab.size).toBe(task.vocabSize(config));
        expect(d.vocab.names).toHaveLength(d.vocab.size);
        expect(d.contextLength).toBe(task.contextLength(config));
        expect(tokenName(d.vocab, d.vocab.eos)).toBe('</a>');
        // training sequences: both arms the same examples, prompts alike, each within the context
        expect(d.train.cot.length).toBe(d.train.direct.length);
        expect(d.train.cot.length).toBeGreaterThan(0);
        d.train.cot.forEach((s, i) => {
          const t = d.train.direct[i];
          expect(s.tokens.slice(0, s.promptLength)).toEqual(t.tokens.slice(0, t.promptLength));
          expect(s.tokens.at(-1)).toBe(d.vocab.eos);
          expect(t.tokens.at(-1)).toBe(d.vocab.eos);
          expect(s.tokens.length).toBeLessThanOrEqual(d.contextLength);
          expect(Math.max(...s.tokens, ...t.tokens)).toBeLessThan(d.vocab.size);
        });
        // splits: as declared, in order, one headline, items that fit the context
        expect(d.splits.map(({ id: s, label, role }) => ({ id: s, label, role }))).toEqual(
          task.splits(config).map(({ id: s, label, role }) => ({ id: s, label, role })),
        );
        expect(d.splits.filter((s) => s.role === 'headline')).toHaveLength(1);
        const intermediates = task.intermediates(config);
        const headline = d.splits.find((s) => s.role === 'headline')!;
        expect(headline.items.length).toBeGreaterThan(0);
        const rng = seedrandom.alea('contract');
        for (const s of d.splits) {
          // evaluation generates a split's queries as one batch: one prompt length and one target length a split
          expect(new Set(s.items.map((it) => `${it.prompt.length},${it.target.length}`)).size).toBeLessThanOrEqual(1);
          for (const it of s.items) {
            expect(it.target).toEqual([...it.steps, ...it.answer, d.vocab.eos]);
            expect(it.directTarget).toEqual([...it.answer, d.vocab.eos]);
            expect(it.prompt.length + it.target.length - 1).toBeLessThanOrEqual(d.contextLength);
            // the judge rewards the truth, written with its steps or without
            expect(task.judge(it.target, it, d.vocab)).toMatchObject({ reward: 1, wellFormed: true, stepsRight: it.steps.length > 0 });
            expect(task.judge(it.directTarget, it, d.vocab)).toMatchObject({ reward: 1, wellFormed: true, cot: false });
            // what the inspector says of a query of the data is that query's truth (training queries as trained
            // may carry noise, which the truth does not)
            if (s.role === 'train' && config.noise > 0) continue;
            const truth = task.truth(d, it.prompt);
            expect(truth.cotTarget).toEqual(it.target);
            expect(truth.answer).toEqual(it.answer);
          }
        }
        // the headline queries: one result per named intermediate, positions and emit points inside the sequence
        for (const cot of [true, false]) {
          const positions = task.positions(config, cot);
          for (const it of headline.items.slice(0, 20)) {
            expect(it.steps).toHaveLength(intermediates.length);
            expect(positions).toHaveLength(it.prompt.length + (cot ? it.target : it.directTarget).length - 1);
          }
          for (let k = 0; k <= intermediates.length; k++) {
            const p = task.emitPosition(config, cot, k);
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThan(positions.length);
          }
          // the CoT arm says its answer's first token at the position before it
          if (cot) expect(task.emitPosition(config, true, intermediates.length)).toBe(positions.length - 1 - headline.items[0].answer.length);
        }
        // counterfactuals: same shape, every intermediate result and the answer changed
        for (const it of headline.items.slice(0, 10)) {
          const cf = task.counterfactual(d, it, rng);
          if (!cf) continue;
          expect(cf.prompt).toHaveLength(it.prompt.length);
          expect(cf.target).toHaveLength(it.target.length);
          cf.target.slice(0, -1).forEach((t, k) => expect(t).not.toBe(it.target[k]));
        }
        // examples offered by the inspector parse back from their text
        for (const ex of task.examples(d, 3)) {
          const text = ex.prompt.map((t) => tokenName(d.vocab, t)).join(' ');
          expect(task.parsePrompt(d, text)).toEqual(ex.prompt);
        }
        // RL's items have steps to write
        for (const it of d.rlItems.slice(0, 20)) expect(it.steps.length).toBeGreaterThan(0);
        expect(new Set(d.rlItems.map((it) => `${it.prompt.length},${it.target.length}`)).size).toBe(1);
      });
    }
  }
});
