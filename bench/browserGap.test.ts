import { describe, expect, it } from 'vitest';
import { cpuBetween } from './browserGap';
import { armFigures, cpuEfficiency, findGap, formatGapReport, gapReport, type PageLog } from './browserGapReport';

const ev = (arm: 'cot' | 'direct', step: number, headline: number | null, t: number, trainRate = 5, oodAtomic = 1, chance = 0): PageLog['evals'][number] => ({
  arm,
  step,
  headline,
  prerequisites: [1, oodAtomic],
  chance,
  sample: null,
  trainRate,
  t,
});

/** A run: Play at 1 s; each arm 10 steps per wall second from 2 s; evaluations every 100 steps taking 0.5 s. */
function fakeLog(): PageLog {
  const log: PageLog = {
    play: 1000,
    evals: [],
    progress: { cot: [], direct: [] },
    losses: { cot: [], direct: [] },
    mechanism: [],
    backends: [
      { arm: 'cot', backend: 'wasm', fallbacks: ['webgpu: only a software WebGPU adapter, slower than wasm'] },
      { arm: 'direct', backend: 'wasm', fallbacks: ['webgpu: only a software WebGPU adapter, slower than wasm'] },
    ],
    messages: { progress: { count: 120, bytes: 0 }, attention: { count: 4, bytes: 4096 } },
    longTasks: [
      { t: 500, d: 300 },
      { t: 5000, d: 70 },
    ],
    headline: { t: 62_400, text: 'OOD two-hop: CoT 0.93 vs Direct 0.01' },
  };
  const ood = { cot: [0, 0.2, 0.5, 0.85, 0.88, 0.93, 0.95], direct: [0, 0, 0.01, 0.02, 0.05, 0.01, 0.08] };
  for (const arm of ['cot', 'direct'] as const) {
    for (let s = 1; s <= 600; s++) log.progress[arm].push([s, 2000 + s * 100]);
    for (let s = 10; s <= 600; s += 10) log.losses[arm].push([s, 2000 + s * 100 + 1]);
    for (let k = 1; k <= 6; k++) {
      const t = 2000 + k * 10_000 + 501 + (arm === 'cot' ? 10 : 0);
      // the direct arm knows its OOD atomic facts (≥ 0.9) from step 600
      log.evals.push(ev(arm, k * 100, ood[arm][k], t, 12.5, arm === 'direct' && k < 6 ? 0.5 : 0.97));
      log.mechanism.push({ arm, step: k * 100, lensMs: 100, traceMs: k === 3 ? 400 : 0, t: t + 150 });
    }
  }
  return log;
}

