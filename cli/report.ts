/**
 * What the experiment CLI prints and writes: the JSON report (one documented shape, NaN → null), the
 * dataset line, one line per evaluation and the final table. Pure functions, tested in report.test.ts.
 */
import type { Dataset } from '../src/data/distribution';
import type { Config } from '../src/experiment/schema';
import { type Arm, type MetricRow, SPLITS, SPLIT_LABELS, type SplitName } from '../src/experiment/domain';

// the report's shape, version and JSON writing live in a tfjs-free module the page shares (its run export/import)
import { REPORT_VERSION, type ArmReport, type Report } from '../src/runs/reportFormat';
export { REPORT_VERSION, reportJson, type ArmReport, type Report } from '../src/runs/reportFormat';
/** What the CLI writes: a report whose dataset counts are always known. */
export type CliReport = Report & { dataset: { hash: string; counts: Record<SplitName, number> } };

export function datasetCounts(d: Dataset): Record<SplitName, number> {
  return {
    idAtomic: d.stats.idAtomic,
    oodAtomic: d.stats.oodAtomic,
    trainTwoHop: d.stats.trainTwoHop,
    idTwoHop: d.stats.idTwoHop,
    oodTwoHop: d.stats.oodTwoHop,
  };
}

export function buildReport(opts: {
  link: string;
  config: Config;
  backend: string;
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
    ...(opts.gemmThreads !== undefined ? { gemmThreads: opts.gemmThreads } : {}),
    dataset: { hash: opts.hash, counts: datasetCounts(opts.data) },
    arms,
    wallSeconds: Math.round((opts.wallSeconds ?? 0) * 10) / 10,
  };
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '  -  ' : x.toFixed(3));

export function datasetLine(d: Dataset, hash: string): string {
  const s = d.stats;
  return (
    `dataset ${hash}: ${s.atomic} atomic facts (${s.idAtomic} ID, ${s.oodAtomic} OOD), ` +
    `${s.trainTwoHop} train multi-hop (λ ${s.lambdaEffective.toFixed(2)}${s.noisy ? `, ${s.noisy} noisy` : ''}), ` +
    `${s.idTwoHop} ID test, ${s.oodTwoHop} OOD test; vocabulary ${d.vocab.size}`
  );
}

const SHORT: Record<SplitName, string> = {
  idAtomic: 'idAtom',
  oodAtomic: 'oodAtom',
  trainTwoHop: 'train',
  idTwoHop: 'idTest',
  oodTwoHop: 'oodTest',
};

/** One line per evaluation: exact-match accuracy per split (answer-only accuracy of the OOD test in brackets). */
export function evalLine(arm: Arm, row: MetricRow, stepsPerSec: number): string {
  const loss = row.loss === null ? '   -  ' : row.loss.toFixed(4);
  const accs = SPLITS.map((s) => `${SHORT[s]} ${pct(row.acc[s])}`).join('  ');
  const speed = stepsPerSec > 0 ? `  ${stepsPerSec.toFixed(1)} steps/s` : '';
  return `step ${String(row.step).padStart(6)}  ${arm.padEnd(6)}  loss ${loss}  ${accs}  (oodTest answer ${pct(row.answerAcc.oodTwoHop)})${rlPart(row)}${speed}`;
}

/** An RL row's sample metrics (means since the previous row); '' for an SFT row. Its loss is the GRPO loss. */
function rlPart(row: MetricRow): string {
  if (row.phase !== 'rl') return '';
  const kl = row.kl === undefined || !Number.isFinite(row.kl) ? '-' : row.kl.toFixed(4);
  return `  rl: reward ${pct(row.reward)}  cot ${pct(row.cotRate)}  bridge ${pct(row.bridgeRightRate)}  kl ${kl}`;
}

/** The final table: split × arm, exact match then answer-only accuracy. */
export function finalTable(arms: Arm[], history: Record<Arm, MetricRow[]>): string {
  const last = Object.fromEntries(arms.map((a) => [a, history[a].at(-1)])) as Record<Arm, MetricRow | undefined>;
  const width = Math.max(...SPLITS.map((s) => SPLIT_LABELS[s].length), 5);
  const cell = (s: string) => s.padStart(8);
  const group = 9 * arms.length - 1;
  const head1 = `${''.padEnd(width)}  ${'exact match'.padStart(group)}  ${'answer only'.padStart(group)}`;
  const head2 = `${'split'.padEnd(width)}  ${arms.map(cell).join(' ')}  ${arms.map(cell).join(' ')}`;
  const rows = SPLITS.map((s) => {
    const exact = arms.map((a) => cell(pct(last[a]?.acc[s])));
    const answer = arms.map((a) => cell(pct(last[a]?.answerAcc[s])));
    return `${SPLIT_LABELS[s].padEnd(width)}  ${exact.join(' ')}  ${answer.join(' ')}`;
  });
  const steps = arms.map((a) => `${a} at step ${last[a]?.step ?? 0}`).join(', ');
  // after an RL stage: the last RL row's sample metrics, one line per measure
  const rl = arms.some((a) => last[a]?.phase === 'rl')
    ? (
        [
          ['RL reward', 'reward'],
          ['RL CoT rate', 'cotRate'],
          ['RL bridge right', 'bridgeRightRate'],
        ] as const
      ).map(([label, k]) => `${label.padEnd(width)}  ${arms.map((a) => cell(pct(last[a]?.phase === 'rl' ? last[a]?.[k] : undefined))).join(' ')}`)
    : [];
  return [`final accuracy (${steps})`, head1, head2, ...rows, ...rl].join('\n');
}
