/**
 * Chrome trace helpers for the UI benchmark (bench/ui.ts) and bench/measureTraining.ts (no vitest imports here).
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
  /**
   * Where the task's CPU time went, without double counting: each event's own CPU time (its thread time less its
   * children's) summed by kind (cpuKind: script, GC, style, layout, paint, postMessage, other), largest first.
   */
  cpuParts: [string, number][];
}

/** The kind of work a main-thread trace event is, for MainTask.cpuParts. */
export function cpuKind(name: string): string {
  if (/^(MinorGC|MajorGC|V8\.GC|BlinkGC|CppGC)/.test(name)) return 'GC';
  if (/^(FunctionCall|EvaluateScript|RunMicrotasks|v8\.|V8\.)/.test(name)) return 'script';
  if (name === 'UpdateLayoutTree' || name === 'RecalculateStyles' || name === 'ParseAuthorStyleSheet') return 'style';
  if (name === 'Layout') return 'layout';
  if (/^(PrePaint|Paint|Layerize|Commit|UpdateLayer|CompositeLayers|Decode|Rasterize)/.test(name)) return 'paint';
  if (name === 'HandlePostMessage') return 'postMessage';
  return 'other';
}

/**
 * The tasks of the renderer main thread that marked `mark` (performance.mark), from the mark on; the parts of
 * those over `partsOverMs` of wall time (default 50; 0: of every task).
 */
export function mainThreadTasks(trace: Trace, mark: string, partsOverMs = 50): MainTask[] {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const m = events.find((e) => e.name === mark && e.ph !== 'M');
  if (!m) return [];
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === m.pid);
  const tid = main?.tid ?? m.tid;
  const mine = events.filter((e) => e.pid === m.pid && e.tid === tid && e.ph === 'X' && e.ts >= m.ts);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  const byStart = [...mine].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0)); // a parent before its children
  /** Index of the first event of byStart that starts at or after ts. */
  const firstFrom = (ts: number) => {
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid].ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return tasks.map((t) => {
    const end = t.ts + (t.dur ?? 0);
    const parts = new Map<string, number>();
    const cpuParts = new Map<string, number>();
    if ((t.dur ?? 0) > partsOverMs * 1000) {
      const open: TraceEvent[] = []; // the events enclosing the current one, outermost first
      for (let i = firstFrom(t.ts); i < byStart.length && byStart[i].ts <= end; i++) {
        const e = byStart[i];
        const eEnd = e.ts + (e.dur ?? 0);
        if (eEnd > end) continue;
        while (open.length && open[open.length - 1].ts + (open[open.length - 1].dur ?? 0) < eEnd) open.pop();
        const cpu = (e.tdur ?? 0) / 1000;
        cpuParts.set(cpuKind(e.name), (cpuParts.get(cpuKind(e.name)) ?? 0) + cpu);
        const parent = open[open.length - 1];
        if (parent) cpuParts.set(cpuKind(parent.name), (cpuParts.get(cpuKind(parent.name)) ?? 0) - cpu);
        open.push(e);
        if (e === t || /RunTask|FunctionCall|EvaluateScript|mojo|V8\./.test(e.name)) continue;
        parts.set(e.name, (parts.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      }
    }
    return {
      wall: (t.dur ?? 0) / 1000,
      cpu: (t.tdur ?? 0) / 1000,
      at: (t.ts - m.ts) / 1e6,
      parts: [...parts].sort((a, b) => b[1] - a[1]).slice(0, 4),
      cpuParts: [...cpuParts].filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]),
    };
  });
}

/** "cpu/wall ms @ s" of the tasks with the most CPU time, for logs. */
export function describeTasks(tasks: MainTask[], n = 6): string {
  return [...tasks]
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, n)
    .map(
      (t) =>
        `${Math.round(t.cpu)}/${Math.round(t.wall)}@${t.at.toFixed(1)}s${t.parts.length ? ` (${t.parts.map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')})` : ''}`,
    )
    .join('; ');
}
