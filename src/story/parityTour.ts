/**
 * The tour's parity chapter, "Why can't the direct model learn parity?": the same machinery as the knowledge
 * graph's chapter (steps.ts: targets, waits, phases, numbers measured on the student's run), about the parity
 * task. It reads the splits through the task (the headline split: unseen strings; the training split).
 */
import { ARM_LABEL, type MetricRow } from '../experiment/domain';
import { taskOf } from '../tasks/registry';
import { firstEvaluationDone, firstReaching, fmt, fromLayerText, lastRow } from './measure';
import { tourSplits, type Phase, type RunView, type StoryContext, type StoryStep } from './steps';

/** "Learned" on the unseen strings: the gap's CoT level. */
const LEARNED = 0.9;

const trainSplit = (r: RunView): string | null =>
  taskOf(r.config)
    .splits(r.config)
    .find((s) => s.role === 'train')?.id ?? null;
const at = (_r: RunView, row: MetricRow | null, split: string | null) => (row && split ? fmt(row.acc[split]) : '—');
const unseen = (r: RunView, row: MetricRow | null) => at(r, row, tourSplits(r.config).headline);
const remembered = (r: RunView) => (r.live ? '' : ' (measured earlier in this tour)');

/** Both arms on the unseen and the training strings at their last evaluation. */
function armsNow(r: RunView): string[] {
  const train = trainSplit(r);
  return r.arms
    .map((a) => [a, lastRow(r.history[a])] as const)
    .filter(([, row]) => row && row.step > 0)
    .map(
      ([a, row]) =>
        `${ARM_LABEL[a][0].toUpperCase()}${ARM_LABEL[a].slice(1)} at step ${row!.step}: ${unseen(r, row)} on unseen strings, ${at(r, row, train)} on its training strings${remembered(r)}.`,
    );
}

const MEMORISE: Phase[] = [{ label: '8 bits, 100 training strings, 800 steps', preset: { bits: 8, trainSize: 100, steps: 800 } }];

