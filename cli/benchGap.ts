/**
 * `npm run bench -- --browser --gap [--seed N] [--link L] [--json FILE]`: time to the gap in the real playground.
 * Builds the app (vite build into a temporary folder), serves it with vite preview, opens it in headless Chromium
 * (tests/e2e/chromium.ts: Debian's /usr/bin/chromium, the browser tests' flags), presses Play as soon as it is
 * enabled and lets both arms train in their workers, as a user runs them (backend `auto` unless --browser=B).
 * A wrapped Worker constructor records, on the page's side, every message the training workers send the store
 * (evaluation rows, progress, losses, mechanism records; counts and typed-array bytes per type), the Long Tasks
 * API runs, and the OOD headline is read every 250 ms. The run stops at the first evaluation step at which CoT
 * OOD two-hop ≥ 0.9 and direct ≤ 0.1 (both arms' rows in), or when training ends.
 *
 * Reports: Play → that evaluation (and → the headline showing it), per-arm steps/s while both train (wall, and the
 * worker's training-only figure), where the rest of each arm's wall time went (evaluations, mechanism
 * measurements, the remainder: looks inside, yields, messages), navigation → Play enabled → first step, the
 * backend (and auto's race, if one ran), message volume, the CPU seconds of the page's main thread and of each
 * worker thread (/proc), the load average; and beside it, measured in this process first, Node alone on the same
 * preset (each arm on its own, wasm, relaxed SIMD) with the browser's ratio to it (target ≥ 0.9).
 * BENCH_GAP_LOG=<file> also writes everything the page recorded (PageLog) there.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Config } from '../src/experiment/schema';
import { CHROMIUM_ARGS, rendererThreads } from '../tests/e2e/chromium';
import { withServedBuild } from './servedBuild';

export const GAP_COT = 0.9;
export const GAP_DIRECT = 0.1;
type ArmName = 'cot' | 'direct';
const ARMS: ArmName[] = ['cot', 'direct'];

/** What the page recorded (times: performance.now() of the page, ms since navigation start). */
export interface PageLog {
  /** The first click on Play. */
  play: number | null;
  evals: { arm: ArmName; step: number; ood: number | null; sample: number | null; trainRate: number; t: number }[];
  /** Progress (throttled by the worker to one per 100 ms) and loss reports: [step, t]. */
  progress: Record<ArmName, [number, number][]>;
  losses: Record<ArmName, [number, number][]>;
  mechanism: { arm: ArmName; step: number; lensMs: number; traceMs: number; t: number }[];
  backends: { arm: ArmName; backend: string; fallbacks: string[] }[];
  messages: Record<string, { count: number; bytes: number }>;
  longTasks: { t: number; d: number }[];
  /** The OOD headline's numbers when they first showed the gap. */
  headline: { t: number; text: string } | null;
}

export interface Gap {
  step: number;
  /** When the later of the two arms' rows for `step` reached the page. */
  t: number;
  cotOod: number;
  directOod: number;
}

/** The first step evaluated in both arms with CoT OOD ≥ 0.9 and direct OOD ≤ 0.1; null if none yet. */
export function findGap(evals: PageLog['evals']): Gap | null {
  const direct = new Map(evals.filter((e) => e.arm === 'direct').map((e) => [e.step, e]));
  let best: Gap | null = null;
  for (const c of evals) {
    if (c.arm !== 'cot' || c.ood === null || c.ood < GAP_COT) continue;
    const d = direct.get(c.step);
    if (!d || d.ood === null || d.ood > GAP_DIRECT) continue;
    if (!best || c.step < best.step) best = { step: c.step, t: Math.max(c.t, d.t), cotOod: c.ood, directOod: d.ood };
  }
  return best;
}

export interface ArmFigures {
  /** Steps per wall second from its first training step to the end of the window. */
  wallStepsPerSec: number;
  /** The worker's own figure at its last evaluation in the window (training steps only, no evaluation). */
  trainStepsPerSec: number | null;
  steps: number;
  wallS: number;
  /** Shares of the arm's wall time: training steps, evaluations, mechanism measurements, the rest. */
  share: { train: number; eval: number; mechanism: number; other: number };
  evaluations: number;
  evalS: number;
  mechanismS: number;
}

