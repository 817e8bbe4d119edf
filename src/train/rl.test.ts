import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../data/dataset';
import type { Config } from '../experiment/schema';
import { kgOf } from '../tasks/kg';
import { pathPrompt } from '../tasks/kg/generate';
import { makeVocab, vocabNames } from '../tasks/kg/vocab';
import { TASKS } from '../tasks/registry';
import type { EvalItem, TokenVocab } from '../tasks/types';
import type { ExperimentEvent } from '../experiment/domain';
import { createModel, disposeWeights, modelOf } from '../model/gpt';
import { AdamW } from './adamw';
import { ArmTrainer, modelConfigOf } from './arm';
import { generate } from './evaluate';
import { Experiment } from './experimentLoop';
import {
  frozenCopy,
  groupAdvantages,
  grpoLoss,
  grpoUpdate,
  PromptSampler,
  RlTrainer,
  sampleContinuations,
  sampleTokens,
  scoreSamples,
  continuationLogProbs,
  type RlBatch,
} from './rl';
import { allVariables } from '../model/gpt';
import { TINY_KG, onWasmBackend } from '../../tests/support/configs';

const tiny: Config = { ...TINY_KG, rlSamples: 4 };

onWasmBackend();

describe("the knowledge graph's judge: the reward on hand-made sequences", () => {
  const kg = makeVocab(30, 6); // entities 0–29, relations 30–35, </a> 36, <pad> 37
  const v: TokenVocab = { size: kg.size, eos: kg.eos, pad: kg.pad, names: vocabNames(kg) };
  const eos = v.eos;
  /** A query with its bridges (steps) and answer. */
  const query = (bridges: number[], t: number): EvalItem => ({ prompt: [], target: [...bridges, t, eos], directTarget: [t, eos], answer: [t], steps: bridges });
  const chain = query([5], 6); // h r1 r2 → 5 → 6
  const judge = (seq: number[], item: EvalItem, vocab: TokenVocab) => TASKS.kg.judge(seq, item, vocab);

  it('two hops: the right answer, with or without a bridge, in a well-formed sequence', () => {
    const cases: [string, number[], { reward: number; wellFormed: boolean; cot: boolean; stepsRight: boolean; length: number }][] = [
      ['CoT, right', [5, 6, eos], { reward: 1, wellFormed: true, cot: true, stepsRight: true, length: 3 }],
      ['direct, right', [6, eos, 6], { reward: 1, wellFormed: true, cot: false, stepsRight: false, length: 2 }],
      ['CoT, wrong bridge, right answer', [7, 6, eos], { reward: 1, wellFormed: true, cot: true, stepsRight: false, length: 3 }],
      ['CoT, right bridge, wrong answer', [5, 7, eos], { reward: 0, wellFormed: true, cot: true, stepsRight: true, length: 3 }],
      ['direct, wrong', [7, eos, eos], { reward: 0, wellFormed: true, cot: false, stepsRight: false, length: 2 }],
      ['no </a>', [5, 6, 6], { reward: 0, wellFormed: false, cot: false, stepsRight: false, length: 3 }],
      ['</a> first', [eos, 6, eos], { reward: 0, wellFormed: false, cot: false, stepsRight: false, length: 1 }],
      ['a relation before the answer', [31, 6, eos], { reward: 0, wellFormed: false, cot: false, stepsRight: false, length: 3 }],
      ['a relation as the answer', [5, 31, eos], { reward: 0, wellFormed: false, cot: false, stepsRight: false, length: 3 }],
      ['padding as the answer', [v.pad, eos, 6], { reward: 0, wellFormed: false, cot: false, stepsRight: false, length: 2 }],
    ];
    for (const [name, seq, want] of cases) expect(judge(seq, chain, v), name).toEqual(want);
  });

  it('three hops: up to two bridges; a bridge is right only in its place', () => {
    const c3 = query([5, 8], 6);
    expect(judge([5, 8, 6, eos], c3, v)).toEqual({ reward: 1, wellFormed: true, cot: true, stepsRight: true, length: 4 });
    expect(judge([8, 5, 6, eos], c3, v)).toMatchObject({ reward: 1, cot: true, stepsRight: false });
    expect(judge([5, 6, eos, eos], c3, v)).toMatchObject({ reward: 1, cot: true, stepsRight: true, length: 3 });
    expect(judge([6, eos, 0, 0], c3, v)).toMatchObject({ reward: 1, cot: false });
    expect(judge([5, 8, 9, 6], c3, v)).toMatchObject({ reward: 0, wellFormed: false, length: 4 });
  });

  it('group advantages: (r − mean) / std per group; 0 where a group agrees', () => {
    const a = groupAdvantages([1, 0, 0, 0, 1, 1, 1, 1], 4);
    expect(Array.from(a.slice(0, 4)).map((x) => Number(x.toFixed(4)))).toEqual([1.7321, -0.5774, -0.5774, -0.5774]);
    expect(Array.from(a.slice(4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(groupAdvantages([1, 0], 2))).toEqual([1, -1]);
  });
});

describe('sampling', () => {
  it('sampleTokens: temperature 0 is the argmax; temperature 1 draws from the softmax; seeded', async () => {
    const logits = [Math.log(0.6), Math.log(0.3), Math.log(0.1)];
    const n = 6000;
    const counts = async (t: number, seed: string) => {
      const s = tf.tidy(() =>
        sampleTokens(
          tf.tensor2d(
            Array.from({ length: n }, () => logits),
            [n, 3],
          ),
          t,
          seed,
        ),
      );
      const v = Array.from(await s.data());
      s.dispose();
      return [0, 1, 2].map((k) => v.filter((x) => x === k).length / n);
    };
    expect(await counts(0, 'a')).toEqual([1, 0, 0]);
    const f = await counts(1, 'a');
    expect(f[0]).toBeCloseTo(0.6, 1);
    expect(f[1]).toBeCloseTo(0.3, 1);
    expect(f[2]).toBeCloseTo(0.1, 1);
    // temperature 0.5 squares the probabilities (renormalised): 0.36 : 0.09 : 0.01
    const g = await counts(0.5, 'b');
    expect(g[0]).toBeCloseTo(0.36 / 0.46, 1);
    expect(await counts(1, 'a')).toEqual(f);
  });

  it('continuations at temperature → 0 are greedy generation; at 1 they are seeded samples', async () => {
    const data = generateDataset(tiny);
    const m = createModel(modelConfigOf(tiny, data), 'reference');
    const prompts = kgOf(data)
      .train.slice(0, 40)
      .map((p) => pathPrompt(kgOf(data).vocab, p));
    const greedy = await generate(m, prompts, 3);
    expect(await sampleContinuations(m, prompts, 3, 0, 's')).toEqual(greedy);
    expect(await sampleContinuations(m, prompts, 3, 1e-9, 's')).toEqual(greedy);
    const a = await sampleContinuations(m, prompts, 3, 1, 's');
    expect(await sampleContinuations(m, prompts, 3, 1, 's')).toEqual(a);
    expect(a).not.toEqual(greedy);
    expect(await sampleContinuations(m, prompts, 3, 1, 't')).not.toEqual(a);
    disposeWeights(m.weights);
  });

  it('the prompt order is seeded and covers the pool once per epoch', () => {
    const a = new PromptSampler(10, 3);
    const b = new PromptSampler(10, 3);
    const first = a.next(10);
    expect([...first].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.next(4).concat(b.next(6))).toEqual(first);
    expect(new PromptSampler(0, 3).next(5)).toEqual([]);
  });
});

/** A hand-made batch: one prompt of the tiny data, two continuations. */
function handBatch(prompt: number[], conts: number[][], lengths: number[], advantages: number[]): RlBatch {
  const P = prompt.length;
  const L = conts[0].length;
  const tokens = new Int32Array(conts.length * (P + L));
  const mask = new Float32Array(conts.length * L);
  conts.forEach((c, r) => {
    tokens.set(prompt, r * (P + L));
    tokens.set(c, r * (P + L) + P);
    mask.fill(1, r * L, r * L + lengths[r]);
  });
  return { tokens, rows: conts.length, promptLength: P, genLength: L, mask, advantages: Float32Array.from(advantages) };
}

describe('the GRPO loss and update', () => {
  const data = generateDataset(tiny);
  const p = kgOf(data).trainClean[0];
  const prompt = pathPrompt(kgOf(data).vocab, p);
  const eos = data.vocab.eos;
  const other = (x: number) => (x + 1) % tiny.entities;
  // rewarded: the right chain; unrewarded: a wrong answer
  const conts = [
    [p.bridges[0], p.t, eos],
    [other(p.bridges[0]), other(p.t), eos],
  ];

  it('the KL term is zero against the model itself, and positive against another model', async () => {
    const m = createModel(modelConfigOf(tiny, data), 'reference');
    const same = modelOf(m.config, frozenCopy(m.weights), m.ops);
    const otherModel = createModel({ ...m.config, seed: 99 }, 'reference');
    const b = handBatch(prompt, conts, [3, 3], [1, -1]);
    const kl = (ref: typeof m) =>
      tf.tidy(() => {
        const refLogp = continuationLogProbs(ref, b);
        return grpoLoss(m, b, refLogp, 1).kl;
      });
    const k0 = kl(same);
    const k1 = kl(otherModel);
    expect(Math.abs((await k0.data())[0])).toBeLessThan(1e-6);
    expect((await k1.data())[0]).toBeGreaterThan(1e-4);
    tf.dispose([k0, k1]);
    for (const x of [m, same, otherModel]) disposeWeights(x.weights);
  });

  it('one update raises the log-probability of a rewarded sample and lowers that of an unrewarded one', async () => {
    const m = createModel(modelConfigOf(tiny, data), 'reference');
    const ref = modelOf(m.config, frozenCopy(m.weights), m.ops);
    const opt = new AdamW(allVariables(m.weights), { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clip: 1 });
    const b = handBatch(prompt, conts, [3, 3], Array.from(groupAdvantages([1, 0], 2)));
    const before = await scoreSamples(m, b);
    const { loss, kl } = grpoUpdate(m, ref, opt, b, 0.04, 1e-3);
    tf.dispose([loss, kl]);
    const after = await scoreSamples(m, b);
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1]).toBeLessThan(before[1]);
    // and nothing moves when the group agrees (advantages 0) and there is no KL
    const flat = handBatch(prompt, conts, [3, 3], [0, 0]);
    const opt2 = new AdamW(allVariables(m.weights), { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clip: 1 });
    const s0 = await scoreSamples(m, flat);
    tf.dispose(Object.values(grpoUpdate(m, null, opt2, flat, 0, 1e-3)));
    expect(await scoreSamples(m, flat)).toEqual(s0);
    opt.dispose();
    opt2.dispose();
    disposeWeights(m.weights);
    disposeWeights(ref.weights);
  });
});

