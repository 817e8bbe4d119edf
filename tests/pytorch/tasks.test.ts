/**
 * python/train.py against the engine on every task besides the knowledge graph (engine.test.ts), each through
 * the same task-neutral data.json with its own vocabulary, context, prompt lengths and splits: from the engine's
 * exported initial weights the losses of each step match (tfjs on wasm, our kernels: the browser's default path),
 * and train.py's greedy evaluation of the weights the engine reached gives the same exact-match, answer and step
 * accuracies on every split. Each model is tiny, with every part of the recipe on (warm-up then cosine, weight
 * decay, a clip that bites); dropout 0 (its random masks cannot be the same).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARMS } from '../../src/experiment/domain';
import { loadTaskSource } from '../../src/tasks/registry';
import { configOf, evaluatedByTrainPy, lossesMatch, sameAccuracies, splitIds } from './againstTrainPy';
import { RUN_TORCH_TESTS, SKIP_REASON } from './python';

const RECIPE = 'layers=2&heads=2&dModel=32&mlpRatio=2&evalSize=50&lr=0.01&lrSchedule=cosine&clip=0.5&evalEarly=off';

// four digits mod 3, the cot their running sums; every fifth string a test string, 81 in all
const TASK_FILE = Array.from({ length: 81 }, (_, i) => {
  const d = [Math.floor(i / 27), Math.floor(i / 9) % 3, Math.floor(i / 3) % 3, i % 3];
  const s = d.map((_, k) => d.slice(0, k + 1).reduce((a, b) => a + b, 0) % 3);
  return JSON.stringify({ prompt: [...d.map(String), '='], cot: s.slice(0, 3).map((x) => `s${x}`), answer: [`s${s[3]}`], split: i % 5 ? 'train' : 'unseen' });
}).join('\n');

const fileTaskLink = () => {
  const loaded = loadTaskSource(TASK_FILE);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return `task=file&taskFile=${loaded.hash}`;
};

const CASES: { task: string; link: () => string; splits: string[] }[] = [
  // 32 strings of 6 bits in batches of 16 (four epochs in 8 steps), tested on 8 bits too (a context of 18
  // positions, longer than any training sequence)
  { task: 'parity', link: () => 'task=parity&bits=6&trainSize=32&testBits=8&batch=16&warmup=3&steps=8&evalEvery=1', splits: ['train', 'test', 'length'] },
  // S3 words of 3–5 elements, tested on words of 7
  {
    task: 'group',
    link: () => 'task=group&group=S3&wordLength=5&wordMinLength=3&wordTrain=64&wordTestLength=7&batch=16&warmup=3&steps=8&evalEvery=4',
    splits: ['train', 'test', 'length'],
  },
  // 64 pairs of 2 × 2 digits: answers of 4 digits after 6 intermediate ones
  { task: 'multiply', link: () => 'task=multiply&digitsA=2&digitsB=2&trainPairs=64&batch=16&warmup=2&steps=5&evalEvery=1', splits: ['train', 'test'] },
  // a task read from a file (src/tasks/file): its own tokens and its own split name
  { task: 'file', link: () => `${fileTaskLink()}&batch=16&warmup=3&steps=8&evalEvery=4`, splits: ['train', 'unseen'] },
];

describe.skipIf(!RUN_TORCH_TESTS)(`train.py against the engine on every task${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cot-tasks-torch-'));

  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it.each(CASES)(
    '$task: the same losses step by step, and the same accuracies of the weights reached',
    async ({ task, link, splits }) => {
      const c = configOf(`${link()}&${RECIPE}`);
      expect(splitIds(c)).toEqual(splits);
      const out = join(dir, task);
      const { ex } = await lossesMatch(c, out);
      const theirs = await evaluatedByTrainPy(ex, out);
      for (const arm of ARMS) sameAccuracies(c, theirs[arm]!, ex.history[arm].at(-1)!, arm);
      expect(ex.history.cot.at(-1)!.stepAcc).toBeTypeOf('number');
      expect(ex.history.direct.at(-1)!.stepAcc).toBeUndefined();
      ex.dispose();
    },
    600_000,
  ); // three train.py runs: a minute on a loaded 2-core machine
});
