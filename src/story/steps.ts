/**
 * The guided tour: eight steps that answer the page's two questions in order — Q1, what CoT training buys;
 * Q2, by what mechanism — then two experiments (noise, depth and dropout) and what it means for real models.
 * Each step says what to look at (a data-tour anchor to point at), what to look for, and quotes only numbers the page
 * has just measured (from a RunView: the training store, live or as remembered by the tour). A step that
 * waits for something says so, and the tour moves on when `wait.done` reports it happened.
 * Pure: no React, no DOM, no tfjs.
 *
 * These steps are the knowledge-graph task's chapter of the tour (tours.ts; parity has its own, parityTour.ts).
 * Where a step computes, it reads the split ids through the task (tourSplits), never by name.
 */
import { ARM_LABEL, type Arm, type MetricRow } from '../experiment/domain';
import type { Config } from '../experiment/schema';
import { headlineSplit, prerequisiteSplits, taskOf } from '../tasks/registry';
import type { ExampleOption, VocabInfo } from '../data/queries';
import type { LensMessage } from '../store/reduce';
import {
  commonStep,
  firstEvaluationDone,
  firstReaching,
  fmt,
  fromLayerText,
  lastRow,
  lensReadings,
  lensSplit,
  peakRow,
  rowAt,
  type LensReading,
} from './measure';

/** One training run as the tour sees it (the training store's state, or a copy the tour kept). */
export interface RunView {
  config: Config;
  status: 'idle' | 'running' | 'paused' | 'done' | 'error';
  step: number;
  totalSteps: number;
  arms: Arm[];
  history: Record<Arm, MetricRow[]>;
  lens: Partial<Record<Arm, LensMessage>>;
  examples: ExampleOption[];
  vocab: VocabInfo | null;
  parameters: Partial<Record<Arm, number>>;
  /** Wall-clock steps per second of the slower arm, when measured. */
  stepsPerSec: number | null;
  /** True when this is the run on the page now (false: remembered from earlier in the tour). */
  live: boolean;
}

/** What a step reads: the student's own run, and the runs of the step's phases. */
export interface StoryContext {
  /** The student's experiment (live, or remembered while a tour run is loaded). */
  main: RunView;
  /** Runs of the current step's phases (null: not run yet). */
  phases: (RunView | null)[];
  /** Lens readings the tour has seen on the student's run, by the split (id) of the query. */
  seen: Partial<Record<string, { prompt: string; readings: LensReading[] }>>;
}

/**
 * The splits the tour reads, by id, from the run's task: the headline split (the OOD test), the other test split
 * (the ID test), and the first and second prerequisite split (ID and OOD atomic facts).
 */
export function tourSplits(c: Config): { headline: string; test: string | null; firstFacts: string | null; secondFacts: string | null } {
  const pre = prerequisiteSplits(c);
  return {
    headline: headlineSplit(c).id,
    test:
      taskOf(c)
        .splits(c)
        .find((s) => s.role === 'test')?.id ?? null,
    firstFacts: pre[0]?.id ?? null,
    secondFacts: pre[1]?.id ?? null,
  };
}

export interface Phase {
  /** e.g. "noise on the answer" */
  label: string;
  /** The keys this run changes from the student's experiment. */
  preset: Partial<Config>;
}

export interface StoryStep {
  id: string;
  title: string;
  /** The anchors (data-tour) of the elements to point at, in order of preference (the first one on the page is used). */
  target: string[];
  /** The step's words (plain text, one paragraph each). */
  text: string[];
  /** What to look for. */
  watch: string;
  phases?: Phase[];
  /** Another view worth a look, when the page has it (its data-tour anchor and what to say about it). */
  also?: { target: string; text: string };
  /** Measured numbers, as sentences (empty until there is something to quote). */
  measured: (ctx: StoryContext) => string[];
  /** What the step waits for; `done` gives the sentence saying it happened, or null while it has not. */
  wait?: { label: string; done: (ctx: StoryContext) => string | null; progress: (ctx: StoryContext) => string | null };
  /** Move on by itself when `wait` happens while the step is shown. */
  auto?: boolean;
}

/** The threshold of the gap step: "wait until CoT passes 0.5 on OOD". */
export const GAP_THRESHOLD = 0.5;
/** "Learned" for the atomic-facts step. */
export const KNOWN = 0.9;