describe('RlTrainer', () => {
  const data = generateDataset(tiny);

  it('leaks no tensors: flat per step, and back to the start after dispose', async () => {
    const arm = new ArmTrainer(tiny, data, 'cot');
    for (let i = 0; i < 3; i++) arm.trainStep().dispose();
    const start = tf.memory().numTensors;
    const rl = new RlTrainer(arm);
    const withRl = tf.memory().numTensors;
    const counts: number[] = [];
    for (let s = 1; s <= 4; s++) {
      (await rl.step(arm.step + s)).dispose();
      const m = await rl.takeMetrics();
      expect(m).not.toBeNull();
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([withRl, withRl, withRl, withRl]);
    rl.dispose();
    expect(tf.memory().numTensors).toBe(start);
    arm.dispose();
  });

  it('metrics are shares of the samples since the last call', async () => {
    const arm = new ArmTrainer(tiny, data, 'cot');
    const rl = new RlTrainer(arm);
    (await rl.step(1)).dispose();
    (await rl.step(2)).dispose();
    const m = (await rl.takeMetrics())!;
    for (const k of ['reward', 'cotRate', 'stepsRightRate'] as const) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.stepsRightRate).toBeLessThanOrEqual(m.cotRate);
    expect(Number.isFinite(m.kl)).toBe(true);
    expect(await rl.takeMetrics()).toBeNull();
    rl.dispose();
    arm.dispose();
  });
});

