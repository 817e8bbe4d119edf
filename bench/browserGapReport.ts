/**
 * The figures of `npm run bench -- --browser --gap` (bench/browserGap.ts) from what the page recorded (PageLog,
 * bench/browserGapPage.ts): the gap and the informed gap (src/data/gap.ts) as the page received the rows, per-arm
 * steps/s and where each arm's wall time went, the ratio to Node alone, and the printed report. Pure.
 */
import { GAP, gapStep } from '../src/data/gap';
import type { PageLog } from './browserGapPage';

export type { PageLog } from './browserGapPage';
type ArmName = 'cot' | 'direct';
const ARMS: ArmName[] = ['cot', 'direct'];

export interface Gap {
  step: number;
  /** When the later of the two arms' rows for `step` reached the page. */
  t: number;
  /** Each arm's accuracy on the task's headline split at `step`. */
  cotHeadline: number;
  directHeadline: number;
  /** The direct arm's accuracy on each of the task's prerequisite splits at `step` (empty: the task has none). */
  directPrerequisites: (number | null)[];
}

/**
 * The first step evaluated in both arms with CoT ≥ 0.9 and direct ≤ 0.1 on the headline split (`informed`: and the
 * direct arm knowing its prerequisites, src/data/gap.ts); null if none yet.
 */
export function findGap(evals: PageLog['evals'], informed = false): Gap | null {
  const step = gapStep(
    evals.map((e) => ({ arm: e.arm, step: e.step, headline: e.headline, prerequisites: e.prerequisites, chance: e.chance ?? 0 })),
    informed,
  );
  if (step === null) return null;
  const c = evals.find((e) => e.arm === 'cot' && e.step === step)!;
  const d = evals.find((e) => e.arm === 'direct' && e.step === step)!;
  return { step, t: Math.max(c.t, d.t), cotHeadline: c.headline!, directHeadline: d.headline!, directPrerequisites: d.prerequisites };
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
  /** Play → the training bar's headline showing CoT ≥ 0.90 and direct ≤ 0.10. */
  playToHeadlineS: number | null;
  gap: Gap | null;
  /** The gap with the direct arm knowing its prerequisites, and Play → its rows on the page; null when not reached. */
  informedGap: Gap | null;
  playToInformedGapS: number | null;
  /** The last evaluation of each arm (when the gap was not reached, how far it got): its step and headline accuracy. */
  last: Record<ArmName, { step: number; headline: number | null } | null>;
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
  cpuS: {
    mainThread: number;
    workers: number[];
    otherRenderer: number;
    /** Busy CPU seconds of the whole machine over the same window (/proc/stat; null where unread). */
    machine?: number | null;
    wallS: number;
  } | null;
  /** Each arm's step when the CPU was read (the end of the window, the informed gap or the run's end). */
  stepsAtCpuReading: Record<ArmName, number> | null;
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
  const informedGap = findGap(log.evals, true);
  const play = log.play ?? 0;
  const end = gap?.t ?? meta.end;
  const arms = { cot: armFigures(log, 'cot', end), direct: armFigures(log, 'direct', end) };
  const first = Math.min(...ARMS.map((a) => log.progress[a].find(([s]) => s >= 1)?.[1] ?? Infinity));
  const lastOf = (arm: ArmName) => {
    const e = log.evals.filter((x) => x.arm === arm && x.t <= end).at(-1);
    return e ? { step: e.step, headline: e.headline } : null;
  };
  const names = [...new Set(log.backends.map((b) => b.backend))];
  const stepAt = (arm: ArmName) => log.progress[arm].filter(([, t]) => t <= meta.end).at(-1)?.[0];
  const cotAt = stepAt('cot');
  const directAt = stepAt('direct');
  const stepsAtCpuReading = cotAt !== undefined && directAt !== undefined ? { cot: cotAt, direct: directAt } : null;
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
    informedGap,
    playToInformedGapS: informedGap ? (informedGap.t - play) / 1000 : null,
    last: { cot: lastOf('cot'), direct: lastOf('direct') },
    navigationToPlayS: play / 1000,
    navigationToFirstStepS: Number.isFinite(first) ? first / 1000 : null,
    playToFirstStepS: Number.isFinite(first) ? (first - play) / 1000 : null,
    arms,
    node: meta.node,
    vsNode: meta.node ? { cot: ratio('cot'), direct: ratio('direct') } : null,
    nodeCpuPerStep: meta.nodeCpuPerStep,
    cpuEfficiencyVsNode: cpuEfficiency(stepsAtCpuReading, meta.nodeCpuPerStep, meta.cpuS),
    messages: log.messages,
    longTasks: { count: log.longTasks.filter((l) => l.t >= play).length, maxMs: Math.max(0, ...log.longTasks.filter((l) => l.t >= play).map((l) => l.d)) },
    cpuS: meta.cpuS,
    stepsAtCpuReading,
    loadAverage: meta.loadAverage,
    targets: TARGETS,
  };
}