/**
 * One arm's figures over [its first step, `end`]: wall steps/s from the progress reports (one per 100 ms at most); evaluation time as
 * the time from the loss report ending at an evaluated step to that step's evaluation row (the worker reads the
 * losses back, then evaluates); mechanism time as the worker measured it.
 */
export function armFigures(log: PageLog, arm: ArmName, end: number): ArmFigures | null {
  const progress = log.progress[arm].filter(([s, t]) => s >= 1 && t <= end);
  if (progress.length < 2) return null;
  const [s0, t0] = progress[0];
  const s1 = progress[progress.length - 1][0];
  // an arm that finished before `end` stops counting at its last evaluation
  const busyUntil = Math.max(progress[progress.length - 1][1], ...log.evals.filter((e) => e.arm === arm && e.t <= end).map((e) => e.t));
  end = Math.min(end, busyUntil);
  const wallS = (end - t0) / 1000;
  const steps = s1 - s0;
  const evals = log.evals.filter((e) => e.arm === arm && e.t > t0 && e.t <= end);
  let evalMs = 0;
  for (const e of evals) {
    const loss = log.losses[arm].find(([s, t]) => s === e.step && t <= e.t);
    if (loss) evalMs += e.t - loss[1];
  }
  const mechanismMs = log.mechanism.filter((m) => m.arm === arm && m.t > t0 && m.t <= end).reduce((a, m) => a + m.lensMs + m.traceMs, 0);
  const trainStepsPerSec = evals.at(-1)?.trainRate ?? null;
  const trainS = trainStepsPerSec ? steps / trainStepsPerSec : 0;
  const w = wallS > 0 ? wallS : 1;
  const share = {
    train: trainS / w,
    eval: evalMs / 1000 / w,
    mechanism: mechanismMs / 1000 / w,
    other: Math.max(0, 1 - (trainS + evalMs / 1000 + mechanismMs / 1000) / w),
  };
  return {
    wallStepsPerSec: wallS > 0 ? steps / wallS : 0,
    trainStepsPerSec,
    steps,
    wallS,
    share,
    evaluations: evals.length,
    evalS: evalMs / 1000,
    mechanismS: mechanismMs / 1000,
  };
}

export interface GapBenchJson {
  command: string;
  date: string;
  machine: string;
  chromium: string;
  url: string;
  /** The backend each worker reported, and what it said (auto's race, skipped backends). */
  backend: string;
  backendNotes: string[];
  reached: boolean;
  /** Play → the gap's evaluation rows on the page; null when not reached. */
  playToGapS: number | null;
  /** Play → the OOD headline showing CoT ≥ 0.90 and direct ≤ 0.10. */
  playToHeadlineS: number | null;
  gap: Gap | null;
  /** The last evaluation of each arm (when the gap was not reached, how far it got). */
  last: Record<ArmName, { step: number; ood: number | null } | null>;
  navigationToPlayS: number;
  navigationToFirstStepS: number | null;
  playToFirstStepS: number | null;
  arms: Record<ArmName, ArmFigures | null>;
  /** Node alone, this process, before the browser run: training steps/s of each arm on its own (wasm). */
  node: Record<ArmName, number> | null;
  /** Browser steps/s over Node alone's, per arm: wall, and training-only. Target ≥ 0.9. */
  vsNode: Record<ArmName, { wall: number; train: number | null } | null> | null;
  /** Node alone's CPU seconds per training step of each arm (process CPU time while it trained). */
  nodeCpuPerStep: Record<ArmName, number> | null;
  /**
   * The same comparison per CPU second, which a loaded machine does not skew: the CPU seconds Node alone would
   * spend on the steps both workers made (training only) over what the two worker threads spent on them (with
   * their evaluations, mechanism measurements, looks inside); 1 = as efficient as Node training alone.
   */
  cpuEfficiencyVsNode: number | null;
  messages: Record<string, { count: number; bytes: number }>;
  longTasks: { count: number; maxMs: number };
  /** CPU seconds of the page's renderer's threads from Play to the gap (or the end), from /proc. */
  cpuS: { mainThread: number; workers: number[]; otherRenderer: number; wallS: number } | null;
  loadAverage: { start: number[]; end: number[] };
  targets: { seconds: number; stretch: number; vsNode: number };
}

