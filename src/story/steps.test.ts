import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';
import type { LensMessage } from '../store/reduce';
import { commonStep, firstReaching, lensReadings, peakRow } from './measure';
import { GAP_THRESHOLD, STEPS, paceText, readLens, tourSplits, type RunView, type StoryContext } from './steps';
import { PARITY_STEPS } from './parityTour';
import { TOURS, tourOf, tourUnavailable } from './tours';

const scores = (ood: number, oodAtomic = 0, idAtomic = 0) => ({ idAtomic, oodAtomic, trainTwoHop: 0, idTwoHop: 0, oodTwoHop: ood });
const row = (step: number, ood: number, oodAtomic = 0, idAtomic = 0): MetricRow => ({
  step,
  loss: null,
  acc: scores(ood, oodAtomic, idAtomic),
  answerAcc: scores(ood),
});
function run(cot: MetricRow[], direct: MetricRow[], extra: Partial<RunView> = {}): RunView {
  return {
    config: DEFAULT_CONFIG,
    status: 'running',
    step: 0,
    totalSteps: 2000,
    arms: ['cot', 'direct'],
    history: { cot, direct },
    lens: {},
    examples: [],
    vocab: null,
    parameters: {},
    stepsPerSec: null,
    live: true,
    ...extra,
  };
}
const ctx = (main: RunView, phases: (RunView | null)[] = []): StoryContext => ({ main, phases, seen: {} });
const step = (id: string) => STEPS.find((s) => s.id === id)!;

describe('the tour quotes what the page measured', () => {
  it('has 8 steps, Q1 before Q2, ending on real training', () => {
    expect(STEPS.map((s) => s.id)).toEqual(['world', 'train', 'gap', 'atomic', 'inside', 'noise', 'depth', 'real']);
  });

  it('has a chapter per task that has one, and reads the split ids through the task', () => {
    expect(tourOf(DEFAULT_CONFIG)?.steps).toBe(STEPS);
    expect(tourUnavailable(DEFAULT_CONFIG)).toBeNull();
    expect(tourSplits(DEFAULT_CONFIG)).toEqual({ headline: 'oodTwoHop', test: 'idTwoHop', firstFacts: 'idAtomic', secondFacts: 'oodAtomic' });
    const parity = taskDefaults('parity');
    expect(tourOf(parity)?.steps).toBe(PARITY_STEPS);
    expect(tourOf(parity)?.title).toMatch(/parity\?$/);
    expect(tourUnavailable(parity)).toBeNull();
    const other = { task: 'none-such' } as unknown as typeof parity;
    expect(tourOf(other)).toBeNull();
    expect(tourUnavailable(other)).toMatch(/^The tour has chapters for the Knowledge graph \(k-hop\) and Parity of n bits tasks;/);
  });

  it('the gap step waits for CoT to pass the threshold, and for the direct arm’s row of that step', () => {
    const gap = step('gap').wait!;
    const cot = [row(0, 0), row(100, 0.2), row(200, 0.55), row(300, 0.7)];
    expect(gap.done(ctx(run(cot.slice(0, 2), [row(0, 0), row(100, 0)])))).toBeNull();
    expect(gap.done(ctx(run(cot.slice(0, 3), [row(0, 0), row(100, 0)])))).toBeNull(); // direct not at 200 yet
    expect(gap.done(ctx(run(cot, [row(0, 0), row(100, 0), row(200, 0.01)])))).toBe(
      `CoT passed ${GAP_THRESHOLD} on the OOD test at step 200 (0.55); direct was at 0.01 then. That is the gap.`,
    );
    expect(gap.progress(ctx(run(cot.slice(0, 2), [], { status: 'done', step: 100 })))).toMatch(/^The run ended at step 100 before CoT reached 0.5/);
  });

  it('the atomic step quotes the first steps at 0.9 and the square of OOD atomic accuracy', () => {
    const cot = [row(0, 0), row(100, 0.1, 0.3, 0.95), row(200, 0.6, 0.92, 1)];
    const lines = step('atomic').measured(ctx(run(cot, [])));
    expect(lines).toEqual([
      'CoT reached 0.9 on ID atomic facts at step 100, and on OOD atomic facts at step 200.',
      'At step 200: OOD atomic 0.92, squared 0.85; OOD two-hop 0.60.',
    ]);
  });

  it('phase steps compare the runs at their latest common step', () => {
    const a = run([row(0, 0), row(100, 0.3), row(200, 0.6)], [], { status: 'done', arms: ['cot'], live: false });
    const b = run([row(0, 0), row(100, 0.1)], [], { arms: ['cot'] });
    const noise = step('noise');
    expect(noise.measured(ctx(run([], []), [a, b]))).toEqual([
      'Noise on the answer: CoT OOD 0.60 at step 200 (the end); its highest 0.60 at step 200.',
      'Noise on the bridge: CoT OOD 0.10 at step 100 (still training); its highest 0.10 at step 100.',
      'At step 100, CoT on the OOD test: 0.30 with noise on the answer, 0.10 with noise on the bridge.',
    ]);
    expect(noise.wait!.done(ctx(run([], []), [a, b]))).toBeNull();
    expect(noise.wait!.done(ctx(run([], []), [a, { ...b, status: 'done' }]))).toMatch(/^At step 100/);
  });

  it('the pace line uses the measured steps per second, or says nothing', () => {
    expect(paceText(run([], []), 2, 2000)).toBeNull();
    expect(paceText(run([], [], { stepsPerSec: 5 }), 2, 2000)).toBe(
      "At this tab's pace (5.0 steps/s measured on your run), each run of 2,000 steps takes about 7 min.",
    );
  });

  it('measure helpers', () => {
    const rows = [row(0, 0), row(10, 0.4), row(20, 0.9), row(30, 0.8)];
    expect(firstReaching(rows, 'oodTwoHop', 0.5)?.step).toBe(20);
    expect(peakRow(rows, 'oodTwoHop')?.step).toBe(20);
    expect(commonStep(rows, [row(0, 0), row(20, 0)])).toBe(20);
  });

  it('reads the logit lens at the position where the arm writes each token', () => {
    // CoT reads "e3 r2 r2 e19 e38"; rows: emb, L1, L2
    const T = 5;
    const ranks = new Int32Array(2 * 3 * T).fill(7);
    const set = (k: number, r: number, p: number, v: number) => (ranks[(k * 3 + r) * T + p] = v);
    set(0, 1, 2, 0); // bridge top at L1 and L2 at r2 (position 2)
    set(0, 2, 2, 0);
    set(1, 2, 3, 0); // answer top only at L2, at the bridge
    const msg: LensMessage = {
      type: 'lens',
      arm: 'cot',
      step: 40,
      tokens: [3, 42, 42, 19, 38],
      labels: ['e3', 'r2', 'r2', 'e19', 'e38'],
      tracked: [
        { token: 19, name: 'b', label: 'bridge e19', role: 'step' },
        { token: 38, name: 'answer', label: 'answer e38', role: 'answer' },
      ],
      rows: 3,
      ranks,
      probs: new Float32Array(ranks.length),
      top: [],
    };
    const [b, a] = lensReadings(msg);
    expect(b).toMatchObject({ label: 'e19', at: 'r2', fromRow: 1, layers: 2 });
    expect(a).toMatchObject({ label: 'e38', at: 'e19', fromRow: 2, finalRank: 1 });
    const seen = readLens(
      run([], [], { lens: { cot: msg }, examples: [{ split: 'oodTwoHop', label: 'OOD test multi-hop', prompt: [3, 42, 42], text: 'e3 r2 r2' }] }),
      {},
    );
    expect(step('inside').measured({ main: run([], []), phases: [], seen })).toEqual([
      'OOD test query e3 r2 r2 (step 40): the bridge e19, read at r2, is the top guess from layer 1 of 2 on. Then the answer e38, read at the written bridge e19, is the top guess from layer 2 of 2 on.',
    ]);
  });
});