/**
 * Node's CPU seconds for the steps the workers made from Play to the CPU reading, over the workers' CPU seconds in
 * that window (the two busiest worker threads). Both figures must cover the same window: the CPU is read when the
 * benchmark stops, at the informed gap, so the steps are those made by then, not those made by the gap.
 */
export function cpuEfficiency(steps: Record<ArmName, number> | null, perStep: Record<ArmName, number> | null, cpu: GapBenchJson['cpuS']): number | null {
  if (!perStep || !cpu || !steps || cpu.workers.length < 2) return null;
  const spent = cpu.workers[0] + cpu.workers[1];
  return spent > 0 ? (steps.cot * perStep.cot + steps.direct * perStep.direct) / spent : null;
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
      `Play → the gap: ${f(t, 1)} s (step ${r.gap.step}: headline CoT ${f(r.gap.cotHeadline, 3)}, direct ${f(r.gap.directHeadline, 3)}); ` +
        `target ≤ ${r.targets.seconds} s, stretch ≤ ${r.targets.stretch} s: ${verdict}`,
    );
    out.push(`Play → the training bar's headline showing it: ${f(r.playToHeadlineS, 1)} s`);
    const g = r.informedGap;
    out.push(
      g
        ? `Play → the informed gap (the direct arm also knows its prerequisites, each ≥ ${GAP.knows}): ${f(r.playToInformedGapS, 1)} s (step ${g.step}: direct prerequisites ${g.directPrerequisites.map((x) => f(x, 3)).join(', ') || 'none'})`
        : `informed gap not reached (the direct arm did not know its prerequisites, each ≥ ${GAP.knows}, at a gap step before the run ended)`,
    );
  } else {
    out.push(
      `gap not reached: last evaluations CoT step ${r.last.cot?.step ?? '—'} headline ${f(r.last.cot?.headline, 3)}, direct step ${r.last.direct?.step ?? '—'} headline ${f(r.last.direct?.headline, 3)}`,
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
  if (r.cpuS) {
    const c = r.cpuS;
    const page = c.mainThread + c.otherRenderer + c.workers.reduce((a, x) => a + x, 0);
    out.push(
      `page's renderer, CPU s over ${f(c.wallS, 1)} s wall: main thread ${f(c.mainThread, 1)}, workers ${c.workers.map((x) => f(x, 1)).join(' + ')} ` +
        `(${c.workers.map((x) => f(x / c.wallS)).join(' + ')} of a core), other renderer threads ${f(c.otherRenderer, 1)}` +
        (c.machine != null ? `; the whole machine ${f(c.machine, 1)} busy (${f(c.machine - page, 1)} outside the page's renderer)` : ''),
    );
  }
  if (r.cpuEfficiencyVsNode !== null && r.nodeCpuPerStep)
    out.push(
      `per CPU second (load does not skew it): the workers made their steps at ${f(r.cpuEfficiencyVsNode)}× the efficiency of Node training alone ` +
        `(Node: ${f(1000 * r.nodeCpuPerStep.cot, 0)} ms CPU per CoT step, ${f(1000 * r.nodeCpuPerStep.direct, 0)} per direct step; ` +
        `steps to the CPU reading: CoT ${r.stepsAtCpuReading?.cot}, direct ${r.stepsAtCpuReading?.direct}; evaluations and mechanism included)`,
    );
  out.push(`load average (1/5/15 min): ${r.loadAverage.start.map((x) => x.toFixed(2)).join(' ')} → ${r.loadAverage.end.map((x) => x.toFixed(2)).join(' ')}`);
  return out.join('\n');
}
