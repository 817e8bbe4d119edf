/**
 * Looks inside one arm on one query: its attention weights (every layer × head) and the logit lens (final
 * layer norm + unembedding applied to the residual stream after the embedding and after every block),
 * reporting the rank and probability of the query's true intermediate results and answer (the task's truth) at
 * every layer and position.
 *
 * The sequence read is the prompt followed by the TRUE continuation (teacher forcing, as in the paper's
 * analysis); the model's own greedy output is reported beside it. When the query has no truth (the task's data
 * does not answer it), the model's own greedy output is read instead. A query of the task's
 * layout (as long as its headline queries) is also traced causally against the task's counterfactual of it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, EvalItem } from '../data/dataset';
import { ANSWER, type TraceSummary } from '../experiment/mechanism';
import { fitsLayout, mechanismLayout } from '../mechanism/lens';
import { causalTrace } from '../mechanism/trace';
import { blockHook, forward, residName, unembed, type HookName } from '../model/gpt';
import { taskOf } from '../tasks/registry';
import { tokenName } from '../tasks/types';
import type { ArmTrainer } from '../train/arm';
import { generate } from '../train/evaluate';
import { truthFor } from '../data/queries';
import type { AttentionMessage, LensMessage, LensTracked } from './protocol';

export async function inspectArm(t: ArmTrainer, d: Dataset, prompt: number[]): Promise<{ attention: AttentionMessage; lens: LensMessage }> {
  const v = d.vocab;
  const cot = t.arm === 'cot';
  const step = t.step;
  const task = taskOf(t.config);
  const truth = truthFor(d, prompt);
  const target = cot ? truth.cotTarget : truth.directTarget;
  const intermediates = task.intermediates(t.config);
  // as many tokens as the truth has, else as many as the task's headline queries continue with
  const want = target ? target.length : cot ? intermediates.length + 2 : 2;
  const genLength = Math.max(1, Math.min(want, t.model.maxLength - prompt.length));
  const generated = Array.from(await generate(t.gpt, [prompt], genLength));
  const eosAt = generated.indexOf(v.eos);
  const ownOutput = eosAt >= 0 ? generated.slice(0, eosAt + 1) : generated;
  const correct = target ? target.length === ownOutput.length && target.every((x, i) => x === ownOutput[i]) : null;

  // the input: prompt + continuation without its final </a> (nothing is predicted after it)
  const continuation = target ?? ownOutput;
  const body = continuation[continuation.length - 1] === v.eos ? continuation.slice(0, -1) : continuation;
  const tokens = [...prompt, ...body].slice(0, t.model.maxLength);
  const T = tokens.length;
  const labels = tokens.map((x) => tokenName(v, x));

  // the query as an evaluation item; where it has the task's layout, each tracked result's emit position is known
  const item: EvalItem | null =
    truth.cotTarget && truth.directTarget && truth.answer && truth.answer.length > 0
      ? { prompt, target: truth.cotTarget, directTarget: truth.directTarget, answer: truth.answer, steps: truth.steps }
      : null;
  const layout = mechanismLayout(t.config, cot);
  const laidOut = item !== null && fitsLayout(item, layout) && T === layout.positions.length;
  const named = truth.steps.length === intermediates.length;
  const tracked: LensTracked[] =
    truth.answer === null || truth.answer.length === 0
      ? []
      : [
          ...truth.steps.map((token, k) => ({
            token,
            name: named ? intermediates[k].name : `step ${k + 1}`,
            label: `${named ? intermediates[k].label : `step ${k + 1}`} ${tokenName(v, token)}`,
            role: 'step' as const,
            ...(laidOut ? { position: layout.tracked[k].position } : {}),
          })),
          {
            token: truth.answer[0],
            name: ANSWER,
            label: `${ANSWER} ${tokenName(v, truth.answer[0])}`,
            role: 'answer' as const,
            ...(laidOut ? { position: layout.tracked[layout.tracked.length - 1].position } : {}),
          },
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
  // causal tracing of this one query (of the task's layout) against the task's counterfactual of it
  let trace: TraceSummary[] | undefined;
  if (item && laidOut && item.steps.length > 0) {
    const split = d.splits.find((s) => s.items.some((it) => it.prompt.length === prompt.length && it.prompt.every((x, i) => x === prompt[i])));
    const traced = await causalTrace(t.gpt, d, [item], {
      config: t.config,
      cot,
      split: split?.id ?? 'query',
      splitLabel: split?.label ?? truth.kind,
      step: t.step,
    });
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