export const TARGETS = { seconds: 90, stretch: 45, vsNode: 0.9 };

/** The JSON report from what the page logged (times in ms of the page's clock). */
export function gapReport(
  log: PageLog,
  meta: Pick<GapBenchJson, 'command' | 'date' | 'machine' | 'chromium' | 'url' | 'node' | 'nodeCpuPerStep' | 'cpuS' | 'loadAverage'> & { end: number },
): GapBenchJson {
  const gap = findGap(log.evals);
  const play = log.play ?? 0;
  const end = gap?.t ?? meta.end;
  const arms = { cot: armFigures(log, 'cot', end), direct: armFigures(log, 'direct', end) };
  const first = Math.min(...ARMS.map((a) => log.progress[a].find(([s]) => s >= 1)?.[1] ?? Infinity));
  const lastOf = (arm: ArmName) => {
    const e = log.evals.filter((x) => x.arm === arm && x.t <= end).at(-1);
    return e ? { step: e.step, ood: e.ood } : null;
  };
  const names = [...new Set(log.backends.map((b) => b.backend))];
  const ratio = (arm: ArmName) => {
    const a = arms[arm];
    const n = meta.node?.[arm];
    if (!a || !n) return null;
    return { wall: a.wallStepsPerSec / n, train: a.trainStepsPerSec === null ? null : a.trainStepsPerSec / n };
  };
  return {
    command: meta.command,
    date: meta.date,
    machine: meta.machine,
    chromium: meta.chromium,
    url: meta.url,
    backend: names.join(' / ') || 'unknown',
    backendNotes: [...new Set(log.backends.flatMap((b) => b.fallbacks))],
    reached: gap !== null,
    playToGapS: gap ? (gap.t - play) / 1000 : null,
    playToHeadlineS: log.headline ? (log.headline.t - play) / 1000 : null,
    gap,
    last: { cot: lastOf('cot'), direct: lastOf('direct') },
    navigationToPlayS: play / 1000,
    navigationToFirstStepS: Number.isFinite(first) ? first / 1000 : null,
    playToFirstStepS: Number.isFinite(first) ? (first - play) / 1000 : null,
    arms,
    node: meta.node,
    vsNode: meta.node ? { cot: ratio('cot'), direct: ratio('direct') } : null,
    nodeCpuPerStep: meta.nodeCpuPerStep,
    cpuEfficiencyVsNode: cpuEfficiency(arms, meta.nodeCpuPerStep, meta.cpuS),
    messages: log.messages,
    longTasks: { count: log.longTasks.filter((l) => l.t >= play).length, maxMs: Math.max(0, ...log.longTasks.filter((l) => l.t >= play).map((l) => l.d)) },
    cpuS: meta.cpuS,
    loadAverage: meta.loadAverage,
    targets: TARGETS,
  };
}

