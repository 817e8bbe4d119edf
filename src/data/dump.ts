/**
 * A generated dataset as plain JSON, token ids throughout, for inspection outside the playground
 * (`npm run experiment -- '<link>' --steps 0 --dump-data data.json`).
 *
 * - vocab: the token names, index = token id (e0…, r0…, </a>, <pad>);
 * - atomic: every atomic fact as token ids, with its OOD mark;
 * - train: the full training sequences of each arm (prompt + continuation, no padding), in the order the
 *   arm's sampler draws from: all atomic facts, then the multi-hop facts (noise applied);
 * - splits: the evaluation samples; target = continuation up to and including </a>, the CoT target
 *   (bridges, answer, </a>) for the multi-hop splits.
 */
import { trainingSequences, type Dataset } from './distribution';
import { SPLITS, type SplitName } from '../experiment/domain';
import { relationToken, vocabNames } from '../experiment/vocab';

export interface DataDump {
  vocab: string[];
  atomic: { h: number; r: number; t: number; ood: boolean }[];
  train: { cot: number[][]; direct: number[][] };
  splits: Record<SplitName, { prompt: number[]; target: number[] }[]>;
}

export function buildDump(d: Dataset): DataDump {
  const splits = {} as DataDump['splits'];
  for (const s of SPLITS) splits[s] = d.splits[s].map((it) => ({ prompt: it.prompt.slice(), target: it.target.slice() }));
  return {
    vocab: vocabNames(d.vocab),
    atomic: d.atomic.map((f) => ({ h: f.h, r: relationToken(d.vocab, f.r), t: f.t, ood: f.ood })),
    train: {
      cot: trainingSequences(d, true).map((s) => s.tokens),
      direct: trainingSequences(d, false).map((s) => s.tokens),
    },
    splits,
  };
}
