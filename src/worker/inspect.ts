/**
 * Looks inside one arm on one query: its attention weights (every layer × head) and the logit lens (final
 * layer norm + unembedding applied to the residual stream after the embedding and after every block),
 * reporting the rank and probability of the true bridge(s) and answer at every layer and position.
 *
 * The sequence read is the prompt followed by the TRUE continuation (teacher forcing, as in the paper's
 * analysis); the model's own greedy output is reported beside it. When the query has no truth (a hop is
 * missing from the graph), the model's own greedy output is read instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/distribution';
import { tokenName } from '../experiment/vocab';
import { blockHook, forward, residName, unembed, type HookName } from '../model/gpt';
import type { ArmTrainer } from '../train/arm';
import { generate } from '../train/evaluate';
import { causalTrace } from '../mechanism/trace';
import type { TraceSummary } from '../experiment/mechanism';
import { truthFor } from './examples';
import type { AttentionMessage, LensMessage, LensTracked } from './protocol';

export async function inspectArm(t: ArmTrainer, d: Dataset, prompt: number[]): Promise<{ attention: AttentionMessage; lens: LensMessage }> {
  const v = d.vocab;
  const cot = t.arm === 'cot';
  const step = t.step;
  const truth = truthFor(d, prompt);
  const relations = prompt.length - 1;
  const genLength = (cot ? relations - 1 : 0) + 2;
  const generated = Array.from(await generate(t.gpt, [prompt], genLength));
  const eosAt = generated.indexOf(v.eos);
  const ownOutput = eosAt >= 0 ? generated.slice(0, eosAt + 1) : generated;
  const target = cot ? truth.cotTarget : truth.directTarget;
  const correct = target ? target.length === ownOutput.length && target.every((x, i) => x === ownOutput[i]) : null;

  // the input: prompt + continuation without its final </a> (nothing is predicted after it)
  const continuation = target ?? ownOutput;
  const body = continuation[continuation.length - 1] === v.eos ? continuation.slice(0, -1) : continuation;
  const tokens = [...prompt, ...body].slice(0, t.model.maxLength);
  const T = tokens.length;
  const labels = tokens.map((x) => tokenName(v, x));

  const tracked: LensTracked[] =
    truth.answer === null
      ? []
      : [
          ...truth.bridges.map((b, i) => ({
            token: b,
            label: `${truth.bridges.length > 1 ? `bridge ${i + 1}` : 'bridge'} ${tokenName(v, b)}`,
            role: 'bridge' as const,
          })),
          { token: truth.answer, label: `answer ${tokenName(v, truth.answer)}`, role: 'answer' as const },
        ];
  const K = tracked.length;
  const L = t.model.layers;
  const rows = L + 1;

  const [attn, ranks, probs, top] = tf.tidy(() => {
    const x = tf.tensor2d(tokens, [1, T], 'int32');
    const patterns = Array.from({ length: L }, (_, l) => blockHook(l, 'attn.hook_pattern'));
    const resids = Array.from({ length: rows }, (_, l) => residName(l));
    const { cache } = forward(t.gpt, x, { keep: [...patterns, ...resids] as HookName[] });
    const attention = tf.concat(
      patterns.map((n) => cache[n]!),
      0,
    ); // [L, heads, T, T]
    const hidden = tf
      .concat(
        resids.map((n) => cache[n]!),
        0,
      )
      .reshape([rows * T, t.model.dModel]) as tf.Tensor2D;
    const logits = unembed(t.gpt, hidden); // [rows·T, V]
    const best = tf.argMax(logits, 1);
    if (K === 0) return [attention, tf.zeros([0], 'int32'), tf.zeros([0]), best];
    const idx = tf.tensor1d(
      tracked.map((k) => k.token),
      'int32',
    );
    const own = tf.gather(logits, idx, 1); // [N, K]
    const rank = tf.sum(tf.cast(tf.greater(tf.expandDims(logits, 1), tf.expandDims(own, 2)), 'int32'), 2); // [N, K]
    const prob = tf.gather(tf.softmax(logits), idx, 1);
    return [attention, tf.transpose(rank), tf.transpose(prob), best];
  });
  let values: [Float32Array, Int32Array, Float32Array, Int32Array];
  try {
    values = (await Promise.all([attn.data(), ranks.data(), probs.data(), top.data()])) as typeof values;
  } finally {
    tf.dispose([attn, ranks, probs, top]);
  }
  const teacherForced = target !== null;
  // causal tracing of this query (a multi-hop query of the graph): against a counterfactual with another head
  const hops = prompt.length - 1;
  let trace: TraceSummary[] | undefined;
  if (truth.cotTarget && truth.directTarget && truth.answer !== null && (hops === 2 || hops === 3)) {
    const item = { prompt, target: truth.cotTarget, directTarget: truth.directTarget, answer: truth.answer };
    const split = truth.kind === 'OOD test' ? 'oodTwoHop' : 'idTwoHop';
    const traced = await causalTrace(t.gpt, d, [item], { cot, hops, split, step: t.step });
    if (traced.some((x) => x.queries > 0)) trace = traced;
  }
  return {
    attention: {
      type: 'attention',
      arm: t.arm,
      step,
      tokens,
      labels,
      teacherForced,
      layers: L,
      heads: t.model.heads,
      weights: values[0],
      generated: ownOutput.map((x) => tokenName(v, x)),
      correct,
      truth,
    },
    lens: {
      type: 'lens',
      arm: t.arm,
      step,
      tokens,
      labels,
      tracked,
      rows,
      ranks: values[1],
      probs: values[2],
      top: Array.from(values[3], (x) => tokenName(v, x)),
      ...(trace ? { trace } : {}),
    },
  };
}
