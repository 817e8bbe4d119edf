/**
 * The aggregated logit lens: at the last row it is the model's own ranking; its shares are counts of the
 * per-query top-1 tokens; it leaks no tensor; on a small CoT model trained here it finds the bridge at r2 at
 * the last layer (on the queries the model gets right, by construction) and from some layer on, not at the
 * embedding.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import { foundLayer } from '../experiment/mechanism';
import type { Config } from '../experiment/schema';
import { forward } from '../model/gpt';
import { ArmTrainer } from '../train/arm';
import { generate } from '../train/evaluate';
import { aggregatedLens, lensTop1, mechanismLayout, teacherForced } from './lens';
import { SMALL_KG } from '../../tests/support/configs';

const small: Config = { ...SMALL_KG, batch: 64, warmup: 10, steps: 300, lrSchedule: 'constant', evalSize: 200 };
const data = generateDataset(small);
let trained: ArmTrainer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  trained = new ArmTrainer(small, data, 'cot');
  for (let i = 0; i < small.steps; i++) trained.trainStep().dispose();
});
afterAll(() => trained.dispose());

describe('logit lens', () => {
  it('teacher-forced sequences: CoT h r1 r2 b t, direct h r1 r2 t', () => {
    const item = splitItems(data, 'idTwoHop')[0];
    const cot = teacherForced(item, true);
    expect(cot).toHaveLength(5);
    expect(cot.slice(0, 3)).toEqual(item.prompt);
    expect(cot[3]).toBe(item.steps[0]);
    expect(cot[4]).toBe(item.answer[0]);
    expect(teacherForced(item, false)).toEqual([...item.prompt, ...item.answer]);
    expect(mechanismLayout(small, true).positions).toEqual(['h', 'r1', 'r2', 'b', 't']);
    expect(mechanismLayout({ ...small, hops: '3' }, false).positions).toEqual(['h', 'r1', 'r2', 'r3', 't']);
    // the tracked results: the task's intermediate results, then the answer, where each arm must say them
    expect(mechanismLayout(small, true).tracked).toEqual([
      { name: 'b', label: 'bridge', position: 2 },
      { name: 'answer', label: 'answer', position: 3 },
    ]);
    expect(mechanismLayout(small, false).tracked.map((t) => t.position)).toEqual([2, 2]);
  });

  it("at the last row it equals the model's own top-1 at every query and position", () => {
    for (const arm of [trained, new ArmTrainer(small, data, 'direct')]) {
      tf.tidy(() => {
        const items = splitItems(data, 'trainTwoHop').slice(0, 50);
        const cot = arm.arm === 'cot';
        const tokens = tf.tensor2d(
          items.map((it) => teacherForced(it, cot)),
          undefined,
          'int32',
        );
        const top = lensTop1(arm.gpt, tokens);
        expect(top.shape).toEqual([small.layers + 1, 50, cot ? 5 : 4]);
        const own = tf.argMax(forward(arm.gpt, tokens).logits, -1);
        const last = top.slice([small.layers, 0, 0], [1, -1, -1]).reshape(own.shape);
        expect(Array.from(last.dataSync())).toEqual(Array.from(own.dataSync()));
      });
      if (arm !== trained) arm.dispose();
    }
  });

  it("shares are the per-query top-1 counts, and the CoT bridge at r2 after the last layer is the model's own first token", async () => {
    const items = splitItems(data, 'trainTwoHop');
    const lens = await aggregatedLens(trained.gpt, items, { config: small, cot: true, split: 'idTwoHop', step: trained.step });
    expect(lens.positions).toEqual(['h', 'r1', 'r2', 'b', 't']);
    expect(lens.top1[0]).toHaveLength(small.layers + 1);
    expect(lens.queries).toBe(items.length);
    const top = tf.tidy(() =>
      lensTop1(
        trained.gpt,
        tf.tensor2d(
          items.map((it) => teacherForced(it, true)),
          undefined,
          'int32',
        ),
      ),
    );
    const v = (await top.array()) as number[][][];
    top.dispose();
    for (let r = 0; r <= small.layers; r++) {
      for (let p = 0; p < 5; p++) {
        const b = items.filter((it, n) => v[r][n][p] === it.steps[0]).length / items.length;
        const a = items.filter((it, n) => v[r][n][p] === it.answer[0]).length / items.length;
        expect(lens.top1[0][r][p]).toBeCloseTo(b, 10);
        expect(lens.top1[1][r][p]).toBeCloseTo(a, 10);
      }
    }
    // greedy decoding's first token is the last row's top-1 at r2
    const first = await generate(
      trained.gpt,
      items.map((it) => it.prompt),
      1,
    );
    const right = items.filter((it, n) => first[n] === it.steps[0]).length / items.length;
    expect(lens.top1[0][small.layers][2]).toBeCloseTo(right, 10);
  });

  it('a trained CoT model: the bridge is top-1 at r2 on most training queries after the last layer, not at the embedding', async () => {
    const lens = await aggregatedLens(trained.gpt, splitItems(data, 'trainTwoHop'), { config: small, cot: true, split: 'idTwoHop', step: trained.step });
    expect(lens.top1[0][small.layers][2]).toBeGreaterThan(0.9);
    expect(lens.top1[0][0][2]).toBeLessThan(0.1); // the embedding at r2 reads r2
    const found = foundLayer(lens, 0);
    expect(found).not.toBeNull();
    expect(found!).toBeGreaterThanOrEqual(1);
    // the answer, at the emitted bridge, after the last layer
    expect(lens.top1[1][small.layers][3]).toBeGreaterThan(0.9);
  });

  it('three hops: a row for the second bridge too', async () => {
    const cfg = { ...small, hops: '3' as const, entities: 20, degree: 3 };
    const d3 = generateDataset(cfg);
    const t = new ArmTrainer(cfg, d3, 'cot');
    const lens = await aggregatedLens(t.gpt, splitItems(d3, 'trainTwoHop').slice(0, 40), { config: cfg, cot: true, split: 'idTwoHop', step: 0 });
    expect(lens.positions).toEqual(['h', 'r1', 'r2', 'r3', 'b1', 'b2', 't']);
    expect(lens.tracked.map((t) => [t.name, t.position])).toEqual([
      ['b1', 3],
      ['b2', 4],
      ['answer', 5],
    ]);
    expect(lens.top1[1]).toHaveLength(small.layers + 1);
    expect(lens.top1[1][0][5]).toBe(1); // the embedding at b2 echoes b2
    t.dispose();
  });

  it('leaks no tensor', async () => {
    await aggregatedLens(trained.gpt, splitItems(data, 'oodTwoHop'), { config: small, cot: true, split: 'oodTwoHop', step: 0 });
    const before = tf.memory().numTensors;
    await aggregatedLens(trained.gpt, splitItems(data, 'idTwoHop'), { config: small, cot: true, split: 'idTwoHop', step: 0 });
    await aggregatedLens(trained.gpt, [], { config: small, cot: false, split: 'idTwoHop', step: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