/** Node's CPU seconds for the workers' steps over the workers' CPU seconds (the two busiest worker threads). */
export function cpuEfficiency(arms: Record<ArmName, ArmFigures | null>, perStep: Record<ArmName, number> | null, cpu: GapBenchJson['cpuS']): number | null {
  if (!perStep || !cpu || !arms.cot || !arms.direct || cpu.workers.length < 2) return null;
  const spent = cpu.workers[0] + cpu.workers[1];
  return spent > 0 ? (arms.cot.steps * perStep.cot + arms.direct.steps * perStep.direct) / spent : null;
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pct = (x: number) => `${Math.round(100 * x)} %`;

export function formatGapReport(r: GapBenchJson): string {
  const out = [`Time to the gap in the playground (${r.command})`, `${r.date}; ${r.machine}; Chromium ${r.chromium}; ${r.url}`, ''];
  out.push(`backend: ${r.backend}${r.backendNotes.length ? ` (${r.backendNotes.join('; ')})` : ''}`);
  if (r.reached && r.gap) {
    const t = r.playToGapS ?? 0;
    const verdict = t <= r.targets.stretch ? 'stretch target met' : t <= r.targets.seconds ? 'target met' : 'target missed';
    out.push(
      `Play → the gap: ${f(t, 1)} s (step ${r.gap.step}: CoT OOD ${f(r.gap.cotOod, 3)}, direct ${f(r.gap.directOod, 3)}); ` +
        `target ≤ ${r.targets.seconds} s, stretch ≤ ${r.targets.stretch} s: ${verdict}`,
    );
    out.push(`Play → the OOD headline showing it: ${f(r.playToHeadlineS, 1)} s`);
  } else {
    out.push(
      `gap not reached: last evaluations CoT step ${r.last.cot?.step ?? '—'} OOD ${f(r.last.cot?.ood, 3)}, direct step ${r.last.direct?.step ?? '—'} OOD ${f(r.last.direct?.ood, 3)}`,
    );
  }
  out.push(
    `navigation → Play enabled (and pressed): ${f(r.navigationToPlayS)} s; → first training step: ${f(r.navigationToFirstStepS)} s (Play → first step ${f(r.playToFirstStepS)} s)`,
  );
  out.push('', 'per arm, while both train (from its first step to the gap):');
  for (const arm of ARMS) {
    const a = r.arms[arm];
    if (!a) {
      out.push(`  ${arm}: no figures`);
      continue;
    }
    const v = r.vsNode?.[arm];
    out.push(
      `  ${arm.padEnd(6)} ${f(a.wallStepsPerSec)} steps/s wall, ${f(a.trainStepsPerSec)} training only` +
        (r.node ? `; Node alone ${f(r.node[arm])} → ${f(v?.wall)}× wall, ${f(v?.train)}× training only (target ≥ ${r.targets.vsNode})` : ''),
    );
    out.push(
      `         ${a.steps} steps in ${f(a.wallS, 1)} s: training ${pct(a.share.train)}, ${a.evaluations} evaluations ${pct(a.share.eval)} (${f(a.evalS, 1)} s), ` +
        `mechanism ${pct(a.share.mechanism)} (${f(a.mechanismS, 1)} s), other ${pct(a.share.other)}`,
    );
  }
  const msgs = Object.entries(r.messages).sort((a, b) => b[1].count - a[1].count);
  out.push(
    '',
    `messages from the workers (count, typed-array KiB): ${msgs.map(([k, v]) => `${k} ${v.count}${v.bytes ? ` (${(v.bytes / 1024).toFixed(0)})` : ''}`).join(', ')}`,
  );
  out.push(`long tasks after Play: ${r.longTasks.count}, longest ${f(r.longTasks.maxMs, 0)} ms`);
  if (r.cpuS)
    out.push(
      `page's renderer, CPU s over ${f(r.cpuS.wallS, 1)} s wall: main thread ${f(r.cpuS.mainThread, 1)}, workers ${r.cpuS.workers.map((x) => f(x, 1)).join(' + ')}, other renderer threads ${f(r.cpuS.otherRenderer, 1)}`,
    );
  if (r.cpuEfficiencyVsNode !== null && r.nodeCpuPerStep)
    out.push(
      `per CPU second (load does not skew it): the workers made their steps at ${f(r.cpuEfficiencyVsNode)}× the efficiency of Node training alone ` +
        `(Node: ${f(1000 * r.nodeCpuPerStep.cot, 0)} ms CPU per CoT step, ${f(1000 * r.nodeCpuPerStep.direct, 0)} per direct step)`,
    );
  out.push(`load average (1/5/15 min): ${r.loadAverage.start.map((x) => x.toFixed(2)).join(' ')} → ${r.loadAverage.end.map((x) => x.toFixed(2)).join(' ')}`);
  return out.join('\n');
}

/** Init script: wraps Worker and records what the training workers tell the page; long tasks; the headline. */
function instrument(gap: { cot: number; direct: number }): void {
  type Arm = 'cot' | 'direct';
  const log = {
    play: null as number | null,
    evals: [] as unknown[],
    progress: { cot: [], direct: [] } as Record<Arm, [number, number][]>,
    losses: { cot: [], direct: [] } as Record<Arm, [number, number][]>,
    mechanism: [] as unknown[],
    backends: [] as unknown[],
    messages: {} as Record<string, { count: number; bytes: number }>,
    longTasks: [] as { t: number; d: number }[],
    headline: null as { t: number; text: string } | null,
  };
  (window as unknown as { __gapLog: typeof log }).__gapLog = log;
  const bytesOf = (m: Record<string, unknown>) => {
    let n = 0;
    for (const v of Object.values(m)) if (ArrayBuffer.isView(v)) n += v.byteLength;
    return n;
  };
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      const arm = opts?.name?.replace(/^training-/, '') as Arm;
      if (arm !== 'cot' && arm !== 'direct') return;
      this.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as Record<string, unknown> & { type: string };
        if (!m || typeof m.type !== 'string') return;
        const t = performance.now();
        const c = (log.messages[m.type] ??= { count: 0, bytes: 0 });
        c.count++;
        c.bytes += bytesOf(m);
        if (m.type === 'progress' && typeof m.step === 'number') log.progress[arm].push([m.step, t]);
        else if (m.type === 'loss') log.losses[arm].push([(m.steps as number[]).at(-1) ?? 0, t]);
        else if (m.type === 'eval') {
          const row = m.row as { step: number; sample?: number; acc: { oodTwoHop: number | null } };
          log.evals.push({ arm, step: row.step, ood: row.acc.oodTwoHop, sample: row.sample ?? null, trainRate: m.stepsPerSec as number, t });
        } else if (m.type === 'mechanism') {
          const r = m.record as { step: number; ms?: { lens?: number; trace?: number } };
          log.mechanism.push({ arm, step: r.step, lensMs: r.ms?.lens ?? 0, traceMs: r.ms?.trace ?? 0, t });
        } else if (m.type === 'backend') log.backends.push({ arm, backend: m.backend, fallbacks: m.fallbacks });
      });
    }
  };
  document.addEventListener(
    'click',
    (e) => {
      if (log.play === null && (e.target as Element | null)?.closest?.('[data-testid="train-toggle"]')) log.play = e.timeStamp;
    },
    true,
  );
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) log.longTasks.push({ t: e.startTime, d: e.duration });
  }).observe({ type: 'longtask' });
  const timer = setInterval(() => {
    const num = (arm: Arm) =>
      Number.parseFloat(document.querySelector(`[data-testid="ood-headline"] .headline-num.${arm}`)?.textContent?.replace(/^\D+/, '') ?? '');
    const cot = num('cot');
    const direct = num('direct');
    if (cot >= gap.cot && direct <= gap.direct) {
      log.headline = { t: performance.now(), text: document.querySelector('[data-testid="ood-headline"]')?.textContent ?? '' };
      clearInterval(timer);
    }
  }, 250);
}

