/**
 * Reads a task file: JSON Lines, one example a line, `{"prompt": [...], "cot": [...], "answer": [...], "split":
 * "train" | "<test split>"}`, tokens as strings. The file is untrusted: a schema (zod) and size limits, and every
 * problem is reported as `line N, field "f": what is wrong` (at most MAX_PROBLEMS, then a count). Never throws:
 * either the whole file is good and becomes a `TaskFile`, or nothing of it is kept.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

export const FILE_LIMITS = {
  /** Characters of the whole file (a few MB: 20,000 records of 64 short tokens). */
  chars: 8_000_000,
  /** Characters of one line. */
  lineChars: 20_000,
  records: 20_000,
  /** Tokens of prompt + cot + answer of one record (the CoT arm's sequence, before </a>). */
  sequence: 64,
  /** Distinct tokens of the whole file. */
  vocab: 512,
  testSplits: 8,
  tokenChars: 32,
  splitChars: 24,
} as const;
/** Problems listed before the rest are only counted. */
export const MAX_PROBLEMS = 30;
/** Hex digits of the file's sha-256 that name it (the `taskFile` value of a link). */
export const HASH_DIGITS = 16;
/** Tokens the engine adds: the end of every answer and the padding. A file may not use them. */
export const EOS_NAME = '</a>';
export const PAD_NAME = '<pad>';
const TRAIN = 'train';

export interface FileRecord {
  /** 1-based line of the file. */
  line: number;
  prompt: number[];
  cot: number[];
  answer: number[];
  split: string;
}

export interface TaskFile {
  /** The first HASH_DIGITS hex digits of the sha-256 of the file's text (UTF-8). */
  hash: string;
  /** The file's tokens, in order of first appearance (ids 0 … n − 1); the engine adds </a> and <pad> after them. */
  tokens: string[];
  train: FileRecord[];
  /** The test splits in order of first appearance; the first is the headline. */
  tests: { id: string; records: FileRecord[] }[];
  /** Longest record: prompt + cot + answer + </a>. */
  longest: number;
}

export type TaskFileReading = { ok: true; file: TaskFile } | { ok: false; problems: string[] };

export const taskFileHash = (text: string): string => bytesToHex(sha256(utf8ToBytes(text))).slice(0, HASH_DIGITS);

