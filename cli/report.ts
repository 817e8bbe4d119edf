/**
 * What the experiment CLI prints and writes: the JSON report (one documented shape, NaN → null), the
 * dataset line, one line per evaluation and the final table. Pure functions, tested in report.test.ts. The splits
 * and their labels are the config's task's (src/tasks/).
 */
import type { Dataset } from '../src/data/dataset';
import type { Config } from '../src/experiment/schema';
import type { Arm, MetricRow } from '../src/experiment/domain';
import { headlineSplit, taskOf } from '../src/tasks/registry';

// the report's shape, version and JSON writing live in a tfjs-free module the page shares (its run export/import)
import { REPORT_VERSION, type ArmReport, type Report } from '../src/runs/reportFormat';
export { REPORT_VERSION, reportJson, type ArmReport, type Report } from '../src/runs/reportFormat';
/** What the CLI writes: a report whose dataset counts are always known. */
export type CliReport = Report & { dataset: { hash: string; counts: Record<string, number> } };

/**
 * The size of each split's set, by split id: what the task reports under the split's id in its stats (the
 * knowledge graph: every ID test path, not only those evaluated), else the split's queries evaluated.
 */
export function datasetCounts(d: Dataset): Record<string, number> {
  return Object.fromEntries(d.splits.map((s) => [s.id, Number.isFinite(d.stats[s.id]) ? d.stats[s.id] : s.items.length]));
}

export function buildReport(opts: {
  link: string;
  config: Config;
  backend: string;
  /** The GPU adapter (webgpu), as its driver names it. */
  adapter?: string;
  /** Threads each arm's GEMMs were split over (wasm), when known. */
  gemmThreads?: number;
  data: Dataset;
  hash: string;
  arms: Arm[];
  history: Record<Arm, MetricRow[]>;
  stepsPerSec: Partial<Record<Arm, number>>;
  wallSeconds?: number;
}): CliReport {
  const arms: Partial<Record<Arm, ArmReport>> = {};
  for (const arm of opts.arms) {
    const history = opts.history[arm];
    arms[arm] = { stepsPerSec: opts.stepsPerSec[arm] ?? 0, history, final: history.at(-1) ?? null };
  }
  return {
    version: REPORT_VERSION,
    link: opts.link,
    config: opts.config,
    backend: opts.backend,
    ...(opts.adapter !== undefined ? { adapter: opts.adapter } : {}),
    ...(opts.gemmThreads !== undefined ? { gemmThreads: opts.gemmThreads } : {}),
    dataset: { hash: opts.hash, counts: datasetCounts(opts.data) },
    arms,
    wallSeconds: Math.round((opts.wallSeconds ?? 0) * 10) / 10,
  };
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '  -  ' : x.toFixed(3));
const statText = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** The dataset in one line: each split's size with its label, the task's other figures by name, the vocabulary. */
export function datasetLine(d: Dataset, hash: string): string {
  const counts = datasetCounts(d);
  const splits = d.splits.map((s) => `${s.label} ${counts[s.id]}`).join(', ');
  const others = Object.entries(d.stats)
    .filter(([k, v]) => !Object.hasOwn(counts, k) && Number.isFinite(v))
    .map(([k, v]) => `${k} ${statText(v)}`)
    .join(', ');
  return `dataset ${hash} (${taskOf({ task: d.task as Config['task'] }).label}): ${splits}${others ? `; ${others}` : ''}; vocabulary ${d.vocab.size}`;
}

/** The task's word for the share of RL samples whose intermediate steps are all right: its one intermediate result's label, else 'steps'. */
function stepsWord(config: Config): string {
  const steps = taskOf(config).intermediates(config);
  return steps.length === 1 ? steps[0].label : 'steps';
}

/**
 * One line per evaluation: exact-match accuracy per split (by id, in the task's order), the answer-only accuracy of
 * the headline split in brackets. bench/gapTime.ts reads these lines back (parseEvalLine).
 */
export function evalLine(arm: Arm, row: MetricRow, stepsPerSec: number, config: Config): string {
  const loss = row.loss === null ? '   -  ' : row.loss.toFixed(4);
  const ids = taskOf(config)
    .splits(config)
    .map((s) => s.id);
  const accs = ids.map((s) => `${s} ${pct(row.acc[s])}`).join('  ');
  const headline = headlineSplit(config).id;
  const speed = stepsPerSec > 0 ? `  ${stepsPerSec.toFixed(1)} steps/s` : '';
  return `step ${String(row.step).padStart(6)}  ${arm.padEnd(6)}  loss ${loss}  ${accs}  (${headline} answer ${pct(row.answerAcc[headline])})${rlPart(row, config)}${speed}`;
}

/** An RL row's sample metrics (means since the previous row); '' for an SFT row. Its loss is the GRPO loss. */
function rlPart(row: MetricRow, config: Config): string {
  if (row.phase !== 'rl') return '';
  const kl = row.kl === undefined || !Number.isFinite(row.kl) ? '-' : row.kl.toFixed(4);
  return `  rl: reward ${pct(row.reward)}  cot ${pct(row.cotRate)}  ${stepsWord(config)} ${pct(row.stepsRightRate)}  kl ${kl}`;
}

/** The final table: split × arm (the task's splits, by label), exact match then answer-only accuracy. */
export function finalTable(arms: Arm[], history: Record<Arm, MetricRow[]>, config: Config): string {
  const splits = taskOf(config).splits(config);
  const last = Object.fromEntries(arms.map((a) => [a, history[a].at(-1)])) as Record<Arm, MetricRow | undefined>;
  const rlLabels = [
    ['RL reward', 'reward'],
    ['RL CoT rate', 'cotRate'],
    [`RL ${stepsWord(config)} right`, 'stepsRightRate'],
  ] as const;
  const hasRl = arms.some((a) => last[a]?.phase === 'rl');
  const width = Math.max(...splits.map((s) => s.label.length), ...(hasRl ? rlLabels.map(([l]) => l.length) : []), 5);
  const cell = (s: string) => s.padStart(8);
  const group = 9 * arms.length - 1;
  const head1 = `${''.padEnd(width)}  ${'exact match'.padStart(group)}  ${'answer only'.padStart(group)}`;
  const head2 = `${'split'.padEnd(width)}  ${arms.map(cell).join(' ')}  ${arms.map(cell).join(' ')}`;
  const rows = splits.map((s) => {
    const exact = arms.map((a) => cell(pct(last[a]?.acc[s.id])));
    const answer = arms.map((a) => cell(pct(last[a]?.answerAcc[s.id])));
    return `${s.label.padEnd(width)}  ${exact.join(' ')}  ${answer.join(' ')}`;
  });
  const steps = arms.map((a) => `${a} at step ${last[a]?.step ?? 0}`).join(', ');
  // after an RL stage: the last RL row's sample metrics, one line per measure
  const rl = hasRl
    ? rlLabels.map(([label, k]) => `${label.padEnd(width)}  ${arms.map((a) => cell(pct(last[a]?.phase === 'rl' ? last[a]?.[k] : undefined))).join(' ')}`)
    : [];
  return [`final accuracy (${steps})`, head1, head2, ...rows, ...rl].join('\n');
}
