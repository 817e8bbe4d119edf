import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetTaskFiles, loadedTaskFile, loadTaskFile } from './loadedFiles';
import { FILE_LIMITS, MAX_PROBLEMS, readTaskFile, taskFileHash } from './readTaskFile';

const line = (r: Record<string, unknown>) => JSON.stringify(r);
const rec = (prompt: string[], cot: string[], answer: string[], split = 'train') => line({ prompt, cot, answer, split });
const GOOD = [rec(['1', '2', '='], ['s1'], ['s3']), rec(['2', '2', '='], ['s2'], ['s4']), '', rec(['1', '1', '='], ['s1'], ['s2'], 'test')].join('\n');
const problemsOf = (text: string) => {
  const r = readTaskFile(text);
  return r.ok ? [] : r.problems;
};

describe('reading a task file', () => {
  afterEach(() => forgetTaskFiles());

  it('reads a good file: tokens in order of first appearance, splits, lines, the longest sequence and the hash', () => {
    const r = readTaskFile(GOOD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.tokens).toEqual(['1', '2', '=', 's1', 's3', 's2', 's4']);
    expect(r.file.train.map((x) => x.line)).toEqual([1, 2]);
    expect(r.file.tests).toEqual([{ id: 'test', records: [{ line: 4, prompt: [0, 0, 2], cot: [3], answer: [5], split: 'test' }] }]);
    expect(r.file.longest).toBe(3 + 1 + 1 + 1);
    expect(r.file.hash).toBe(taskFileHash(GOOD));
    expect(r.file.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads Windows line ends and a byte order mark alike', () => {
    const r = readTaskFile(`\uFEFF${GOOD.replace(/\n/g, '\r\n')}`);
    expect(r.ok && r.file.train.length).toBe(2);
  });

  it('names the line and field of each problem', () => {
    const bad = [
      rec(['a'], ['c'], ['b']),
      'not json',
      line({ prompt: 'x', cot: [1], answer: [], split: 'train' }),
      line({ cot: [], answer: ['b'], split: 'train' }),
      line({ prompt: ['a b'], cot: [], answer: ['</a>'], split: 'has space' }),
      line({ prompt: ['a'], cot: [], answer: ['b'], split: 'train', extra: 1 }),
      '[1, 2]',
      rec(['a'], ['d'], ['b']),
      rec(['a'], ['x'.repeat(FILE_LIMITS.tokenChars + 1)], ['b']),
      rec(['t1', '='], ['c'], ['b'], 'test'),
      rec(['t2', '='], ['c', 'c'], ['b'], 'test'),
    ].join('\n');
    expect(problemsOf(bad)).toEqual([
      'line 2: not JSON (each line is one record, {"prompt": [...], "cot": [...], "answer": [...], "split": "train"})',
      'line 3, field "prompt": must be a list of token strings',
      'line 3, field "cot", token 1: each token must be a string',
      'line 3, field "answer": must hold at least one token',
      'line 4, field "prompt": is missing',
      'line 5, field "prompt", token 1: a token may not hold spaces or control characters',
      'line 5, field "answer", token 1: </a> and <pad> are the engine\'s own tokens',
      'line 5, field "split": must be "train" or a name of letters, digits, _ and - (a letter first, at most 24)',
      'line 6: unknown field "extra" (a record has prompt, cot, answer, split)',
      'line 7: must be an object {"prompt", "cot", "answer", "split"}',
      'line 8, field "prompt": the same prompt as line 1 with another cot or answer',
      'line 9, field "cot", token 1: a token has at most 32 characters',
      'line 11, field "cot": 2 tokens, but 1 in line 10 of test split "test" (the records of a test split share one layout; put another length in another split)',
    ]);
  });

  it('says what the whole file lacks: records, training records, a cot to train, a test split', () => {
    expect(problemsOf('')).toEqual(['the file holds no records (one JSON object a line)']);
    expect(problemsOf(rec(['a'], ['c'], ['b'], 'test'))).toEqual(['no record has "split": "train": there is nothing to train on']);
    expect(problemsOf(rec(['a'], [], ['b']))).toEqual([
      'no training record has a cot: the CoT arm would be the direct arm',
      'no record has a test split (a "split" other than "train"): there is nothing to test on',
    ]);
  });

  it('keeps to its limits: sequence length, test splits, vocabulary, records, line and file size, problems listed', () => {
    const long = Array.from({ length: FILE_LIMITS.sequence }, (_, i) => `t${i % 5}`);
    expect(problemsOf([rec(long, ['c'], ['b']), rec(['q'], ['c'], ['b'], 'test')].join('\n'))).toEqual([
      `line 1, field "answer": prompt + cot + answer hold ${FILE_LIMITS.sequence + 2} tokens; at most ${FILE_LIMITS.sequence}`,
    ]);
    const splits = Array.from({ length: FILE_LIMITS.testSplits + 1 }, (_, i) => rec([`p${i}`], ['c'], ['b'], `s${i}`));
    expect(problemsOf([rec(['a'], ['c'], ['b']), ...splits].join('\n'))).toEqual([
      `line ${FILE_LIMITS.testSplits + 2}, field "split": "s${FILE_LIMITS.testSplits}" would be test split ${FILE_LIMITS.testSplits + 1}; at most ${FILE_LIMITS.testSplits}`,
    ]);
    const many = Array.from({ length: FILE_LIMITS.vocab }, (_, i) => rec([`p${i}`], ['c'], ['b'], i ? 'test' : 'train'));
    expect(problemsOf(many.join('\n'))).toEqual([`the file has ${FILE_LIMITS.vocab + 2} distinct tokens; at most ${FILE_LIMITS.vocab}`]);
    const records = `${rec(['a'], ['c'], ['b'])}\n`.repeat(FILE_LIMITS.records + 1);
    expect(problemsOf(records)).toEqual([`line ${FILE_LIMITS.records + 1}: more than 20,000 records`]);
    expect(problemsOf(`${'x'.repeat(FILE_LIMITS.lineChars + 1)}\n`)[0]).toBe('line 1: 20,001 characters; at most 20,000 a line');
    expect(problemsOf('x'.repeat(FILE_LIMITS.chars + 1))).toEqual(['the file has 8,000,001 characters; at most 8,000,000']);
    const listed = problemsOf('nope\n'.repeat(100));
    expect(listed).toHaveLength(MAX_PROBLEMS + 1);
    expect(listed.at(-1)).toBe(`… and more problems, not listed (the first ${MAX_PROBLEMS} are)`);
  });

  it('keeps a good file under its hash, and nothing of a bad one', () => {
    const good = loadTaskFile(GOOD);
    expect(good.ok && loadedTaskFile(good.file.hash)?.train).toHaveLength(2);
    const bad = loadTaskFile(`${GOOD}\nnot json`);
    expect(bad.ok).toBe(false);
    expect(loadedTaskFile(taskFileHash(`${GOOD}\nnot json`))).toBeNull();
  });

  it('fuzzed: arbitrary lines and records never throw; a file is read whole or refused with problems, each naming a line or the file', () => {
    const token = fc.oneof(
      fc.constantFrom('a', 'b', '=', 's1', '</a>', '<pad>', '', ' ', 'x y'),
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.constant(null),
    );
    const tokens = fc.oneof(fc.array(token, { maxLength: 8 }), token, fc.constant(undefined));
    const record = fc.record(
      {
        prompt: tokens,
        cot: tokens,
        answer: tokens,
        split: fc.oneof(fc.constantFrom('train', 'test', 'other', '', 'a b', '__proto__'), fc.string({ maxLength: 30 }), fc.integer()),
        extra: fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    const lineArb = fc.oneof(
      record.map((r) => JSON.stringify(r)),
      fc.string({ maxLength: 60 }),
      fc.constantFrom('', '{}', '[]', 'null', '"x"', '{"prompt":'),
    );
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        let r: ReturnType<typeof readTaskFile> | undefined;
        expect(() => {
          r = readTaskFile(text);
        }).not.toThrow();
        if (!r) return;
        if (r.ok) {
          expect(r.file.train.length).toBeGreaterThan(0);
          expect(r.file.tests.length).toBeGreaterThan(0);
          for (const t of r.file.tokens) expect(t).toMatch(/^\S{1,32}$/);
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p).toMatch(/^(line \d+[:,]|the file |no |… and more)/);
          expect(loadTaskFile(text).ok).toBe(false);
          expect(loadedTaskFile(taskFileHash(text))).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
