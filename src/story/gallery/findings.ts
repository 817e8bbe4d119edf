/**
 * The gallery of findings: one card per claim of the literature this playground can reproduce. A card holds the
 * claim, its source and what the source reports (text), the links that run it here, and a reading of the reports
 * kept in docs/results/ (numbers, never typed in: ./readings.ts computes them from the reports). Whether our
 * measurement agrees with the source is computed from the same numbers, and the card says so where it does not.
 */
import { configToQuery } from '../../experiment/link';
import { sweepQuery } from '../../runs/sweepPlan';
import { GAP } from '../../data/gap';
import { headlineSplit } from '../../tasks/registry';
import { accAt, bestShare, finalAcc, firstStep, fmt, foundAt, inFolder, lastLens, median, peakAcc, range, reachingGap, type KeptReport } from './readings';

export type Agreement = 'agrees' | 'partly' | 'disagrees' | 'not measured';

/** What a card reads from its reports. */
export interface Reading {
  /** What was measured, a sentence each (numbers from the reports). */
  measured: string[];
  agreement: Agreement;
  /** Where and how it differs from the source (empty when it agrees). */
  note: string;
  /** The reports read (paths under docs/results/). */
  reports: string[];
}

export interface RunLink {
  label: string;
  /** A link query (an experiment, or an experiment with its sweep keys). */
  query: string;
}

export interface Finding {
  id: string;
  title: string;
  /** The claim in one sentence. */
  claim: string;
  source: { text: string; href: string };
  /** What the source reports, in one sentence. */
  reported: string;
  /** The command that wrote the reports (docs/results.md gives the details). */
  command: string;
  /** The links that reproduce it here (from the reports themselves where one report is the experiment). */
  runs(all: readonly KeptReport[]): RunLink[];
  read(all: readonly KeptReport[]): Reading;
}

const YAO = { text: 'Yao et al. 2025, arXiv 2502.04667', href: 'https://arxiv.org/abs/2502.04667' };
const none = (reports: readonly KeptReport[], what: string): Reading => ({
  measured: [`No report of ${what} is kept yet.`],
  agreement: 'not measured',
  note: '',
  reports: reports.map((k) => k.path),
});
/**
 * The sweep link that reproduces a folder of a sweep's reports: the experiment of its first run with the swept
 * key at its first value, and the sweep over the values and seeds the reports hold.
 */
function sweepLink(rs: readonly KeptReport[], key: 'noise' | 'wordLength', label: string): RunLink[] {
  if (rs.length === 0) return [];
  const values = [...new Set(rs.map((k) => k.report.config[key]))].sort((a, b) => a - b);
  const seeds = [...new Set(rs.map((k) => k.report.config.seed))].sort((a, b) => a - b);
  const base = { ...rs[0].report.config, [key]: values[0], seed: seeds[0] };
  return [{ label, query: `${configToQuery(base)}&${sweepQuery({ key, values, seeds })}` }];
}

const seedsOf = (rs: readonly KeptReport[]) => {
  const seeds = [...new Set(rs.map((k) => k.report.config.seed))].sort((a, b) => a - b);
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  return `seeds ${seeds.length > 2 && seeds.at(-1)! - seeds[0] === seeds.length - 1 ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(', ')}`;
};