describe('the parity chapter quotes what the page measured', () => {
  const parity = taskDefaults('parity');
  const prow = (step: number, test: number, train: number): MetricRow => ({ step, loss: null, acc: { test, train }, answerAcc: { test, train } });
  const prun = (cot: MetricRow[], direct: MetricRow[], extra: Partial<RunView> = {}) => run(cot, direct, { config: parity, totalSteps: 400, ...extra });
  const pstep = (id: string) => PARITY_STEPS.find((s) => s.id === id)!;

  it('waits for CoT to pass 0.9 on unseen strings, and quotes both arms on unseen and training strings', () => {
    const chance = pstep('chance');
    const cot = [prow(0, 0, 0), prow(100, 0.6, 0.6), prow(200, 0.95, 0.97)];
    const direct = [prow(0, 0, 0), prow(100, 0.5, 0.52), prow(200, 0.49, 0.53)];
    expect(chance.wait!.done(ctx(prun(cot.slice(0, 2), direct.slice(0, 2))))).toBeNull();
    expect(chance.wait!.done(ctx(prun(cot, direct)))).toBe('CoT passed 0.9 on unseen strings at step 200 (0.95); direct is at 0.49.');
    expect(chance.measured(ctx(prun(cot, direct)))).toEqual([
      'CoT at step 200: 0.95 on unseen strings, 0.97 on its training strings.',
      'Direct at step 200: 0.49 on unseen strings, 0.53 on its training strings.',
    ]);
  });

  it('runs a memorising phase and quotes the direct arm on its training and unseen strings', () => {
    const memorise = pstep('memorise');
    expect(memorise.phases?.[0].preset).toEqual({ bits: 8, trainSize: 100, steps: 800 });
    expect(memorise.wait!.done(ctx(prun([], []), [null]))).toBeNull();
    const done = prun([prow(800, 1, 1)], [prow(800, 0.28, 1)], { status: 'done', live: false });
    expect(memorise.wait!.done(ctx(prun([], []), [done]))).toBe('Direct ended at 1.00 on its training strings and 0.28 on unseen ones.');
  });
});

describe('what the tour points at', () => {
  it('is found by data-tour anchors that the views set, never by test ids', () => {
    const tsx = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsx(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));
    const set = new Set(
      tsx(join(__dirname, '../views')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/data-tour(?:="|'?: ')([^"']+)["']/g)].map((m) => m[1])),
    );
    const named = TOURS.flatMap((t) => t.steps).flatMap((s) => [...s.target, ...(s.also ? [s.also.target] : [])]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((a) => !set.has(a))).toEqual([]);
    expect(readFileSync(join(__dirname, 'Story.tsx'), 'utf8')).not.toMatch(/querySelector[^(]*\([^)]*data-testid/);
  });
});
