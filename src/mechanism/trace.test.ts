/**
 * Causal tracing: counterfactuals are real paths with the same relations and another bridge and answer;
 * patching every state of every layer gives the clean run exactly (restored = 1), patching nothing the corrupted
 * run exactly (restored = 0); the last row at the target's position restores it fully, later positions not at all;
 * nothing leaks. On a small CoT model trained here, the answer is restored from the emitted bridge.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, splitItems } from '../data/dataset';
import type { Config } from '../experiment/schema';
import { ArmTrainer } from '../train/arm';
import { kgOf } from '../tasks/kg';
import { teacherForced } from './lens';
import { causalTrace, counterfactuals, patchedProbabilities } from './trace';
import { SMALL_KG } from '../../tests/support/configs';

const small: Config = { ...SMALL_KG, batch: 64, warmup: 10, steps: 300, lrSchedule: 'constant', evalSize: 200 };
const data = generateDataset(small);
let cot: ArmTrainer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  cot = new ArmTrainer(small, data, 'cot');
  for (let i = 0; i < small.steps; i++) cot.trainStep().dispose();
});
afterAll(() => cot.dispose());

describe('counterfactuals', () => {
  it('another head, the same relations, a real path, every node different; seeded', () => {
    const items = splitItems(data, 'idTwoHop');
    const cf = counterfactuals(small, data, items, 1);
    expect(cf.filter((c) => c !== null).length).toBeGreaterThan(items.length * 0.9);
    const kg = kgOf(data);
    const tail = new Map(kg.atomic.map((f) => [`${f.h}:${f.r}`, f.t]));
    cf.forEach((c, i) => {
      if (!c) return;
      const q = items[i];
      expect(c.prompt[0]).not.toBe(q.prompt[0]);
      expect(c.prompt.slice(1)).toEqual(q.prompt.slice(1));
      const b = tail.get(`${c.prompt[0]}:${c.prompt[1] - kg.vocab.entities}`)!;
      expect(c.steps).toEqual([b]);
      expect(c.target.slice(0, -2)).toEqual([b]);
      expect(c.answer).toEqual([tail.get(`${b}:${c.prompt[2] - kg.vocab.entities}`)]);
      expect(b).not.toBe(q.steps[0]);
      expect(c.answer[0]).not.toBe(q.answer[0]);
    });
    expect(counterfactuals(small, data, items, 1)).toEqual(cf);
  });
});

describe('patching', () => {
  const pairs = () => {
    const items = splitItems(data, 'trainTwoHop').slice(0, 40);
    const cf = counterfactuals(small, data, items);
    return items
      .map((it, i) => [it, cf[i]] as const)
      .filter((p) => p[1] !== null)
      .map((p) => [p[0], p[1]!] as const);
  };

  for (const arm of ['cot', 'direct'] as const) {
    it(`${arm}: every state of every layer → the clean run exactly; none → the corrupted run exactly`, () => {
      const t = arm === 'cot' ? cot : new ArmTrainer(small, data, 'direct');
      const isCot = arm === 'cot';
      const p = pairs();
      const T = isCot ? 5 : 4;
      const all: [number, number][] = [];
      for (let r = 0; r <= small.layers; r++) for (let q = 0; q < T; q++) all.push([r, q]);
      tf.tidy(() => {
        const clean = p.map((x) => teacherForced(x[0], isCot));
        const corrupt = p.map((x) => teacherForced(x[1], isCot));
        const targets = [
          { position: 2, tokens: p.map((x) => x[0].steps[0]) },
          { position: isCot ? 3 : 2, tokens: p.map((x) => x[0].answer[0]) },
        ];
        const r = patchedProbabilities(t.gpt, clean, corrupt, [all, [], all.filter(([row]) => row === small.layers)], targets);
        expect(r.patched.shape).toEqual([3, 2, p.length]);
        const [full, none, lastRow] = tf.unstack(r.patched) as tf.Tensor2D[];
        const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
        expect(diff(full, r.clean)).toBeLessThan(1e-6);
        expect(diff(lastRow, r.clean)).toBeLessThan(1e-6);
        expect(diff(none, r.corrupt)).toBeLessThan(1e-6);
        expect(diff(r.clean, r.corrupt)).toBeGreaterThan(1e-4); // the runs differ (also untrained): the identities above say something
      });
      if (t !== cot) t.dispose();
    });
  }

  it('the heatmap: 1 at the last row at the target, 0 after it (causal), in [~0, ~1] elsewhere; the answer comes back from the emitted bridge', async () => {
    const items = splitItems(data, 'trainTwoHop').slice(0, 60);
    const traces = await causalTrace(cot.gpt, data, items, { config: small, cot: true, split: 'idTwoHop', step: cot.step });
    expect(traces.map((t) => [t.target, t.label, t.position])).toEqual([
      ['b', 'bridge', 2],
      ['answer', 'answer', 3],
    ]);
    const [bridge, answer] = traces;
    expect(bridge.positions).toEqual(['h', 'r1', 'r2', 'b', 't']);
    expect(bridge.restored).toHaveLength(small.layers + 1);
    expect(bridge.pClean).toBeGreaterThan(bridge.pCorrupt + 0.3);
    const L = small.layers;
    expect(bridge.restored[L][2]).toBeCloseTo(1, 5);
    expect(answer.restored[L][3]).toBeCloseTo(1, 5);
    for (let r = 0; r <= L; r++) {
      expect(bridge.restored[r][3]).toBe(0);
      expect(bridge.restored[r][4]).toBe(0);
      expect(answer.restored[r][4]).toBe(0);
    }
    // the clean head entity's embedding carries the bridge; the emitted bridge's embedding carries most of the answer
    expect(bridge.restored[0][0]).toBeGreaterThan(0.9);
    expect(answer.restored[0][3]!).toBeGreaterThan(0.5);
    expect(answer.restored[0][3]!).toBeGreaterThan(answer.restored[0][0]!);
  });

  it('leaks no tensor', async () => {
    const items = splitItems(data, 'idTwoHop').slice(0, 20);
    await causalTrace(cot.gpt, data, items, { config: small, cot: true, split: 'idTwoHop', step: 0 });
    const before = tf.memory().numTensors;
    await causalTrace(cot.gpt, data, items, { config: small, cot: true, split: 'idTwoHop', step: 0 });
    await causalTrace(cot.gpt, data, [], { config: small, cot: true, split: 'idTwoHop', step: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
