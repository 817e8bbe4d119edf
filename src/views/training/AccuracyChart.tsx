/**
 * Accuracy over training steps: the task's splits, both arms overlaid (CoT solid, direct dashed, one colour per
 * split), the headline split's lines drawn thicker. Splits toggle with chips; an EMA slider smooths; CSV and PNG
 * export.
 */
import { useMemo, useState } from 'react';
import { useExperimentStore } from '../../store/experimentStore';
import { useTrainingStore } from '../../store/trainingStore';
import { describeSpacing } from '../../experiment/evalSchedule';
import { ARM_LABEL, ARMS, type Arm } from '../../experiment/domain';
import { rlBoundary } from '../../experiment/phases';
import { taskOf } from '../../tasks/registry';
import type { SplitSpec } from '../../tasks/types';
import { ARM_LEGEND, ChartCaption, ChartFrame, ChipRow, runExport } from '../charts/ChartFrame';
import { SHARE_AXIS, StepPlot, type PlotSeries, type TooltipLines } from '../charts/StepPlot';
import { accuracyRows, csvTable, seriesKey, smooth, thin } from './chartData';
import { useRunConfig } from './useRunConfig';
import { splitColors, useThemeColors } from './useThemeColors';
import { useShownArms, useTrainingFeed } from './useTrainingFeed';

const MAX_POINTS = 400;

/** The tooltip's lines: one per split, both arms' values side by side, the headline split in bold. */
function splitLines(splits: readonly SplitSpec[]): TooltipLines {
  return function SplitLines(entries) {
    const bySplit = new Map<string, Partial<Record<Arm, number>>>();
    for (const e of entries) {
      const dot = e.key.indexOf('.');
      const split = e.key.slice(dot + 1);
      bySplit.set(split, { ...bySplit.get(split), [e.key.slice(0, dot)]: e.value });
    }
    return splits
      .filter((s) => bySplit.has(s.id))
      .map((s) => {
        const v = bySplit.get(s.id)!;
        return (
          <div key={s.id} className={s.role === 'headline' ? 'chart-tooltip-strong' : undefined}>
            {s.label}:{' '}
            {ARMS.filter((a) => v[a] !== undefined)
              .map((a) => `${ARM_LABEL[a]} ${v[a]!.toFixed(2)}`)
              .join(' · ')}
          </div>
        );
      });
  };
}

export function AccuracyChart() {
  const history = useTrainingFeed('history', 500, 30);
  const shownArms = useShownArms();
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const config = useExperimentStore((s) => s.config);
  const hash = useTrainingStore((s) => s.hash);
  const runConfig = useRunConfig();
  const boundary = rlBoundary(runConfig);
  const colors = useThemeColors();
  // the run's splits, from its task (a new array only when the task's splits change, so the plot stays memoised)
  const splitsKey = JSON.stringify(taskOf(runConfig).splits(runConfig));
  const splits = useMemo(() => JSON.parse(splitsKey) as SplitSpec[], [splitsKey]);
  const ids = useMemo(() => splits.map((s) => s.id), [splits]);
  const stroke = useMemo(() => splitColors(colors, splits), [colors, splits]);
  const tooltip = useMemo(() => splitLines(splits), [splits]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [alpha, setAlpha] = useState(0);

  const rows = useMemo(() => thin(smooth(accuracyRows(history, ids), alpha), MAX_POINTS), [history, ids, alpha]);
  const series = useMemo<PlotSeries[]>(
    () =>
      shownArms.flatMap((arm) =>
        splits
          .filter((s) => !hidden.has(s.id))
          .map((s) => ({
            key: seriesKey(arm, s.id),
            name: `${ARM_LABEL[arm]} · ${s.label}`,
            stroke: stroke[s.id],
            width: s.role === 'headline' ? 3.5 : 1.6,
            dashed: arm === 'direct',
          })),
      ),
    [shownArms, splits, hidden, stroke],
  );
  const toggle = (id: string, on: boolean) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <ChartFrame
      title="Accuracy"
      legend={ARM_LEGEND}
      exportAs={runExport(hash, 'accuracy', 'Exact-match accuracy (CoT solid, direct dashed)', {
        // the store's rows, not the throttled, deferred ones drawn: a CSV taken just after the end has every row
        table: () => csvTable(useTrainingStore.getState().history, ids),
        hint: 'One row per evaluated step; columns per arm × split',
        csvName: 'metrics',
      })}
      hasData={rows.length > 0}
      empty="Accuracy appears after the first evaluation (step 0)."
      above={
        <ChipRow
          label="Splits shown"
          chips={splits.map((s) => ({ id: s.id, label: s.label, on: !hidden.has(s.id), swatch: stroke[s.id], onChange: (on) => toggle(s.id, on) }))}
        >
          <label className="smoothing" title="Exponential moving average of the plotted points (the CSV stays raw)">
            Smoothing
            <input type="range" min={0} max={0.95} step={0.05} value={alpha} onChange={(e) => setAlpha(Number(e.target.value))} />
            <output>{alpha.toFixed(2)}</output>
          </label>
        </ChipRow>
      }
      below={<ChartCaption testId="eval-spacing">{describeSpacing(config)}</ChartCaption>}
      box={{ 'data-testid': 'acc-chart', 'data-tour': 'accuracy' }}
    >
      <StepPlot rows={rows} series={series} colors={colors} height={300} to={totalSteps} y={SHARE_AXIS} rlBoundary={boundary} tooltip={tooltip} />
    </ChartFrame>
  );
}
