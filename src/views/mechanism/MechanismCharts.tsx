/**
 * The two mechanism charts: "where is it found?" (for one tracked intermediate result of the task, per arm ×
 * measured split, the first layer at which it is top-1 where it is said on most test queries, over training
 * steps; a line at "none" where it is at no layer) and the headline split's curves of the first intermediate
 * result, the answer and exact match, so that a right first step with a failing later one reads as such. Every
 * name comes from the task (through the records and the run's config). The test hooks keep their first names
 * (`found-chart`, `headline-found-chart`).
 */
import { memo, useMemo } from 'react';
import { ARM_LABEL, type Arm, type MetricRow } from '../../experiment/domain';
import type { MechanismRecord, TrackedResult } from '../../experiment/mechanism';
import { ARM_LEGEND, ChartCaption, ChartFrame, type LegendEntry } from '../charts/ChartFrame';
import { rowsTable } from '../charts/exportChart';
import { SHARE_AXIS, StepPlot, type PlotSeries, type TooltipLines, type ValueAxis } from '../charts/StepPlot';
import { splitColors, type ThemeColors } from '../training/useThemeColors';
import { foundRows, headlineRows, type ChartSplit } from './mechanismData';

const layerName = (v: number, layers: number) => (v > layers ? 'none' : v === 0 ? 'emb' : `L${v}`);

/** The colour of each measured split: the headline's, the others the test splits' (as the accuracy charts colour them). */
function chartSplitColors(colors: ThemeColors, splits: readonly ChartSplit[]): Record<string, string> {
  return splitColors(
    colors,
    splits.map((s) => ({ id: s.id, label: s.label, role: s.headline ? ('headline' as const) : ('test' as const) })),
  );
}

/** The tooltip's lines: per arm × split, the layer where the result is found, in words. */
function foundLines(layers: number, labelOf: ReadonlyMap<string, string>): TooltipLines {
  return function FoundLines(entries) {
    return entries.map((e) => {
      const dot = e.key.indexOf('.');
      const arm = e.key.slice(0, dot) as Arm;
      const split = e.key.slice(dot + 1);
      return (
        <div key={e.key}>
          {ARM_LABEL[arm]} · {labelOf.get(split) ?? split}: {e.value > layers ? 'at no layer' : e.value === 0 ? 'at the embedding' : `from layer ${e.value}`}
        </div>
      );
    });
  };
}

export const FoundChart = memo(function FoundChart(props: {
  records: Partial<Record<Arm, readonly MechanismRecord[]>>;
  arms: readonly Arm[];
  layers: number;
  totalSteps: number;
  colors: ThemeColors;
  /** The intermediate result followed (null before any measurement) and the measured splits. */
  target: TrackedResult | null;
  splits: readonly ChartSplit[];
}) {
  const { records, arms, layers, totalSteps, colors, target, splits } = props;
  const rows = useMemo(() => (target ? foundRows(records, layers, target.name) : []), [records, layers, target]);
  const stroke = useMemo(() => chartSplitColors(colors, splits), [colors, splits]);
  const tooltip = useMemo(() => foundLines(layers, new Map(splits.map((s) => [s.id, s.label]))), [layers, splits]);
  const y = useMemo<ValueAxis>(
    () => ({ domain: [0, layers + 1], ticks: Array.from({ length: layers + 2 }, (_, i) => i), format: (v) => layerName(v, layers), reversed: true, width: 44 }),
    [layers],
  );
  const series = useMemo<PlotSeries[]>(
    () =>
      arms.flatMap((arm) =>
        splits.map((split) => ({
          key: `${arm}.${split.id}`,
          stroke: stroke[split.id],
          width: split.headline ? 3 : 1.8,
          dashed: arm === 'direct',
          stepped: true,
        })),
      ),
    [arms, splits, stroke],
  );
  const legend = useMemo<LegendEntry[]>(
    () => [...ARM_LEGEND, ...splits.map((s) => ({ label: s.label, stroke: stroke[s.id], swatch: true }))],
    [splits, stroke],
  );
  const what = target?.label ?? 'intermediate result';
  return (
    <ChartFrame
      title={`Where is the ${what} found?`}
      legend={legend}
      exportAs={{
        png: `cot-playground-found-${target?.name ?? 'result'}.png`,
        title: `Where is the ${what} found? (first layer; CoT solid, direct dashed)`,
        csv: {
          file: `cot-playground-found-${target?.name ?? 'result'}.csv`,
          hint: `Per measured step, the first layer (${layers + 1}: none)`,
          table: () =>
            rowsTable(
              rows,
              series.map((s) => s.key),
            ),
        },
      }}
      hasData={rows.length > 0}
      empty="Appears after the first evaluation."
      card={{ 'data-testid': 'found-chart', 'data-tour': 'found-chart' }}
      below={
        <ChartCaption>
          The first layer (emb = the embedding, L1… after each block) at which the logit lens has the {what} as its top-1 token where the arm must say it
          {target ? ` (${target.name})` : ''} on more than half of the sampled test queries; “none” when it is at no layer.
        </ChartCaption>
      }
    >
      <StepPlot rows={rows} series={series} colors={colors} height={220} to={totalSteps} y={y} tooltip={tooltip} />
    </ChartFrame>
  );
});

export const HeadlineChart = memo(function HeadlineChart(props: {
  history: Record<Arm, readonly MetricRow[]>;
  totalSteps: number;
  colors: ThemeColors;
  /** The headline split (id, label) and the label of the task's first intermediate result (null: none). */
  headline: { id: string; label: string };
  firstStep: string | null;
}) {
  const { history, totalSteps, colors, headline, firstStep } = props;
  const rows = useMemo(() => headlineRows(history, headline.id), [history, headline.id]);
  const series = useMemo<PlotSeries[]>(
    () => [
      ...(firstStep ? [{ key: 'firstStep', name: `CoT: ${firstStep} right`, stroke: colors.split.prerequisite[0], width: 1.8 }] : []),
      { key: 'answer', name: 'CoT: answer right', stroke: colors.split.prerequisite[1], width: 1.8 },
      { key: 'exact', name: 'CoT: exact match', stroke: colors.split.headline, width: 3 },
      { key: 'direct', name: 'direct: exact match', stroke: colors.split.headline, width: 2, dashed: true },
    ],
    [colors, firstStep],
  );
  const legend = useMemo(() => series.map((s) => ({ label: s.name!, stroke: s.stroke, dashed: s.dashed })), [series]);
  const title = `${headline.label}: ${firstStep ? `${firstStep} and answer` : 'answer'}`;
  return (
    <ChartFrame
      title={title}
      legend={legend}
      exportAs={{
        png: `cot-playground-${headline.id}-steps.png`,
        title,
        csv: {
          file: `cot-playground-${headline.id}-steps.csv`,
          hint: 'One row per evaluated step',
          table: () =>
            rowsTable(
              rows,
              series.map((s) => s.key),
            ),
        },
      }}
      hasData={rows.length > 0}
      card={{ 'data-testid': 'headline-found-chart' }}
      below={
        <ChartCaption>
          {firstStep
            ? `Greedy generation on the ${headline.label} split: the CoT arm’s first token is the ${firstStep}, its last the answer. A ${firstStep} line that stays high while exact match falls means a later step is what fails.`
            : `Greedy generation on the ${headline.label} split.`}
        </ChartCaption>
      }
    >
      <StepPlot rows={rows} series={series} colors={colors} height={220} to={totalSteps} y={SHARE_AXIS} />
    </ChartFrame>
  );
});
