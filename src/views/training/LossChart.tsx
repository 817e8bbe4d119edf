/** Training loss of both arms (loss on the answer tokens only), linear or log scale. */
import { useMemo, useState } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { ARM_LABEL } from '../../experiment/domain';
import { rlBoundary } from '../../experiment/phases';
import { ChartCaption, ChartFrame, runExport } from '../charts/ChartFrame';
import { rowsTable } from '../charts/exportChart';
import { StepPlot, type PlotSeries, type ValueAxis } from '../charts/StepPlot';
import { lossAxis, lossRows, smooth, thin } from './chartData';
import { useRunConfig } from './useRunConfig';
import { useThemeColors } from './useThemeColors';
import { useShownArms, useTrainingFeed } from './useTrainingFeed';

/** Points drawn per line: a 300-step run is drawn in full (a loss every step), longer ones thinned. */
const MAX_POINTS = 300;
const formatTick = (v: number) => String(Number(v.toPrecision(3)));

export function LossChart() {
  // the loss arrives every 10 steps: redraw at most every 1.5 s (a recharts redraw is not cheap), and 200 ms
  // after the accuracy chart, so that both never redraw in one task
  const losses = useTrainingFeed('losses', 1500, 200);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const hash = useTrainingStore((s) => s.hash);
  const boundary = rlBoundary(useRunConfig());
  const colors = useThemeColors();
  const [log, setLog] = useState(true);
  const [alpha, setAlpha] = useState(0.6);
  // the RL phase's loss is the GRPO objective (not a cross-entropy, often below 0): not drawn on this axis
  const rows = useMemo(
    () =>
      thin(
        smooth(
          lossRows(losses).filter((r) => boundary === null || r.step <= boundary),
          alpha,
        ),
        MAX_POINTS,
      ),
    [losses, alpha, boundary],
  );
  const shownArms = useShownArms();
  const series = useMemo<PlotSeries[]>(
    () =>
      shownArms.map((arm) => ({
        key: `${arm}.loss`,
        name: ARM_LABEL[arm],
        stroke: arm === 'cot' ? colors.cot : colors.direct,
        width: 2,
        dashed: arm === 'direct',
      })),
    [shownArms, colors],
  );
  // ticks and domain computed here (recharts' own nice-tick search is costly per redraw)
  const y = useMemo<ValueAxis>(() => {
    const axis = lossAxis(
      rows.flatMap((r) => shownArms.map((a) => r[`${a}.loss`] ?? NaN)),
      log,
    );
    return { domain: axis?.domain ?? (log ? ['auto', 'auto'] : [0, 'auto']), ticks: axis?.ticks, format: formatTick, log, width: 44 };
  }, [rows, shownArms, log]);

  return (
    <ChartFrame
      title="Training loss"
      tools={
        <>
          <label title="Logarithmic loss axis">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
          </label>
          <label className="smoothing" title="Exponential moving average of the plotted loss">
            smooth
            <input type="range" min={0} max={0.95} step={0.05} value={alpha} onChange={(e) => setAlpha(Number(e.target.value))} />
          </label>
        </>
      }
      exportAs={runExport(hash, 'loss', 'Training loss (CoT solid, direct dashed)', {
        hint: 'One row per step read back; the raw loss of each arm',
        table: () => rowsTable(lossRows(useTrainingStore.getState().losses), ['cot.loss', 'direct.loss']),
      })}
      hasData={rows.length > 0}
      empty="The loss appears after 10 steps (it is read back in batches)."
      below={
        boundary !== null && (
          <ChartCaption>SFT cross-entropy up to step {boundary.toLocaleString('en-US')}; the RL phase after it is in the RL chart.</ChartCaption>
        )
      }
      box={{ 'data-testid': 'loss-chart' }}
    >
      <StepPlot rows={rows} series={series} colors={colors} height={220} to={totalSteps} y={y} rlBoundary={boundary} digits={4} />
    </ChartFrame>
  );
}
