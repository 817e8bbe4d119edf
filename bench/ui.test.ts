import { describe, expect, it } from 'vitest';
import { mainThreadTasks, type MainTask, type TraceEvent } from './chromeTrace';
import { formatUiReport, percentile, summarizeTasks, TARGET_CPU_MS, type UiBenchJson } from './ui';

const task = (cpu: number, wall: number, at = 1): MainTask => ({
  cpu,
  wall,
  at,
  parts: cpu > 50 ? [['Layout', cpu / 2]] : [],
  cpuParts: [
    ['script', cpu * 0.75],
    ['layout', cpu / 4],
  ],
});

describe('npm run bench -- --ui: figures', () => {
  it('nearest-rank percentiles', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(s, 50), percentile(s, 95), percentile(s, 100)]).toEqual([50, 95, 100]);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 95)).toBe(0);
  });

  it('counts tasks over 50 and 100 ms by CPU and by wall time; the target is met or missed, never an error', () => {
    const tasks = [task(1, 2), task(2, 60), task(60, 120), task(30, 40), task(120, 300, 4.2)];
    const r = summarizeTasks(tasks, [60, 120, 300]);
    expect(r.tasks).toBe(5);
    expect(r.over50Ms).toEqual({ cpu: 2, wall: 3 });
    expect(r.over100Ms).toEqual({ cpu: 1, wall: 2 });
    expect(r.taskCpuMs).toEqual({ p50: 30, p95: 120, max: 120 });
    expect(r.top.map((t) => t.cpuMs)).toEqual([120, 60, 30, 2, 1]);
    expect(r.longTasks).toEqual({ count: 3, maxMs: 300, top: [300, 120, 60] });
    expect(r.target).toEqual({ cpuMs: TARGET_CPU_MS, met: false });
    expect(summarizeTasks([task(20, 400)], []).target.met).toBe(true); // wall time is not the target
  });

  it('prints one column per backend, the target beside the measurement, and the top tasks with their parts', () => {
    const figures = summarizeTasks([task(5, 9), task(120, 300, 4.2)], [300]);
    const result = {
      command: 'npm run bench -- --ui --browser=wasm',
      date: '2026-01-01T00:00:00.000Z',
      machine: '2 × test cpu, load average 1.00 1.00 1.00',
      chromium: '150.0',
      webgpuAdapter: 'google swiftshader',
      webglRenderer: null,
      targetCpuMs: TARGET_CPU_MS,
      backends: {
        wasm: {
          backend: 'wasm',
          note: null,
          url: '/?',
          steps: 300,
          trainWallS: 12.3,
          ...figures,
          pause: { atStep: 100, clickToPausedMs: 42, clickToFrameMs: 50 },
          loadAverage: { start: [1, 1, 1], end: [2, 1, 1] },
        },
        webgpu: {
          backend: 'webgpu',
          note: 'SwiftShader: a CPU emulation, not a GPU',
          url: '/?',
          steps: 12,
          trainWallS: 30,
          ...summarizeTasks([task(3, 4)], []),
          pause: { atStep: 4, clickToPausedMs: 900, clickToFrameMs: 950 },
          loadAverage: { start: [1, 1, 1], end: [1, 1, 1] },
        },
      },
    } satisfies UiBenchJson;
    const text = formatUiReport(result);
    expect(text).toMatch(/\| +\| wasm +\| webgpu \(SwiftShader: a CPU emulation, not a GPU\) \|/);
    expect(text).toMatch(/target ≤ 100 ms CPU per task +\| missed \(max 120 ms\) +\| met \(max 3\.0 ms\)/);
    expect(text).toMatch(/tasks > 100 ms: CPU \/ wall +\| 1 \/ 1 /);
    expect(text).toMatch(/Pause: click → "Paused" \(→ next frame\) ms +\| 42 \(50\) at step 100/);
    expect(text).toMatch(/120 \/ 300 @ 4\.2 s: script 90, layout 30; Layout 60/);
  });

  it('a trace task: its own CPU time by kind, children subtracted from their parents (no double counting)', () => {
    const x = (name: string, ts: number, dur: number, tdur: number): TraceEvent => ({ name, ph: 'X', pid: 1, tid: 7, ts, dur, tdur });
    const trace = [
      { name: 'thread_name', ph: 'M', pid: 1, tid: 7, ts: 0, args: { name: 'CrRendererMain' } },
      { name: 'play', ph: 'R', pid: 1, tid: 7, ts: 100 },
      x('RunTask', 1000, 90_000, 40_000), // 90 ms wall, 40 ms CPU
      x('FireAnimationFrame', 1000, 60_000, 30_000),
      x('FunctionCall', 1100, 50_000, 25_000),
      x('MinorGC', 2000, 10_000, 5000),
      x('Layout', 70_000, 5000, 4000),
      x('RunTask', 100_000, 1000, 500),
    ];
    const [big, small] = mainThreadTasks(trace, 'play', 0);
    expect(big).toMatchObject({ wall: 90, cpu: 40, at: 0.0009 });
    expect(Object.fromEntries(big.cpuParts)).toEqual({ script: 20, other: 11, GC: 5, layout: 4 });
    expect(big.parts).toEqual([
      ['FireAnimationFrame', 60],
      ['MinorGC', 10],
      ['Layout', 5],
    ]);
    expect(small.cpuParts).toEqual([['other', 0.5]]);
    expect(mainThreadTasks(trace, 'play')[1].cpuParts).toEqual([]); // parts only of tasks over 50 ms by default
  });
});
