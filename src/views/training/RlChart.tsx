/**
 * The RL phase, beside the accuracy chart: from the SFT/RL boundary to the last step, per arm (CoT solid,
 * direct dashed) the mean reward, the CoT rate (share of sampled continuations that write intermediate steps
 * before the answer), the share whose steps are all right, and the greedy accuracy on the task's headline split.
 * Shown only when the run has an RL stage (rlSteps > 0). Reads the store only (the rows' RL fields come from the
 * worker's evaluations).
 */
import { useMemo } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { ARM_LABEL } from '../../experiment/domain';
import { rlBoundary, totalSteps } from '../../experiment/phases';
import { headlineSplit, taskOf } from '../../tasks/registry';
import { ARM_LEGEND, ChartCaption, ChartFrame, ChipRow, runExport } from '../charts/ChartFrame';
import { rowsTable } from '../charts/exportChart';
import { SHARE_AXIS, StepPlot, type PlotSeries } from '../charts/StepPlot';
import { thin } from './chartData';
import { latestRl, RL_SERIES, rlRows, rlSeriesLabel, stepsRightShort, type RlSeries, type RlWords } from './rlChartData';
import { useRunConfig } from './useRunConfig';
import { useThemeColors, type ThemeColors } from './useThemeColors';
import { useShownArms, useTrainingFeed } from './useTrainingFeed';

const MAX_POINTS = 400;

function seriesColor(colors: ThemeColors, s: RlSeries): string {
  return s === 'reward' ? colors.split.test : s === 'cotRate' ? colors.direct : s === 'stepsRightRate' ? colors.cot : colors.split.headline;
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));

export function RlChart() {
  const config = useRunConfig();
  const boundary = rlBoundary(config);
  const headline = headlineSplit(config);
  const intermediates = taskOf(config).intermediates(config);
  const stepWord = intermediates.length === 1 ? intermediates[0].label : null;
  const words = useMemo<RlWords>(() => ({ headline: headline.label, step: stepWord }), [headline.label, stepWord]);
  const history = useTrainingFeed('history', 500, 100);
  const step = useTrainingStore((s) => s.step);
  const hash = useTrainingStore((s) => s.hash);
  const colors = useThemeColors();
  const shownArms = useShownArms();
  const rows = useMemo(() => (boundary === null ? [] : thin(rlRows(history, boundary, headline.id), MAX_POINTS)), [history, boundary, headline.id]);
  const series = useMemo<PlotSeries[]>(
    () =>
      shownArms.flatMap((arm) =>
        RL_SERIES.map((s) => ({
          key: `${arm}.${s}`,
          name: `${ARM_LABEL[arm]} · ${rlSeriesLabel(s, words)}`,
          stroke: seriesColor(colors, s),
          width: s === 'headline' || s === 'reward' ? 3 : 1.8,
          dashed: arm === 'direct',
        })),
      ),
    [shownArms, colors, words],
  );
  if (boundary === null) return null;
  const total = totalSteps(config);
  const hasRl = rows.some((r) => shownArms.some((a) => r[`${a}.reward`] !== undefined));

  return (
    <ChartFrame
      title={`RL stage (steps ${boundary.toLocaleString('en-US')}–${total.toLocaleString('en-US')})`}
      legend={ARM_LEGEND}
      exportAs={runExport(hash, 'rl', 'RL stage (CoT solid, direct dashed)', {
        hint: 'One row per evaluation from the SFT/RL boundary on',
        table: () =>
          rowsTable(
            rows,
            series.map((s) => s.key),
          ),
      })}
      hasData={hasRl}
      empty={
        step < boundary
          ? `RL starts after SFT step ${boundary.toLocaleString('en-US')}; its curves appear here then.`
          : 'The first RL points appear at the next evaluation.'
      }
      card={{ 'data-testid': 'rl-chart' }}
      above={
        <>
          <ChipRow label="Series" chips={RL_SERIES.map((s) => ({ id: s, label: rlSeriesLabel(s, words), on: true, swatch: seriesColor(colors, s) }))} />
          <p className="muted small" data-testid="rl-headline">
            {shownArms.map((a) => {
              const r = latestRl(history[a]);
              return (
                <span key={a} className="rl-headline-arm">
                  {ARM_LABEL[a]}: reward {pct(r?.reward)} · CoT rate {pct(r?.cotRate)} · {stepsRightShort(words)} {pct(r?.stepsRightRate)} · {headline.label}{' '}
                  {pct(r?.acc[headline.id])}
                  {a !== shownArms.at(-1) ? '  |  ' : ''}
                </span>
              );
            })}
          </p>
        </>
      }
      below={
        <ChartCaption>
          After SFT, each arm samples {config.rlSamples} continuations of each training prompt at temperature {config.rlTemperature} and is rewarded only for
          the right final answer in a well-formed sequence (GRPO, KL β {config.rlKl}); the intermediate steps themselves are never rewarded. Reward, CoT rate
          and {stepsRightShort(words)} are means over the samples since the previous point; {headline.label} accuracy is greedy, as in the chart above.
        </ChartCaption>
      }
    >
      <StepPlot
        rows={rows}
        series={series}
        colors={colors}
        height={240}
        from={boundary}
        to={total}
        y={SHARE_AXIS}
        rlBoundary={boundary}
        digits={3}
        dots={rows.length < 4}
      />
    </ChartFrame>
  );
}