const hasBoth = (r: RunView) => r.arms.includes('cot') && r.arms.includes('direct');
/** A row's accuracy on the run's headline split, two decimals. */
const oodOf = (r: RunView, row: MetricRow | null) => (row ? fmt(row.acc[tourSplits(r.config).headline]) : '—');
/** "two-hop", "three-hop": one hop more than the intermediate results the CoT arm writes. */
const multi = (r: RunView) => {
  const hops = taskOf(r.config).intermediates(r.config).length + 1;
  return `${['two', 'three', 'four'][hops - 2] ?? hops}-hop`;
};
const remembered = (r: RunView) => (r.live ? '' : ' (measured earlier in this tour)');

export function durationText(sec: number): string {
  const s = Math.max(1, Math.round(sec));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "Each run takes about 6 min at this tab's pace (5.8 steps/s measured)", when the pace is known. */
export function paceText(main: RunView, runs: number, steps: number): string | null {
  const r = main.stepsPerSec;
  if (r === null || !Number.isFinite(r) || r <= 0) return null;
  return `At this tab's pace (${r.toFixed(1)} steps/s measured on your run), ${runs > 1 ? 'each run' : 'the run'} of ${steps.toLocaleString('en-US')} steps takes about ${durationText(steps / r)}.`;
}

function lensLine(headline: boolean, s: { prompt: string; readings: LensReading[] }): string | null {
  const bridge = s.readings.find((r) => r.arm === 'cot' && r.role === 'step');
  const answer = s.readings.find((r) => r.arm === 'cot' && r.role === 'answer');
  if (!bridge) return null;
  const kind = headline ? 'OOD' : 'ID';
  const second = answer ? ` Then the answer ${answer.label}, read at the written bridge ${answer.at}, is ${fromLayerText(answer)}.` : '';
  return `${kind} test query ${s.prompt} (step ${bridge.step}): the bridge ${bridge.label}, read at ${bridge.at}, is ${fromLayerText(bridge)}.${second}`;
}

/** CoT's OOD accuracy of each phase at the latest step all of them reached. */
function phaseComparison(ctx: StoryContext, phases: Phase[]): string[] {
  const runs = ctx.phases;
  const lines: string[] = [];
  phases.forEach((p, i) => {
    const r = runs[i];
    if (!r) return;
    const last = lastRow(r.history.cot);
    if (!last || last.step === 0) return;
    const head = tourSplits(r.config).headline;
    const peak = peakRow(r.history.cot, head);
    lines.push(
      `${p.label[0].toUpperCase()}${p.label.slice(1)}: CoT OOD ${oodOf(r, last)} at step ${last.step}${r.status === 'done' ? ' (the end)' : r.live ? ' (still training)' : ''}; its highest ${peak ? `${fmt(peak.acc[head])} at step ${peak.step}` : '—'}.`,
    );
  });
  return lines;
}

function allDone(ctx: StoryContext, n: number): boolean {
  return ctx.phases.length >= n && ctx.phases.slice(0, n).every((r) => r !== null && r.status === 'done');
}

function comparedAt(ctx: StoryContext, names: [string, string]): string | null {
  const [a, b] = ctx.phases;
  if (!a || !b) return null;
  const step = commonStep(a.history.cot, b.history.cot);
  if (step === null || step === 0) return null;
  const ra = rowAt(a.history.cot, step)!;
  const rb = rowAt(b.history.cot, step)!;
  return `At step ${step}, CoT on the OOD test: ${oodOf(a, ra)} with ${names[0]}, ${oodOf(b, rb)} with ${names[1]}.`;
}

const NOISE: Phase[] = [
  { label: 'noise on the answer', preset: { arms: 'cot', noise: 0.2, noiseKind: 't' } },
  { label: 'noise on the bridge', preset: { arms: 'cot', noise: 0.2, noiseKind: 'b' } },
];
const DEPTH: Phase[] = [
  { label: '2 layers, no dropout', preset: { arms: 'cot', layers: 2, dropout: 0 } },
  { label: '2 layers, dropout 0.1', preset: { arms: 'cot', layers: 2, dropout: 0.1 } },
];

export const STEPS: StoryStep[] = [
  {
    id: 'world',
    title: 'A made-up world',
    target: ['data-sizes'],
    text: [
      'Two small transformers will learn facts about a random world: entities (e0, e1, …) linked by relations (r0, r1, …). Each link is an atomic fact, such as “e12 r3 → e40”: the r3 of e12 is e40.',
      'A two-hop question chains two facts: “e12 r3 r7 → ?” asks for the r7 of the r3 of e12, with the bridge e40 in between.',
      'Some facts are OOD: the models learn them as single facts, but never see them inside a two-hop question. The OOD test asks two-hop questions built only from such facts: can a model combine facts it has never seen combined?',
    ],
    watch: 'The data card: how many atomic facts are OOD, and how many OOD test questions there are.',
    measured: ({ main }) => {
      if (!main.vocab) return [];
      const p = main.parameters.cot ?? main.parameters.direct;
      // the world the workers built is the experiment's (its size is in the config); its tokens are the vocabulary's
      return [
        `The training workers have built this world: ${main.config.entities.toLocaleString('en-US')} entities and ${main.config.relations} relations (${main.vocab.names.length.toLocaleString('en-US')} tokens)${p ? `, and a model of ${p.toLocaleString('en-US')} parameters for each arm` : ''}${remembered(main)}.`,
      ];
    },
  },
  {
    id: 'train',
    title: 'Train both arms',
    target: ['play'],
    text: [
      'Both arms start from the same weights and see the same facts in the same order. The only difference: the CoT arm is trained to write the bridge, then the answer (e12 r3 r7 → e40 e91); the direct arm is trained on the answer alone (e12 r3 r7 → e91).',
      'Press Play (or the space bar).',
    ],
    watch: 'The step counter and the OOD numbers in the training bar; the first points of the accuracy chart.',
    measured: ({ main }) => {
      const rows = main.arms.map((a) => [a, main.history[a].find((r) => r.step > 0)] as const).filter(([, r]) => r);
      if (!rows.length) return [];
      return [`First evaluation: ${rows.map(([a, r]) => `${ARM_LABEL[a]} OOD ${oodOf(main, r!)} at step ${r!.step}`).join(', ')}${remembered(main)}.`];
    },
    wait: {
      label: 'Waiting for the first evaluation',
      done: ({ main }) =>
        firstEvaluationDone(main.history, main.arms)
          ? `Training has started: the first points are on the chart (step ${Math.min(...main.arms.map((a) => main.history[a].find((r) => r.step > 0)!.step))}).`
          : null,
      progress: ({ main }) => (main.status === 'running' ? `Training… step ${main.step}.` : 'Press Play to start.'),
    },
    auto: true,
  },
  {
    id: 'gap',
    title: 'The gap opens (Q1)',
    target: ['accuracy'],
    text: [
      'Q1: what does training with the intermediate step buy? Watch the thick OOD test lines: CoT (blue) and direct (orange). Both arms know every fact; only CoT was taught to write the bridge.',
      'The direct arm stays near 0 on the OOD test however long it trains: it has no way to compose facts it stored only as single facts.',
    ],
    watch: `The OOD test lines part: wait until CoT passes ${GAP_THRESHOLD} on the OOD test.`,
    measured: ({ main }) => {
      const last = lastRow(main.history.cot);
      if (!last || last.step === 0) return [];
      const d = lastRow(main.history.direct);
      return [
        `Now: CoT OOD ${oodOf(main, last)} at step ${last.step}${d && hasBoth(main) ? `, direct ${oodOf(main, d)} at step ${d.step}` : ''}${remembered(main)}.`,
      ];
    },
    wait: {
      label: `Waiting until CoT passes ${GAP_THRESHOLD} on the OOD test`,
      done: ({ main }) => {
        if (!main.arms.includes('cot')) return null;
        const hit = firstReaching(main.history.cot, tourSplits(main.config).headline, GAP_THRESHOLD);
        if (!hit) return null;
        // the direct arm trains in its own worker: wait for its evaluation of the same step, to compare
        const dLast = lastRow(main.history.direct);
        if (main.arms.includes('direct') && (!dLast || dLast.step < hit.step) && main.status === 'running') return null;
        const d = rowAt(main.history.direct, hit.step);
        return `CoT passed ${GAP_THRESHOLD} on the OOD test at step ${hit.step} (${oodOf(main, hit)})${d ? `; direct was at ${oodOf(main, d)} then` : ''}. That is the gap.`;
      },
      progress: ({ main }) => {
        if (!main.arms.includes('cot')) return 'This link trains only the direct arm: there is no CoT curve to wait for.';
        if (main.status === 'done')
          return `The run ended at step ${main.step} before CoT reached ${GAP_THRESHOLD}: this setting does not open the gap (the default experiment does).`;
        const last = lastRow(main.history.cot);
        return last && last.step > 0 ? `CoT OOD is ${oodOf(main, last)} at step ${last.step}.` : 'Waiting for the first evaluation.';
      },
    },
    auto: true,
  },
  {
    id: 'atomic',
    title: 'OOD facts are learned last',
    target: ['accuracy'],
    text: [
      'Why does CoT get there only after a while? To answer an OOD question the model must know both of its facts. OOD facts are never repeated inside a two-hop question, so they are learned later than the ID ones, and OOD two-hop accuracy follows them: roughly the square of the OOD atomic accuracy.',
    ],
    watch: 'The CoT arm’s ID atomic and OOD atomic lines (toggle the splits under the chart), and the OOD test line rising after the OOD atomic one.',
    measured: ({ main }) => {
      const rows = main.history.cot;
      const last = lastRow(rows);
      const { firstFacts, secondFacts } = tourSplits(main.config);
      if (!last || last.step === 0 || !firstFacts || !secondFacts) return [];
      const id = firstReaching(rows, firstFacts, KNOWN);
      const ood = firstReaching(rows, secondFacts, KNOWN);
      const reach = (r: MetricRow | null, what: string, now: number) => (r ? `${what} at step ${r.step}` : `${what} not yet (now ${fmt(now)})`);
      const sq = last.acc[secondFacts] ** 2;
      return [
        `CoT reached ${KNOWN} on ${reach(id, 'ID atomic facts', last.acc[firstFacts])}, and on ${reach(ood, 'OOD atomic facts', last.acc[secondFacts])}${remembered(main)}.`,
        `At step ${last.step}: OOD atomic ${fmt(last.acc[secondFacts])}, squared ${fmt(sq)}; OOD ${multi(main)} ${oodOf(main, last)}.`,
      ];
    },
    wait: {
      label: `Waiting until CoT knows ${KNOWN} of the OOD atomic facts`,
      done: ({ main }) => {
        const facts = tourSplits(main.config).secondFacts;
        const hit = facts ? firstReaching(main.history.cot, facts, KNOWN) : null;
        return hit ? `CoT reached ${KNOWN} on the OOD atomic facts at step ${hit.step}; its OOD test accuracy was ${oodOf(main, hit)} then.` : null;
      },
      progress: ({ main }) => {
        const facts = tourSplits(main.config).secondFacts;
        const last = lastRow(main.history.cot);
        if (!facts) return null;
        if (main.status === 'done' && last) return `The run ended at step ${last.step} with CoT at ${fmt(last.acc[facts])} on OOD atomic facts.`;
        return last && last.step > 0 ? `CoT OOD atomic is ${fmt(last.acc[facts])} at step ${last.step}.` : null;
      },
    },
    // no auto: this step is read while the curves move; it says when it happened and waits for Next
  },
  {
    id: 'inside',
    title: 'Look inside: the bridge (Q2)',
    target: ['logit-lens'],
    also: { target: 'found-chart', text: 'The chart “Where is the bridge found?” shows the same reading over all test queries, step by step.' },
    text: [
      'Q2: by what mechanism? The logit lens reads each layer’s hidden state as if it were the last one and asks: which token would the model say here? Rank 1 means the bridge (or answer) is its top guess.',
      'In the CoT arm, look at the bridge grid in the column of the last relation, where the model must write the bridge: from which layer on is it rank 1? In the papers the bridge appears in a middle layer for ID queries and later for OOD ones. Then the answer grid, in the column of the bridge: the bridge, written out and read back in, is where the second hop starts, with the same lookup the model uses for a single fact.',
    ],
    watch: 'The CoT arm’s logit lens; pick an ID and an OOD query in the Query menu and compare.',
    measured: (ctx) => {
      const lines: string[] = [];
      const { headline, test } = tourSplits(ctx.main.config);
      for (const split of [headline, test]) {
        const s = split === null ? undefined : ctx.seen[split];
        const l = s && lensLine(split === headline, s);
        if (l) lines.push(l);
      }
      return lines;
    },
    wait: {
      label: 'Waiting for the logit lens of the CoT arm',
      done: (ctx) => (Object.values(ctx.seen).some((s) => s !== undefined) ? 'The lens has read a query.' : null),
      progress: ({ main }) =>
        main.arms.includes('cot') ? 'The lens is drawn after an evaluation.' : 'This link trains only the direct arm: the lens has no bridge to find.',
    },
  },
  {
    id: 'noise',
    title: 'Noise: on the answer, or on the bridge',
    target: ['accuracy'],
    text: [
      'Real chains of thought contain mistakes. Two runs of the CoT arm on your world, one after the other, with 20% of the two-hop training examples corrupted: first the final answer is replaced (the bridge stays right), then the bridge is replaced (the answer stays right). The test questions are always clean.',
    ],
    watch: 'The CoT OOD test line of each run: which kind of noise costs more?',
    phases: NOISE,
    measured: (ctx) => {
      const cmp = comparedAt(ctx, ['noise on the answer', 'noise on the bridge']);
      return [...phaseComparison(ctx, NOISE), ...(cmp ? [cmp] : [])];
    },
    wait: {
      label: 'Waiting for both runs to finish',
      done: (ctx) => (allDone(ctx, 2) ? comparedAt(ctx, ['noise on the answer', 'noise on the bridge']) : null),
      progress: (ctx) => (ctx.phases.every((r) => r === null) ? 'Start them with the button above; Next skips them.' : null),
    },
  },
  {
    id: 'depth',
    title: 'Too shallow a model, and dropout',
    target: ['accuracy'],
    text: [
      'The papers find that CoT works even in a two-layer model. Small models are fragile, though: without dropout, a two-layer model can reach its best on the OOD test and then slide down while it keeps fitting its training data. Dropout (randomly silencing parts of the network while training) steadies it.',
      'Two CoT runs with 2 layers: without dropout, then with dropout 0.1.',
    ],
    watch: 'Does the OOD test line sink after its peak? Does it with dropout?',
    phases: DEPTH,
    measured: (ctx) => {
      const cmp = comparedAt(ctx, ['no dropout', 'dropout 0.1']);
      return [...phaseComparison(ctx, DEPTH), ...(cmp ? [cmp] : [])];
    },
    wait: {
      label: 'Waiting for both runs to finish',
      done: (ctx) => (allDone(ctx, 2) ? comparedAt(ctx, ['no dropout', 'dropout 0.1']) : null),
      progress: (ctx) => (ctx.phases.every((r) => r === null) ? 'Start them with the button above; Next skips them.' : null),
    },
  },
  {
    id: 'real',
    title: 'What this means for real models',
    target: [],
    text: [
      'Writing out intermediate steps began as a prompting trick and became a training signal: language models are fine-tuned on worked solutions (supervised fine-tuning, SFT, on chain-of-thought data).',
      'Reasoning models add reinforcement learning (RL) on top, rewarding only the final answer, and they start it from a little chain-of-thought data, a “cold start”. Your two arms show why: the arm trained to write the bridge learned a computation that composes, the arm trained on answers alone did not — and a reward on the final answer can only strengthen chains a model already writes.',
      'These are the papers’ points, in words: not something this page measured. The science page says more, with references.',
    ],
    watch: 'Keep playing: every control on the left is an experiment, and Copy link shares it.',
    measured: () => [],
  },
];

/** The context a step reads, with the lens readings of the student's run folded into `seen`. */
export function readLens(main: RunView, seen: StoryContext['seen']): StoryContext['seen'] {
  const msg = main.lens.cot;
  if (!msg) return seen;
  const split = lensSplit(msg, main.examples);
  if (!split) return seen;
  const prompt = main.examples.find((e) => e.split === split && e.prompt.every((t, i) => msg.tokens[i] === t))!;
  const readings = [...lensReadings(msg), ...(main.lens.direct ? lensReadings(main.lens.direct) : [])];
  const prev = seen[split];
  if (prev && prev.prompt === prompt.text && prev.readings[0]?.step === readings[0]?.step) return seen;
  return { ...seen, [split]: { prompt: prompt.text, readings } };
}