export const FINDINGS: readonly Finding[] = [
  {
    id: 'q1',
    title: 'CoT composes facts it never saw composed',
    claim:
      'Trained to write the bridge entity before the answer, a transformer answers two-hop questions over facts never seen in a two-hop question (OOD); trained on the answers alone, it does not.',
    source: YAO,
    reported: 'The CoT model reaches ≈ 0.98 on OOD two-hop queries; the model trained without CoT stays near 0 on them, even after grokking in distribution.',
    command: 'npm run sweep -- "" --vary seed=400,…,419 (docs/results.md, "On twenty seeds it was not tuned on")',
    runs: (all) => {
      const r = inFolder(all, 'default-v3-seeds/', /^seed-/)[0];
      return r ? [{ label: `Run it (the default, seed ${r.report.config.seed})`, query: r.report.link }] : [];
    },
    read(all) {
      const rs = inFolder(all, 'default-v3-seeds/', /^seed-/);
      if (rs.length === 0) return none(rs, 'the default on many seeds');
      const cot = rs.map((k) => finalAcc(k.report, 'cot'));
      const direct = rs.map((k) => peakAcc(k.report, 'direct'));
      const steps = rs[0].report.config.steps;
      const reached = reachingGap(rs);
      const m = median(cot);
      const split = headlineSplit(rs[0].report.config).label;
      const agrees = m >= GAP.cot && Math.max(...direct) <= GAP.direct;
      return {
        measured: [
          `The default preset on ${rs.length} ${seedsOf(rs)}, ${steps.toLocaleString('en')} steps: CoT ${split} at the end ${fmt(Math.min(...cot))} / ${fmt(m)} / ${fmt(Math.max(...cot))} (min / median / max); ${reached} of ${rs.length} seeds reach ${GAP.cot} at some evaluation.`,
          `Direct, at most ${fmt(Math.max(...direct), 3)} on the same queries at any evaluation.`,
        ],
        agreement: agrees ? (m >= 0.97 ? 'agrees' : 'partly') : 'disagrees',
        note: agrees
          ? m >= 0.97
            ? ''
            : `The contrast holds, but the CoT level is lower than the paper's ≈ 0.98: its model trains far longer at a larger size; here a median of ${fmt(m)} after ${steps.toLocaleString('en')} steps${reached < rs.length ? `, and ${rs.length - reached} seeds stay below ${GAP.cot}` : ''}.`
          : 'The contrast did not show on these seeds.',
        reports: rs.map((k) => k.path),
      };
    },
  },
  {
    id: 'q2',
    title: 'A two-stage circuit',
    claim:
      'Inside the CoT model the bridge entity becomes readable in the residual stream where the model writes it: early in the layers for queries of seen compositions, later for OOD ones; the model without CoT never holds the OOD bridge there.',
    source: YAO,
    reported: 'Logit lens and causal tracing show two stages in CoT models: the first hop resolved in early layers, the second reusing the same circuit.',
    command: 'npm run experiment -- "seed=3" --lens --trace --json … (docs/results.md, "The mechanism, measured")',
    runs: (all) =>
      inFolder(all, 'default-v2/', /mechanism/).map((k) => ({
        label: `Run it (seed ${k.report.config.seed}; the lens is under "The circuit")`,
        query: k.report.link,
      })),
    read(all) {
      const rs = inFolder(all, 'default-v2/', /mechanism/);
      const r = rs[0]?.report;
      const cotId = r ? lastLens(r, 'cot', false) : null;
      const cotOod = r ? lastLens(r, 'cot', true) : null;
      const directOod = r ? lastLens(r, 'direct', true) : null;
      if (!r || !cotOod || !directOod) return none(rs, 'the lens on the default');
      const step = cotOod.step;
      const layer = (l: number | null) => (l === null ? 'at no layer' : l === 0 ? 'from the embedding' : `from layer ${l}`);
      const idAt = foundAt(cotId);
      const oodAt = foundAt(cotOod);
      const direct = bestShare(directOod);
      const twoStages = idAt !== null && oodAt !== null && oodAt > idAt;
      const agrees = oodAt !== null && direct < 0.5;
      return {
        measured: [
          `Seed ${r.config.seed}, step ${step.toLocaleString('en')}: the CoT arm's bridge is top-1 where it writes it ${layer(idAt)} on ID queries and ${layer(oodAt)} on OOD queries (logit lens, ${cotOod.queries} queries each).`,
          `The direct arm: the OOD bridge is top-1 there on at most ${fmt(direct, 3)} of queries, at any layer.`,
        ],
        agreement: agrees ? (twoStages ? 'agrees' : 'partly') : 'disagrees',
        note:
          agrees && !twoStages
            ? 'The CoT arm holds the bridge, but not later on OOD queries than on ID ones here.'
            : agrees
              ? ''
              : 'The lens did not show the bridge in the CoT arm.',
        reports: rs.map((k) => k.path),
      };
    },
  },
  {
    id: 'three-hops',
    title: 'Three hops: two bridges, written out',
    claim:
      'Trained to write both bridge entities before the answer, a transformer answers three-hop questions built only from facts never seen in a multi-hop question; trained on the answers alone, it does not.',
    source: YAO,
    reported: 'A two-layer CoT model answers OOD three-hop questions once they are broken into two-hop steps.',
    command: 'npm run sweep -- "hops=3&layers=6" --vary seed=5,8,9,10 (docs/results.md, "Three hops, measured")',
    runs: (all) => {
      const r = inFolder(all, 'three-hops-layers6/', /^seed-/)[0];
      return r ? [{ label: `Run it (three hops, ${r.report.config.layers} layers, seed ${r.report.config.seed})`, query: r.report.link }] : [];
    },
    read(all) {
      const rs = inFolder(all, 'three-hops-layers6/', /^seed-/);
      const onDefault = inFolder(all, 'three-hops-v3/', /^seed-/);
      if (rs.length === 0) return none(rs, 'three hops');
      const c = rs[0].report.config;
      const cot = rs.map((k) => finalAcc(k.report, 'cot'));
      const direct = rs.map((k) => peakAcc(k.report, 'direct'));
      const chance = headlineSplit(c).chance ?? 0;
      const ending = (xs: number[]) => xs.filter((x) => x >= GAP.cot).length;
      const lensed = rs.map((k) => lastLens(k.report, 'cot', true)).find((l) => l !== null) ?? null;
      const found = [0, 1].map((k) => foundAt(lensed, k));
      const layer = (l: number | null) => (l === null ? 'at no layer' : l === 0 ? 'from the embedding' : `from layer ${l}`);
      const defaultEnds = onDefault.map((k) => finalAcc(k.report, 'cot'));
      const agrees = ending(cot) === rs.length && Math.max(...direct) <= chance + GAP.direct;
      return {
        measured: [
          `${c.layers} layers, ${rs.length} ${seedsOf(rs)}, ${c.steps.toLocaleString('en')} steps: CoT ${headlineSplit(c).label} ${range(cot, 3)} at the end (${ending(cot)} of ${rs.length} at or above ${GAP.cot}); direct at most ${fmt(Math.max(...direct), 3)}.`,
          ...(lensed
            ? [
                `The logit lens on OOD queries (step ${lensed.step.toLocaleString('en')}, ${lensed.queries} queries): the first bridge is top-1 where the CoT arm writes it ${layer(found[0])}, the second ${layer(found[1])}.`,
              ]
            : []),
          ...(onDefault.length
            ? [
                `On the default (${onDefault[0].report.config.layers} layers, ${seedsOf(onDefault)}): CoT ${range(defaultEnds, 3)} at the end, ${ending(defaultEnds)} of ${onDefault.length} at or above ${GAP.cot}.`,
              ]
            : []),
        ],
        agreement: agrees ? 'agrees' : ending(cot) * 2 > rs.length ? 'partly' : 'disagrees',
        note: agrees ? '' : `CoT ended below ${GAP.cot} on ${rs.length - ending(cot)} of ${rs.length} seeds.`,
        reports: [...rs, ...onDefault].map((k) => k.path),
      };
    },
  },
  {
    id: 'noise',
    title: 'Noise on the bridge hurts more than noise on the answer',
    claim: 'Corrupting a share ξ of the CoT data costs OOD accuracy; corrupting the bridge entity costs far more than corrupting the final answer.',
    source: YAO,
    reported: 'With answer noise OOD accuracy ends near 1 − ξ after 20,000 steps; bridge noise ξ = 0.1 already brings it to about 0.3.',
    command: 'npm run sweep -- "LINK&noiseKind=t|b" --vary noise=0,0.05,0.2,0.4 (docs/results.md, "Paper figures, measured")',
    runs: (all) => [
      ...sweepLink(inFolder(all, 'figures/noise-t/'), 'noise', 'Run the answer-noise sweep'),
      ...sweepLink(inFolder(all, 'figures/noise-b/'), 'noise', 'Run the bridge-noise sweep'),
    ],
    read(all) {
      const t = inFolder(all, 'figures/noise-t/');
      const b = inFolder(all, 'figures/noise-b/');
      if (t.length === 0 || b.length === 0) return none([...t, ...b], 'the noise sweeps');
      const byNoise = (rs: KeptReport[]) => [...rs].sort((x, y) => x.report.config.noise - y.report.config.noise);
      const line = (rs: KeptReport[]) => byNoise(rs).map((k) => `${fmt(finalAcc(k.report, 'cot'))} at ξ ${k.report.config.noise}`);
      const steps = t[0].report.config.steps;
      const tAt = new Map(t.map((k) => [k.report.config.noise, finalAcc(k.report, 'cot')]));
      const noisy = b.filter((k) => k.report.config.noise > 0 && tAt.has(k.report.config.noise));
      const worse = noisy.filter((k) => finalAcc(k.report, 'cot') < tAt.get(k.report.config.noise)!);
      const small = byNoise(t).find((k) => k.report.config.noise > 0);
      const ordering = noisy.length > 0 && worse.length === noisy.length;
      const mostly = worse.length * 2 > noisy.length;
      const exceptions = noisy.filter((k) => !worse.includes(k)).map((k) => k.report.config.noise);
      const levels = `At ξ ${small?.report.config.noise} answer noise already costs far more than ξ here (${fmt(small ? finalAcc(small.report, 'cot') : NaN)}): ${steps.toLocaleString('en')} steps of a small model against the paper's 20,000 at ~100× the compute.`;
      return {
        measured: [
          `CoT ${headlineSplit(t[0].report.config).label} at step ${steps.toLocaleString('en')}, answer noise: ${line(t).join(', ')}.`,
          `Bridge noise: ${line(b).join(', ')}; below answer noise at ${worse.length} of ${noisy.length} noise levels.`,
        ],
        agreement: mostly ? 'partly' : 'disagrees',
        note: ordering
          ? `The ordering agrees; the levels do not. ${levels}`
          : mostly
            ? `Bridge noise costs more at most levels, but not at ξ ${exceptions.join(', ')} (one seed). ${levels}`
            : 'Bridge noise did not hurt more than answer noise at most levels here.',
        reports: [...t, ...b].map((k) => k.path),
      };
    },
  },
  {
    id: 'parity',
    title: 'Parity: one step at a time, or not at all',
    claim:
      'A transformer learns the parity of n bits when it writes the running parity after each bit; trained on the answer alone it stays at chance on strings it has not seen.',
    source: { text: 'Kim & Suzuki 2024, arXiv 2410.08633', href: 'https://arxiv.org/abs/2410.08633' },
    reported:
      'With intermediate parities as supervision, a transformer learns parity efficiently; without them, gradient-based learning needs exponentially many samples in n.',
    command: 'npm run experiment -- \'task=parity&seed=N\' --json … (docs/results.md, "Parity: the second task, measured")',
    runs: (all) => {
      const r = inFolder(all, 'parity/', /^seed\d+\.json$/)[0];
      return r ? [{ label: `Run it (parity, seed ${r.report.config.seed})`, query: r.report.link }] : [];
    },
    read(all) {
      const rs = inFolder(all, 'parity/', /^seed\d+\.json$/);
      if (rs.length === 0) return none(rs, 'parity');
      const cot = rs.map((k) => finalAcc(k.report, 'cot'));
      const direct = rs.map((k) => peakAcc(k.report, 'direct'));
      const first = rs.map((k) => firstStep(k.report, 'cot', 0.95)).filter((s): s is number => s !== null);
      const c = rs[0].report.config;
      const chance = headlineSplit(c).chance ?? 0;
      const agrees = Math.min(...cot) >= GAP.cot && Math.max(...direct) <= chance + GAP.direct;
      return {
        measured: [
          `${rs.length} ${seedsOf(rs)}, ${c.bits} bits, ${c.steps.toLocaleString('en')} steps: CoT on unseen strings ${range(cot, 3)} at the end, first ≥ 0.95 at step ${range(first, 0)}.`,
          `Direct: its highest on unseen strings ${range(direct, 3)} over the seeds (chance ${chance}).`,
        ],
        agreement: agrees ? 'agrees' : 'disagrees',
        note: agrees ? '' : 'The contrast did not show on every seed.',
        reports: rs.map((k) => k.path),
      };
    },
  },
  {
    id: 'serial',
    title: 'Serial state: S_n against Z_p, word by word',
    claim:
      'Without CoT, a fixed-depth transformer can track the product of a word in an abelian group such as Z_p, but not in a non-abelian one such as S_5 once the words get long; writing the running product makes both easy.',
    source: { text: 'Li et al. 2024, arXiv 2402.12875', href: 'https://arxiv.org/abs/2402.12875' },
    reported:
      'The word problem of S_5 needs a serial computation (NC¹-complete) that a constant-depth transformer cannot do without CoT; with one CoT step per element it can.',
    command: 'npm run sweep -- \'task=group&group=Z5|S3\' --vary wordLength=3,5,8 --seeds 1,2,3 (docs/results.md, "Group word problems")',
    runs: (all) => [
      ...sweepLink(inFolder(all, 'group/sweep-Z5'), 'wordLength', 'Run the Z₅ length sweep'),
      ...sweepLink(inFolder(all, 'group/sweep-S3'), 'wordLength', 'Run the S₃ length sweep'),
    ],
    read(all) {
      const groups = ['Z5', 'S3'].map((g) => ({ g, rs: inFolder(all, `group/sweep-${g}`) })).filter((x) => x.rs.length > 0);
      const s5 = inFolder(all, 'group/tuning/', /^S5/);
      if (groups.length < 2)
        return none(
          groups.flatMap((x) => x.rs),
          'the group length sweeps',
        );
      const lines: string[] = [];
      let directLearns = false;
      for (const { rs } of groups) {
        const c = rs[0].report.config;
        const chance = headlineSplit(c).chance ?? 0;
        const lengths = [...new Set(rs.map((k) => k.report.config.wordLength))].sort((a, b) => a - b);
        const at = (arm: 'cot' | 'direct') =>
          lengths.map((len) => `${range(rs.filter((k) => k.report.config.wordLength === len).map((k) => finalAcc(k.report, arm)))} at k ${len}`).join(', ');
        directLearns ||= rs.some((k) => finalAcc(k.report, 'direct') > chance + GAP.direct);
        lines.push(`${c.group}, ${seedsOf(rs)}, ${c.steps.toLocaleString('en')} steps: direct ${at('direct')} (chance ${fmt(chance)}); CoT ${at('cot')}.`);
      }
      if (s5.length)
        lines.push(
          `S5 (${s5.map((k) => `${k.report.config.arms === 'cot' ? 'CoT only, ' : ''}${k.report.config.steps.toLocaleString('en')} steps`).join('; ')}): CoT ${range(
            s5.map((k) => finalAcc(k.report, 'cot')),
            3,
          )} at the end.`,
        );
      return {
        measured: lines,
        agreement: directLearns ? 'partly' : 'disagrees',
        note: directLearns
          ? "The direct arm learns some words, but the contrast between the groups is not the papers' one here."
          : 'At this size the direct arm fails on the abelian Z5 as on S3, at every length, while CoT learns both from k 5 on: the contrast here is CoT against none, not Z_p against S_n. S5 itself was not learned even with CoT in the steps a browser run gets.',
        reports: [...groups.flatMap((x) => x.rs), ...s5].map((k) => k.path),
      };
    },
  },
  {
    id: 'multiply',
    title: 'Multiplication needs its partial products',
    claim:
      'Trained to write the partial products and running sums, a small transformer multiplies multi-digit numbers; trained on the product alone, it does not.',
    source: { text: 'Deng et al. 2023, arXiv 2311.01460; Bai et al. 2025, arXiv 2510.00184', href: 'https://arxiv.org/abs/2510.00184' },
    reported:
      'On 4 × 4-digit products, fine-tuning on the answer alone stays below 1% for 2 to 12 layers, while the model trained with the chain of partial products reaches ~100%.',
    command: 'npm run experiment -- \'task=multiply&seed=N\' --json … (docs/results.md, "Multiplication")',
    runs: (all) =>
      inFolder(all, 'multiply/3x3/', /^seed\d+\.json$/)
        .slice(0, 1)
        .map((k) => ({ label: `Run it (3 × 3 digits, seed ${k.report.config.seed})`, query: k.report.link })),
    read(all) {
      const sizes = ['3x3', '2x2'].map((size) => inFolder(all, `multiply/${size}/`, /^seed\d+\.json$/)).filter((rs) => rs.length > 0);
      if (sizes.length === 0) return none([], 'multiplication');
      const lines = sizes.map((rs) => {
        const c = rs[0].report.config;
        const cot = rs.map((k) => finalAcc(k.report, 'cot'));
        const direct = rs.map((k) => peakAcc(k.report, 'direct'));
        return `${c.digitsA} × ${c.digitsB} digits, ${rs.length} ${seedsOf(rs)}, ${c.steps.toLocaleString('en')} steps: CoT ${range(cot, 3)} of fresh pairs exactly right at the end; the direct arm's highest, ${range(direct, 3)}.`;
      });
      const all3 = sizes.flat();
      const agrees = all3.every((k) => finalAcc(k.report, 'cot') >= GAP.cot && peakAcc(k.report, 'direct') <= GAP.direct);
      const largest = Math.max(...all3.map((k) => Math.min(k.report.config.digitsA, k.report.config.digitsB)));
      return {
        measured: lines,
        agreement: agrees ? (largest >= 4 ? 'agrees' : 'partly') : 'disagrees',
        note: agrees
          ? largest >= 4
            ? ''
            : `The contrast shows, but measured at ${largest} × ${largest} digits at most, a browser-size run, not at the papers' 4 × 4.`
          : 'The contrast did not show on every seed and size.',
        reports: all3.map((k) => k.path),
      };
    },
  },
  {
    id: 'recipes',
    title: 'A cold start of CoT, then RL on the answer',
    claim:
      'Reasoning models are trained with a little CoT as a cold start, then with reinforcement learning on the final answer alone, which grows the chain further.',
    source: { text: 'DeepSeek-AI 2025, arXiv 2501.12948 (the recipe)', href: 'https://arxiv.org/abs/2501.12948' },
    reported: 'From a small cold start of long CoT, RL on verifiable answers grows the reasoning further (in large language models).',
    command: 'npm run experiment -- \'v=1&cotShare=…&rlSteps=1000\' --json … (docs/results.md, "Training recipes, measured")',
    runs: (all) =>
      inFolder(all, 'rl/', /^share(0\.1|1)-rl1000-seed0/).map((k) => ({
        label: `Run it (CoT share ${k.report.config.cotShare}, then RL)`,
        query: k.report.link,
      })),
    read(all) {
      const full = inFolder(all, 'rl/', /^share1-rl1000-/);
      const sftOnly = inFolder(all, 'rl/', /^share1-sft3000-/);
      const cold = inFolder(all, 'rl/', /^share0\.1-rl1000-/);
      if (full.length === 0 || cold.length === 0) return none([...full, ...cold], 'the recipes');
      const sftEnd = full[0].report.config.steps;
      const before = full.map((k) => accAt(k.report, 'cot', sftEnd));
      const after = full.map((k) => finalAcc(k.report, 'cot'));
      const sft = sftOnly.map((k) => finalAcc(k.report, 'cot'));
      const rate = (k: KeptReport, which: 'first' | 'last') => {
        const rows = (k.report.arms.cot?.history ?? []).filter((r) => r.phase === 'rl' && typeof r.cotRate === 'number');
        return (which === 'first' ? rows[0] : rows.at(-1))?.cotRate ?? NaN;
      };
      const coldOod = cold.map((k) => finalAcc(k.report, 'cot'));
      const rlHurts = after.every((a, i) => a < before[i] - 0.05);
      return {
        measured: [
          `Full CoT (${seedsOf(full)}): OOD two-hop ${range(before, 3)} after ${sftEnd.toLocaleString('en')} SFT steps, ${range(after, 3)} after ${full[0].report.config.rlSteps.toLocaleString('en')} RL steps${sft.length ? `; SFT alone for as many steps: ${range(sft, 3)}` : ''}.`,
          `A 10% cold start (${seedsOf(cold)}): the share of RL samples that write a bridge goes ${range(cold.map((k) => rate(k, 'first')))} → ${range(cold.map((k) => rate(k, 'last')))}; OOD two-hop ${range(coldOod, 3)} at the end.`,
        ],
        agreement: 'disagrees',
        note: rlHurts
          ? "At this scale RL on the answer lowers OOD accuracy from full CoT and does not grow the chain from a cold start: the answer-only reward is already earned by memorised training answers. The recipe's success is measured on large language models, not on a 4-layer transformer."
          : 'RL on the answer did not grow the chain from the cold start here.',
        reports: [...full, ...sftOnly, ...cold].map((k) => k.path),
      };
    },
  },
];