export const PARITY_STEPS: StoryStep[] = [
  {
    id: 'bits',
    title: 'Strings of bits',
    target: ['data-sizes'],
    text: [
      'Each question is a string of random bits; the answer says whether it holds an even (E) or odd (O) number of ones: its parity.',
      'The CoT arm is trained to write the running parity after each bit, then the answer (1 0 1 1 = O O E O); the direct arm writes the answer alone (1 0 1 1 = O). Both are tested on strings they never saw.',
    ],
    watch: 'The data card: how many strings are trained on, out of how many there are.',
    measured: ({ main }) => {
      if (!main.vocab) return [];
      const n = main.config.bits;
      return [
        `${n} bits: ${(2 ** n).toLocaleString('en-US')} strings in all; the workers built a training set of up to ${main.config.trainSize.toLocaleString('en-US')}${remembered(main)}.`,
      ];
    },
  },
  {
    id: 'train',
    title: 'Train both arms',
    target: ['play'],
    text: ['Both arms start from the same weights and see the same strings in the same order. Press Play (or the space bar).'],
    watch: 'The accuracy chart: unseen strings (thick) and training strings, for each arm.',
    measured: ({ main }) => armsNow(main),
    wait: {
      label: 'Waiting for the first evaluation',
      done: ({ main }) => (firstEvaluationDone(main.history, main.arms) ? 'Training has started: the first points are on the chart.' : null),
      progress: ({ main }) => (main.status === 'running' ? `Training… step ${main.step}.` : 'Press Play to start.'),
    },
    auto: true,
  },
  {
    id: 'chance',
    title: 'One arm learns, the other guesses',
    target: ['accuracy'],
    text: [
      'Guessing gets half of the answers right. Watch the unseen strings: the CoT arm climbs to the top; the direct arm stays at one half, and does not even fit the strings it trains on.',
    ],
    watch: `The unseen-strings lines: wait until CoT passes ${LEARNED}.`,
    measured: ({ main }) => armsNow(main),
    wait: {
      label: `Waiting until CoT passes ${LEARNED} on unseen strings`,
      done: ({ main }) => {
        const hit = main.arms.includes('cot') ? firstReaching(main.history.cot, tourSplits(main.config).headline, LEARNED) : null;
        if (!hit) return null;
        const d = lastRow(main.history.direct);
        return `CoT passed ${LEARNED} on unseen strings at step ${hit.step} (${unseen(main, hit)})${d && d.step > 0 ? `; direct is at ${unseen(main, d)}` : ''}.`;
      },
      progress: ({ main }) => {
        if (!main.arms.includes('cot')) return 'This link trains only the direct arm: there is no CoT curve to wait for.';
        if (main.status === 'done') return `The run ended at step ${main.step} before CoT reached ${LEARNED}.`;
        const last = lastRow(main.history.cot);
        return last && last.step > 0 ? `CoT is at ${unseen(main, last)} on unseen strings at step ${last.step}.` : 'Waiting for the first evaluation.';
      },
    },
    auto: true,
  },
  {
    id: 'why',
    title: 'Why: one step needs one bit, the answer needs all of them',
    target: ['logit-lens', 'accuracy'],
    also: { target: 'found-chart', text: 'The chart of where each running parity is found shows it over all test strings.' },
    text: [
      'Each running parity is the previous one flipped or not by one new bit: a tiny rule the CoT arm learns once and applies at every position.',
      'The answer alone depends on every bit at once: flip any one bit and it flips. Below all n bits nothing in the string says anything about it, so the direct arm gets no hint of which way to improve until it has nearly the whole function; the theory says that takes a number of examples or steps exponential in n.',
    ],
    watch: 'The CoT arm’s logit lens: each running parity becomes the top guess at the bit that decides it.',
    measured: (ctx: StoryContext) => {
      const s = ctx.seen[tourSplits(ctx.main.config).headline];
      if (!s) return [];
      const steps = s.readings.filter((r) => r.arm === 'cot' && r.role === 'step');
      if (steps.length === 0) return [];
      const found = steps.filter((r) => r.fromRow !== null).length;
      return [
        `Unseen string ${s.prompt} (step ${steps[0].step}): ${found} of ${steps.length} running parities are the lens' top guess where the CoT arm writes them; the first, ${steps[0].label}, is ${fromLayerText(steps[0])}.`,
      ];
    },
  },
  {
    id: 'memorise',
    title: 'Memorising is not learning',
    target: ['accuracy'],
    text: [
      'With short strings and few of them, can the direct arm do it? One run of both arms on 8-bit strings, 100 of them, for 800 steps.',
      'Watch the direct arm’s two lines: its training strings, and the unseen ones.',
    ],
    watch: 'The direct arm learns its training strings by heart. Does that help it on strings it has not seen?',
    phases: MEMORISE,
    measured: (ctx) => {
      const r = ctx.phases[0];
      return r ? armsNow(r) : [];
    },
    wait: {
      label: 'Waiting for the run to finish',
      done: (ctx) => {
        const r = ctx.phases[0];
        if (r === null || r === undefined || r.status !== 'done') return null;
        const d = lastRow(r.history.direct);
        return d ? `Direct ended at ${at(r, d, trainSplit(r))} on its training strings and ${unseen(r, d)} on unseen ones.` : 'The run finished.';
      },
      progress: (ctx) => (ctx.phases[0] === null ? 'Start it with the button above; Next skips it.' : null),
    },
  },
  {
    id: 'serial',
    title: 'What this means',
    target: [],
    text: [
      'Parity is the simplest problem whose answer needs a chain of steps: each bit changes everything after it. Written out, the chain is n easy steps; held inside one forward pass, it is one hard function.',
      'That is the papers’ point about chain of thought in general: it lets a fixed-depth transformer solve inherently serial problems, one step per written token (Li et al. 2024; Kim & Suzuki 2024). Those are the papers’ claims in words; the gallery (the header’s Gallery button) shows what this page measured for them.',
    ],
    watch: 'Try more bits (the Bits slider): the CoT arm keeps up; the direct arm stays at chance.',
    measured: () => [],
  },
];