describe('Experiment with an RL stage', () => {
  const config: Config = { ...tiny, steps: 30, rlSteps: 10, evalEvery: 10, evalEarly: 'off' };

  async function run(c: Config) {
    const events: ExperimentEvent[] = [];
    const ex = new Experiment(c, (e) => events.push(e));
    await ex.run();
    const history = ex.history;
    const step = ex.step;
    ex.dispose();
    return { history, events, step };
  }

  it('SFT then RL: the step counter runs on, rows carry their phase, RL rows the RL metrics; same link, same run', async () => {
    const before = tf.memory().numTensors;
    const a = await run(config);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.step).toBe(40);
    for (const arm of ['cot', 'direct'] as const) {
      const h = a.history[arm];
      expect(h.map((r) => r.step)).toEqual([0, 10, 20, 30, 40]);
      expect(h.map((r) => r.phase)).toEqual(['sft', 'sft', 'sft', 'sft', 'rl']);
      for (const r of h.slice(0, 4)) expect(r.reward).toBeUndefined();
      for (const r of h.slice(4)) {
        for (const k of ['reward', 'cotRate', 'stepsRightRate', 'kl'] as const) expect(Number.isFinite(r[k]), `${arm} ${r.step} ${k}`).toBe(true);
        expect(Number.isFinite(r.loss)).toBe(true);
      }
    }
    // the direct arm never saw a step: its samples write none
    expect(a.history.direct.slice(4).every((r) => r.stepsRightRate! <= r.cotRate!)).toBe(true);
    const lossSteps = a.events.flatMap((e) => (e.type === 'loss' && e.arm === 'cot' ? e.steps : []));
    expect(lossSteps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const b = await run(config);
    expect(b.history).toEqual(a.history);
  });

  it('rlSteps 0 is SFT alone, as before', async () => {
    const a = await run({ ...config, rlSteps: 0 });
    expect(a.step).toBe(30);
    expect(a.history.cot.every((r) => r.phase === 'sft' && r.reward === undefined)).toBe(true);
  });
});