const tokenSchema = z
  .string({ error: 'each token must be a string' })
  .min(1, { error: 'a token may not be empty' })
  .max(FILE_LIMITS.tokenChars, { error: `a token has at most ${FILE_LIMITS.tokenChars} characters` })
  .regex(/^[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/, { error: 'a token may not hold spaces or control characters' })
  .refine((t) => t !== EOS_NAME && t !== PAD_NAME, { error: `${EOS_NAME} and ${PAD_NAME} are the engine's own tokens` });
const tokens = (least: number) =>
  z
    .array(tokenSchema, { error: 'must be a list of token strings' })
    .min(least, { error: 'must hold at least one token' })
    .max(FILE_LIMITS.sequence, { error: `has more than ${FILE_LIMITS.sequence} tokens` });

const recordSchema = z.strictObject(
  {
    prompt: tokens(1),
    cot: tokens(0),
    answer: tokens(1),
    split: z.string({ error: `must be "${TRAIN}" or the name of a test split` }).regex(new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${FILE_LIMITS.splitChars - 1}}$`), {
      error: `must be "${TRAIN}" or a name of letters, digits, _ and - (a letter first, at most ${FILE_LIMITS.splitChars})`,
    }),
  },
  { error: 'must be an object {"prompt", "cot", "answer", "split"}' },
);

/** Quotes an untrusted value in a message: short, printable. */
function quoted(value: unknown): string {
  let s = typeof value === 'string' ? value : String(JSON.stringify(value));
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);
}

function issueText(line: number, issue: z.core.$ZodIssue, value: unknown): string {
  const [field, index] = issue.path;
  if (issue.code === 'unrecognized_keys') return `line ${line}: unknown field ${issue.keys.map(quoted).join(', ')} (a record has prompt, cot, answer, split)`;
  if (field === undefined) return `line ${line}: ${issue.message}`;
  const missing = index === undefined && typeof value === 'object' && value !== null && (value as Record<string, unknown>)[String(field)] === undefined;
  const where = typeof index === 'number' ? `, token ${index + 1}` : '';
  return `line ${line}, field "${String(field)}"${where}: ${missing ? 'is missing' : issue.message}`;
}

/** Reads a task file's text; every problem of a bad file, each naming its line and field. */
export function readTaskFile(text: unknown): TaskFileReading {
  if (typeof text !== 'string') return { ok: false, problems: ['the task file is not text'] };
  if (text.length > FILE_LIMITS.chars)
    return { ok: false, problems: [`the file has ${text.length.toLocaleString('en-US')} characters; at most ${FILE_LIMITS.chars.toLocaleString('en-US')}`] };
  const problems: string[] = [];
  const ids = new Map<string, number>();
  const idOf = (t: string) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  };
  const train: FileRecord[] = [];
  const tests = new Map<string, FileRecord[]>();
  const byPrompt = new Map<string, FileRecord>();
  let records = 0;
  let longest = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length && problems.length <= MAX_PROBLEMS; i++) {
    const line = i + 1;
    const raw = lines[i];
    if (raw.trim() === '') continue;
    if (++records > FILE_LIMITS.records) {
      problems.push(`line ${line}: more than ${FILE_LIMITS.records.toLocaleString('en-US')} records`);
      break;
    }
    if (raw.length > FILE_LIMITS.lineChars) {
      problems.push(`line ${line}: ${raw.length.toLocaleString('en-US')} characters; at most ${FILE_LIMITS.lineChars.toLocaleString('en-US')} a line`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: not JSON (each line is one record, {"prompt": [...], "cot": [...], "answer": [...], "split": "train"})`);
      continue;
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 6)) problems.push(issueText(line, issue, value));
      continue;
    }
    const r = parsed.data;
    const length = r.prompt.length + r.cot.length + r.answer.length;
    if (length > FILE_LIMITS.sequence) {
      problems.push(`line ${line}, field "answer": prompt + cot + answer hold ${length} tokens; at most ${FILE_LIMITS.sequence}`);
      continue;
    }
    if (r.split !== TRAIN && !tests.has(r.split) && tests.size >= FILE_LIMITS.testSplits) {
      problems.push(`line ${line}, field "split": ${quoted(r.split)} would be test split ${tests.size + 1}; at most ${FILE_LIMITS.testSplits}`);
      continue;
    }
    const record: FileRecord = { line, prompt: r.prompt.map(idOf), cot: r.cot.map(idOf), answer: r.answer.map(idOf), split: r.split };
    // one truth per prompt: the inspector and the judge read a prompt's answer from the file
    const key = record.prompt.join(' ');
    const before = byPrompt.get(key);
    if (before && (before.cot.join(' ') !== record.cot.join(' ') || before.answer.join(' ') !== record.answer.join(' '))) {
      problems.push(`line ${line}, field "prompt": the same prompt as line ${before.line} with another cot or answer`);
      continue;
    }
    // the engine evaluates a split's queries together: one layout (prompt, cot and answer lengths) per test split
    const first = tests.get(r.split)?.[0];
    const differs = first && (['prompt', 'cot', 'answer'] as const).find((f) => first[f].length !== record[f].length);
    if (first && differs) {
      problems.push(
        `line ${line}, field "${differs}": ${record[differs].length} tokens, but ${first[differs].length} in line ${first.line} of test split ${quoted(r.split)} (the records of a test split share one layout; put another length in another split)`,
      );
      continue;
    }
    if (!before) byPrompt.set(key, record);
    longest = Math.max(longest, length + 1);
    if (r.split === TRAIN) train.push(record);
    else if (tests.has(r.split)) tests.get(r.split)?.push(record);
    else tests.set(r.split, [record]);
  }
  if (ids.size > FILE_LIMITS.vocab) problems.push(`the file has ${ids.size} distinct tokens; at most ${FILE_LIMITS.vocab}`);
  if (problems.length === 0) {
    if (records === 0) problems.push('the file holds no records (one JSON object a line)');
    else {
      if (train.length === 0) problems.push(`no record has "split": "${TRAIN}": there is nothing to train on`);
      else if (!train.some((r) => r.cot.length > 0)) problems.push(`no training record has a cot: the CoT arm would be the direct arm`);
      if (tests.size === 0) problems.push(`no record has a test split (a "split" other than "${TRAIN}"): there is nothing to test on`);
    }
  }
  if (problems.length > 0) {
    const more = problems.length > MAX_PROBLEMS ? [`… and more problems, not listed (the first ${MAX_PROBLEMS} are)`] : [];
    return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), ...more] };
  }
  return {
    ok: true,
    file: { hash: taskFileHash(text), tokens: [...ids.keys()], train, tests: [...tests].map(([id, rs]) => ({ id, records: rs })), longest },
  };
}
