/**
 * The page's side of `npm run bench -- --browser --gap` (bench/browserGap.ts): an init script, run as source text
 * before the app loads, that wraps the Worker constructor and records what the training workers send the store
 * (evaluation rows, progress, losses, mechanism records, backends; message counts and typed-array bytes), the
 * long tasks, and when the headline first shows the gap. Self-contained: it can import nothing (the split ids it
 * reads, the task's headline and prerequisites, come in with the thresholds).
 */
type ArmName = 'cot' | 'direct';

/** What the page recorded (times: performance.now() of the page, ms since navigation start). */
export interface PageLog {
  /** The first click on Play. */
  play: number | null;
  evals: {
    arm: ArmName;
    step: number;
    /** Accuracy on the task's headline split, and on each of its prerequisite splits (src/data/gap.ts). */
    headline: number | null;
    prerequisites: (number | null)[];
    /** Accuracy of guessing on the headline split (the gap allows the direct arm this much more). */
    chance: number;
    sample: number | null;
    trainRate: number;
    t: number;
  }[];
  /** Progress (throttled by the worker to one per 100 ms) and loss reports: [step, t]. */
  progress: Record<ArmName, [number, number][]>;
  losses: Record<ArmName, [number, number][]>;
  mechanism: { arm: ArmName; step: number; lensMs: number; traceMs: number; t: number }[];
  backends: { arm: ArmName; backend: string; fallbacks: string[] }[];
  messages: Record<string, { count: number; bytes: number }>;
  longTasks: { t: number; d: number }[];
  /** The training bar's headline numbers when they first showed the gap. */
  headline: { t: number; text: string } | null;
}

/** Init script: wraps Worker and records what the training workers tell the page; long tasks; the headline. */
export function instrument(gap: { cot: number; direct: number; headline: string; prerequisites: string[]; chance: number }): void {
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
          const row = m.row as { step: number; sample?: number; acc: Record<string, number | null | undefined> };
          const score = (id: string) => {
            const v = row.acc[id];
            return typeof v === 'number' && Number.isFinite(v) ? v : null;
          };
          log.evals.push({
            arm,
            step: row.step,
            headline: score(gap.headline),
            prerequisites: gap.prerequisites.map(score),
            chance: gap.chance,
            sample: row.sample ?? null,
            trainRate: m.stepsPerSec as number,
            t,
          });
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
    if (cot >= gap.cot && direct <= gap.direct + gap.chance) {
      log.headline = { t: performance.now(), text: document.querySelector('[data-testid="ood-headline"]')?.textContent ?? '' };
      clearInterval(timer);
    }
  }, 250);
}