/**
 * The page's renderer between two readings (the renderer process whose worker threads were busiest; other
 * Chromiums on the machine are left out): its main thread (tid = pid), each worker, its other threads.
 */
export function cpuBetween(a: Map<string, number>, b: Map<string, number>, wallS: number): NonNullable<GapBenchJson['cpuS']> {
  const threads = [...b].map(([k, v]) => {
    const [ids, ...name] = k.split(' ');
    const [pid, tid] = ids.split('/');
    return { pid, tid, name: name.join(' '), d: v - (a.get(k) ?? 0) };
  });
  const isWorker = (name: string) => name.startsWith('DedicatedWorker');
  const byPid = new Map<string, number>();
  for (const t of threads) if (isWorker(t.name)) byPid.set(t.pid, (byPid.get(t.pid) ?? 0) + t.d);
  const page = [...byPid].sort((x, y) => y[1] - x[1])[0]?.[0];
  const mine = threads.filter((t) => t.pid === page);
  return {
    mainThread: mine.filter((t) => t.tid === t.pid).reduce((x, t) => x + t.d, 0),
    workers: mine
      .filter((t) => isWorker(t.name) && t.d >= 0.05)
      .map((t) => t.d)
      .sort((x, y) => y - x),
    otherRenderer: mine.filter((t) => t.tid !== t.pid && !isWorker(t.name)).reduce((x, t) => x + t.d, 0),
    wallS,
  };
}

/**
 * Node alone: training steps/s of each arm of `config` on its own (wasm, relaxed SIMD where it validates), and
 * the process's CPU seconds per step over the same steps.
 */
