/**
 * Chrome trace helpers for the browser tests and tests/e2e/measureTraining.ts (no vitest imports here).
 *
 *   await browser.startTracing(page, { categories: TRACE_CATEGORIES });
 *   await page.evaluate(() => performance.mark('play'));
 *   …
 *   const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString()), 'play');
 *
 * Each task of the page's main thread after the mark comes with its wall time and its thread CPU time. The
 * Long Tasks API reports wall time, which on a machine shared with other busy processes grows with the load
 * (the thread waits for a core); CPU time measures the page's own work.
 */
export const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}
export type Trace = { traceEvents: TraceEvent[] } | TraceEvent[];

export interface MainTask {
  /** Wall time, ms. */
  wall: number;
  /** Thread CPU time, ms. */
  cpu: number;
  /** Start, seconds after the mark. */
  at: number;
  /** The largest parts inside the task (name → wall ms), e.g. Layout, MinorGC, FireAnimationFrame. */
  parts: [string, number][];
}

/** The tasks of the renderer main thread that marked `mark` (performance.mark), from the mark on. */
export function mainThreadTasks(trace: Trace, mark: string): MainTask[] {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const m = events.find((e) => e.name === mark && e.ph !== 'M');
  if (!m) return [];
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === m.pid);
  const tid = main?.tid ?? m.tid;
  const mine = events.filter((e) => e.pid === m.pid && e.tid === tid && e.ph === 'X' && e.ts >= m.ts);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  return tasks.map((t) => {
    const end = t.ts + (t.dur ?? 0);
    const parts = new Map<string, number>();
    if ((t.dur ?? 0) > 50_000) {
      for (const e of mine) {
        if (e === t || e.ts < t.ts || e.ts + (e.dur ?? 0) > end || /RunTask|FunctionCall|EvaluateScript|mojo|V8\./.test(e.name)) continue;
        parts.set(e.name, (parts.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      }
    }
    return {
      wall: (t.dur ?? 0) / 1000,
      cpu: (t.tdur ?? 0) / 1000,
      at: (t.ts - m.ts) / 1e6,
      parts: [...parts].sort((a, b) => b[1] - a[1]).slice(0, 4),
    };
  });
}

/** "cpu/wall ms @ s" of the tasks with the most CPU time, for logs. */
export function describeTasks(tasks: MainTask[], n = 6): string {
  return [...tasks]
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, n)
    .map((t) => `${Math.round(t.cpu)}/${Math.round(t.wall)}@${t.at.toFixed(1)}s${t.parts.length ? ` (${t.parts.map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')})` : ''}`)
    .join('; ');
}