describe('bench --browser --gap: the figures from what the page saw', () => {
  it('the gap: the first step both arms evaluated with CoT OOD ≥ 0.9 and direct ≤ 0.1, when the later row came', () => {
    const log = fakeLog();
    expect(findGap(log.evals)).toEqual({ step: 500, t: 52_511, cotHeadline: 0.93, directHeadline: 0.01, directPrerequisites: [1, 0.5] });
    // informed: the direct arm must know its facts too (from step 600)
    expect(findGap(log.evals, true)).toEqual({ step: 600, t: 62_511, cotHeadline: 0.95, directHeadline: 0.08, directPrerequisites: [1, 0.97] });
    // CoT above 0.9 but direct above 0.1 at that step: no gap there
    expect(findGap([ev('cot', 100, 0.95, 10), ev('direct', 100, 0.2, 11), ev('cot', 200, 0.91, 20)])).toBe(null);
    // direct's row not in yet: not yet
    expect(findGap([ev('cot', 100, 0.95, 10)])).toBe(null);
    expect(findGap([ev('cot', 200, 0.95, 30), ev('direct', 200, 0, 25), ev('direct', 100, 0, 12), ev('cot', 100, 0.9, 15)])).toEqual({
      step: 100,
      t: 15,
      cotHeadline: 0.9,
      directHeadline: 0,
      directPrerequisites: [1, 1],
    });
    expect(findGap([ev('cot', 100, null, 10), ev('direct', 100, null, 11)])).toBe(null);
    // a headline whose answers can be guessed half the time (parity): the direct arm near chance is the gap
    expect(findGap([ev('cot', 100, 0.97, 10, 5, 1, 0.5), ev('direct', 100, 0.55, 11, 5, 1, 0.5)])?.step).toBe(100);
    expect(findGap([ev('cot', 100, 0.97, 10, 5, 1, 0.5), ev('direct', 100, 0.75, 11, 5, 1, 0.5)])).toBe(null);
  });

  it("an arm's wall pace and where its time went: training, evaluations, mechanism, the rest", () => {
    const a = armFigures(fakeLog(), 'cot', 52_511)!;
    // steps 1 … 505 (the last progress before the gap's row, 100 ms apart), from the first step to the end
    expect(a.steps).toBe(504);
    expect(a.wallS).toBeCloseTo(50.411, 6);
    expect(a.wallStepsPerSec).toBeCloseTo(10, 1);
    expect(a.trainStepsPerSec).toBe(12.5);
    expect(a.evaluations).toBe(5);
    expect(a.evalS).toBeCloseTo(5 * 0.51, 6); // loss report at t+1, eval row 510 ms later
    expect(a.mechanismS).toBeCloseTo(4 * 0.1 + 0.4, 6); // the mechanism record of step 500 came after the end
    expect(a.share.train).toBeCloseTo(504 / 12.5 / 50.411, 6);
    expect(a.share.train + a.share.eval + a.share.mechanism + a.share.other).toBeCloseTo(1, 6);
    expect(armFigures({ ...fakeLog(), progress: { cot: [], direct: [] } }, 'cot', 1e9)).toBe(null);
  });

  it('the report: times from Play, navigation to the first step, the backend, the ratio to Node alone; and its text', () => {
    const r = gapReport(fakeLog(), {
      command: 'npm run bench -- --browser --gap',
      date: '2026-12-01T00:00:00.000Z',
      machine: '2 × cpu',
      chromium: '150',
      url: 'http://127.0.0.1:1/',
      node: { cot: 12.5, direct: 20 },
      nodeCpuPerStep: { cot: 0.08, direct: 0.05 },
      cpuS: { mainThread: 3, workers: [50, 48], otherRenderer: 1, wallS: 52 },
      loadAverage: { start: [1, 1, 1], end: [2, 2, 2] },
      end: 70_000,
    });
    expect(r).toMatchObject({
      reached: true,
      playToGapS: 51.511,
      playToHeadlineS: 61.4,
      navigationToPlayS: 1,
      navigationToFirstStepS: 2.1,
      backend: 'wasm',
      backendNotes: ['webgpu: only a software WebGPU adapter, slower than wasm'],
      last: { cot: { step: 500, headline: 0.93 }, direct: { step: 500, headline: 0.01 } },
      longTasks: { count: 1, maxMs: 70 },
      targets: { seconds: 90, stretch: 45, vsNode: 0.9 },
    });
    expect(r.playToFirstStepS).toBeCloseTo(1.1, 6);
    expect(r.vsNode?.cot?.wall).toBeCloseTo(10 / 12.5, 2);
    expect(r.vsNode?.cot?.train).toBe(1);
    expect(r.vsNode?.direct?.train).toBeCloseTo(12.5 / 20, 6);
    const text = formatGapReport(r);
    expect(text).toMatch(/Play → the gap: 51\.5 s \(step 500: headline CoT 0\.930, direct 0\.010\); target ≤ 90 s, stretch ≤ 45 s: target met/);
    expect(text).toMatch(
      /Play → the informed gap \(the direct arm also knows its prerequisites, each ≥ 0\.9\): 61\.5 s \(step 600: direct prerequisites 1\.000, 0\.970\)/,
    );
    expect(text).toMatch(/cot {4}10\.00 steps\/s wall, 12\.50 training only; Node alone 12\.50 → 0\.80× wall, 1\.00× training only \(target ≥ 0\.9\)/);
    expect(text).toMatch(/backend: wasm \(webgpu: only a software WebGPU adapter/);
    expect(text).toMatch(/main thread 3\.0, workers 50\.0 \+ 48\.0/);
    // Node's CPU for the steps made by the CPU reading (end = 70 s: each arm's last progress, step 600) over the
    // workers' 98 CPU seconds, not for the steps made by the gap (504)
    expect(r.stepsAtCpuReading).toEqual({ cot: 600, direct: 600 });
    expect(r.cpuEfficiencyVsNode).toBeCloseTo((600 * 0.08 + 600 * 0.05) / 98, 6);
    expect(text).toMatch(
      /per CPU second \(load does not skew it\): the workers made their steps at 0\.\d\d× the efficiency of Node training alone \(Node: 80 ms CPU per CoT step, 50 per direct step; steps to the CPU reading: CoT 600, direct 600;/,
    );

    // not reached: how far it got, up to the end of the run
    const log = fakeLog();
    log.evals = log.evals.filter((e) => e.step <= 300);
    const miss = gapReport(log, { ...r, node: null, nodeCpuPerStep: null, end: 70_000 });
    expect(miss).toMatchObject({
      reached: false,
      playToGapS: null,
      gap: null,
      vsNode: null,
      cpuEfficiencyVsNode: null,
      last: { cot: { step: 300, headline: 0.85 } },
    });
    expect(formatGapReport(miss)).toMatch(/gap not reached: last evaluations CoT step 300 headline 0\.850, direct step 300 headline 0\.020/);
  });

  it('CPU efficiency needs both arms, Node per-step figures and two worker threads', () => {
    const steps = { cot: 500, direct: 700 };
    const cpu = { mainThread: 1, workers: [30, 20], otherRenderer: 0, wallS: 50 };
    expect(cpuEfficiency(steps, { cot: 0.05, direct: 0.03 }, cpu)).toBeCloseTo((500 * 0.05 + 700 * 0.03) / 50, 6);
    expect(cpuEfficiency(steps, null, cpu)).toBe(null);
    expect(cpuEfficiency(steps, { cot: 0.05, direct: 0.05 }, { ...cpu, workers: [30] })).toBe(null);
    expect(cpuEfficiency(null, { cot: 0.05, direct: 0.05 }, cpu)).toBe(null);
  });

  it("the page's renderer's CPU: its main thread, each training worker, the rest; other renderers left out", () => {
    const a = new Map([
      ['1/1 chromium', 1],
      ['1/2 DedicatedWorker', 0],
      ['1/3 DedicatedWorker', 0],
      ['1/4 Compositor', 0.5],
      ['9/9 chromium', 0],
    ]);
    const b = new Map([
      ['1/1 chromium', 3.5],
      ['1/2 DedicatedWorker', 40],
      ['1/3 DedicatedWorker', 45],
      ['1/4 Compositor', 1],
      ['1/5 DedicatedWorker', 0.01],
      ['9/9 chromium', 20],
      ['9/10 DedicatedWorker', 5],
    ]);
    expect(cpuBetween(a, b, 50)).toEqual({ mainThread: 2.5, workers: [45, 40], otherRenderer: 0.5, machine: null, wallS: 50 });
    expect(cpuBetween(a, b, 50, 97).machine).toBe(97);
  });
});