async function nodeRates(config: Config, log: (s: string) => void): Promise<{ rate: Record<ArmName, number>; cpuPerStep: Record<ArmName, number> }> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const { enableRelaxedSimdInNode } = await import('../src/model/kernels/node');
  const { generateDataset } = await import('../src/data/distribution');
  const { presetWorkload } = await import('./benchmarks');
  await enableRelaxedSimdInNode();
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start in Node');
  await tf.ready();
  const data = generateDataset(config);
  const rate = { cot: 0, direct: 0 };
  const cpuPerStep = { cot: 0, direct: 0 };
  for (const arm of ARMS) {
    const w = presetWorkload(config, data, arm);
    for (let i = 0; i < 2; i++) {
      const l = w.step();
      await l.data();
      l.dispose();
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    while (n < 5 || (performance.now() - t0 < 8000 && n < 300)) {
      const l = w.step();
      if (++n % 10 === 0) await l.data(); // as the experiment reads losses back
      l.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    w.dispose();
    rate[arm] = n / seconds;
    cpuPerStep[arm] = (c.user + c.system) / 1e6 / n;
    log(`Node alone, ${arm} arm: ${rate[arm].toFixed(2)} steps/s, ${(1000 * cpuPerStep[arm]).toFixed(0)} ms CPU per step (${n} steps)`);
  }
  return { rate, cpuPerStep };
}

const WAIT_MS = 30 * 60_000;

/**
 * Runs the benchmark; returns the exit code (0 done, also when the gap was not reached or a target missed: that
 * is a figure; 1 when the run itself fails). `query`: the page's link query ('' = the default preset).
 */
export async function runGapBench(
  o: { json: string | null; backend: string; query: string; command: string },
  config: Config,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  const loadStart = loadavg();
  const node = await nodeRates(config, log);
  return withServedBuild('bench-gap', log, async (base, browser) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // as source text, with the helper tsx's transform adds to named functions (it does not exist in the page)
    await page.addInitScript({ content: `var __name = (f) => f; (${instrument.toString()})(${JSON.stringify({ cot: GAP_COT, direct: GAP_DIRECT })});` });
    const params = new URLSearchParams(o.query);
    if (o.backend !== 'auto') params.set('backend', o.backend);
    const url = `${base}${params.size ? `?${params}` : ''}`;
    log(`opening ${url} (Chromium ${CHROMIUM_ARGS.join(' ')})`);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="train-toggle"]') as HTMLButtonElement | null)?.disabled, null, {
      timeout: WAIT_MS,
      polling: 20,
    });
    const cpu0 = rendererThreads();
    const wall0 = Date.now();
    await page.getByTestId('train-toggle').click();
    log('Play pressed; training until the gap (or the end)');
    const logOf = () => page.evaluate(() => (window as unknown as { __gapLog: PageLog }).__gapLog);
    let last = '';
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      await page.waitForTimeout(1000);
      const l = await logOf();
      const gap = findGap(l.evals);
      const rows = ARMS.map((a) => l.evals.filter((e) => e.arm === a).at(-1))
        .map((e) => (e ? `${e.arm} step ${e.step} OOD ${f(e.ood, 3)}` : ''))
        .join(', ');
      if (rows !== last) log(`  ${(((l.evals.at(-1)?.t ?? 0) - (l.play ?? 0)) / 1000).toFixed(0)} s: ${rows}`);
      last = rows;
      const finished = /^Finished/.test((await page.getByTestId('train-status').textContent()) ?? '');
      if (gap || finished || Date.now() > deadline) break;
    }
    const cpu1 = rendererThreads();
    const wallS = (Date.now() - wall0) / 1000;
    const end = await page.evaluate(() => performance.now());
    const pageLog = await logOf();
    if (errors.length) log(`the page threw: ${errors.slice(0, 3).join(' / ')}`);
    const cpu = cpus();
    const report = gapReport(pageLog, {
      command: o.command,
      date: new Date().toISOString(),
      machine: `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}`,
      chromium: browser.version(),
      url,
      node: node.rate,
      nodeCpuPerStep: node.cpuPerStep,
      cpuS: cpu1.size ? cpuBetween(cpu0, cpu1, wallS) : null,
      loadAverage: { start: loadStart, end: loadavg() },
      end,
    });
    process.stdout.write(`${formatGapReport(report)}\n`);
    if (o.json) writeFileSync(o.json, `${JSON.stringify(report, null, 1)}\n`);
    if (process.env.BENCH_GAP_LOG) writeFileSync(process.env.BENCH_GAP_LOG, JSON.stringify(pageLog));
    await context.close();
    return 0;
  });
}
