import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../experiment/domain';
import { DEFAULT_CONFIG, taskDefaults } from '../experiment/schema';
import type { LensMessage } from '../store/reduce';
import { commonStep, firstReaching, lensReadings, peakRow } from './measure';
import { GAP_THRESHOLD, STEPS, paceText, readLens, tourApplies, tourSplits, tourUnavailable, type RunView, type StoryContext } from './steps';

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

  it('is offered for the knowledge graph only, and reads its split ids through the task', () => {
    expect(tourApplies(DEFAULT_CONFIG)).toBe(true);
    expect(tourUnavailable(DEFAULT_CONFIG)).toBeNull();
    expect(tourSplits(DEFAULT_CONFIG)).toEqual({ headline: 'oodTwoHop', test: 'idTwoHop', firstFacts: 'idAtomic', secondFacts: 'oodAtomic' });
    const parity = taskDefaults('parity');
    expect(tourApplies(parity)).toBe(false);
    expect(tourUnavailable(parity)).toMatch(/^The tour is about the Knowledge graph \(k-hop\) task; this experiment's task is Parity of n bits\./);
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

describe('what the tour points at', () => {
  it('is found by data-tour anchors that the views set, never by test ids', () => {
    const tsx = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsx(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));
    const set = new Set(tsx(join(__dirname, '../views')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/data-tour="([^"]+)"/g)].map((m) => m[1])));
    const named = STEPS.flatMap((s) => [...s.target, ...(s.also ? [s.also.target] : [])]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((a) => !set.has(a))).toEqual([]);
    expect(readFileSync(join(__dirname, 'Story.tsx'), 'utf8')).not.toMatch(/querySelector[^(]*\([^)]*data-testid/);
  });
});
