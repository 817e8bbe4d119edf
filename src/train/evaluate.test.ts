import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems, type EvalItem } from '../data/dataset';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { initWeights, disposeWeights, modelOf } from '../model/gpt';
import { modelConfigOf } from './arm';
import { evaluate, generate, score } from './evaluate';
import { headlineSplit } from '../tasks/registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('score (exact match and answer accuracy)', () => {
  const eos = 99;
  // CoT query h r1 r2 → b=5 t=6 </a>
  const item: EvalItem = { prompt: [1, 50, 51], target: [5, 6, eos], directTarget: [6, eos], answer: [6], steps: [5] };

  it('CoT: exact needs the step, answer and </a>; answer accuracy only the answer', () => {
    const cases: [string, number[], { exact: number; answer: number; firstStep: number }][] = [
      ['correct', [5, 6, eos], { exact: 1, answer: 1, firstStep: 1 }],
      ['wrong step', [7, 6, eos], { exact: 0, answer: 1, firstStep: 0 }],
      ['wrong answer', [5, 7, eos], { exact: 0, answer: 0, firstStep: 1 }],
      ['missing </a>', [5, 6, 6], { exact: 0, answer: 1, firstStep: 1 }],
      ['early </a>', [6, eos, eos], { exact: 0, answer: 1, firstStep: 0 }],
      ['all wrong', [eos, eos, eos], { exact: 0, answer: 0, firstStep: 0 }],
    ];
    for (const [name, gen, want] of cases) {
      expect(score([item], Int32Array.from(gen), [item.target], eos), name).toEqual(want);
    }
    const all = score(
      cases.map(() => item),
      Int32Array.from(cases.flatMap((c) => c[1])),
      cases.map(() => item.target),
      eos,
    );
    expect(all.exact).toBeCloseTo(1 / 6, 12);
    expect(all.answer).toBeCloseTo(4 / 6, 12);
  });

  it('direct: t </a>', () => {
    expect(score([item], Int32Array.from([6, eos]), [item.directTarget], eos)).toEqual({ exact: 1, answer: 1 });
    expect(score([item], Int32Array.from([6, 6]), [item.directTarget], eos)).toEqual({ exact: 0, answer: 1 });
    expect(score([item], Int32Array.from([5, eos]), [item.directTarget], eos)).toEqual({ exact: 0, answer: 0 });
  });

  it('an empty split scores NaN', () => {
    const s = score([], new Int32Array(0), [], eos);
    expect(s.exact).toBeNaN();
    expect(s.answer).toBeNaN();
  });
});

describe('generate and evaluate', () => {
  const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, layers: 1, heads: 2, dModel: 32, evalSize: 50 };
  const data = generateDataset(config);

  it('generate extends each prompt greedily and leaks no tensors', async () => {
    const m = modelConfigOf(config, data);
    const w = tf.tidy(() => initWeights(m) as unknown as tf.TensorContainer) as unknown as ReturnType<typeof initWeights>;
    const before = tf.memory().numTensors;
    const prompts = splitItems(data, 'idTwoHop').map((it) => it.prompt);
    const model = modelOf(m, w);
    const out = await generate(model, prompts, 3);
    expect(out).toHaveLength(prompts.length * 3);
    for (const t of out) expect(t >= 0 && t < data.vocab.size).toBe(true);
    const again = await generate(model, prompts, 3);
    expect(Array.from(again)).toEqual(Array.from(out));
    expect(tf.memory().numTensors).toBe(before);
    const r = await evaluate(model, data, true);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(r.acc)).toEqual(data.splits.map((s) => s.id));
    for (const s of data.splits) {
      expect(r.acc[s.id]).toBeGreaterThanOrEqual(0);
      expect(r.acc[s.id]).toBeLessThanOrEqual(1);
    }
    expect(headlineSplit(config).id).toBe('oodTwoHop');
    expect(r.stepAcc).toBeTypeOf('number');
    const direct = await evaluate(model, data, false);
    expect(direct.stepAcc).toBeUndefined();
    disposeWeights(w);
  });
});
