/** Training loss of both arms (loss on the answer tokens only), linear or log scale. */
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrainingStore } from '../../store/trainingStore';
import { lossAxis, lossRows, smooth, stepTicks, thin, type ChartRow } from './chartData';
import { plainTick } from './chartParts';
import { useThemeColors, type ThemeColors } from './useThemeColors';
import { useThrottled } from './useThrottled';
import { boundaryLabel, useRunConfig } from './RlChart';
import { rlBoundary } from '../../experiment/phases';
import { ARM_LABEL, type Arm } from '../../experiment/domain';

/** Points drawn per line: a 300-step run is drawn in full (a loss every step), longer ones thinned. */
const MAX_POINTS = 300;

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const LOG_DOMAIN = ['auto', 'auto'] as const;
const LIN_DOMAIN = [0, 'auto'] as const;
/** Ticks and domain of the loss axis, computed here (recharts' own nice-tick search is costly per redraw). */
function useLossAxis(rows: ChartRow[], arms: readonly Arm[], log: boolean) {
  return useMemo(
    () =>
      lossAxis(
        rows.flatMap((r) => arms.map((a) => r[`${a}.loss`] ?? NaN)),
        log,
      ),
    [rows, arms, log],
  );
}
const formatTick = (v: number) => String(Number(v.toPrecision(3)));
const formatValue = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
const formatLabel = (l: unknown) => `step ${String(l)}`;

/** The plot, memoised with stable props (see AccuracyChart). */
const LossPlot = memo(function LossPlot(props: {
  rows: ChartRow[];
  colors: ThemeColors;
  log: boolean;
  arms: readonly Arm[];
  totalSteps: number;
  boundary: number | null;
}) {
  const { rows, colors, log, arms, totalSteps, boundary } = props;
  const boundaryText = useMemo(() => boundaryLabel(colors.muted), [colors]);
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, formatTick), [colors]);
  const contentStyle = useMemo(() => ({ background: colors.panel, border: `1px solid ${colors.border}`, color: colors.fg }), [colors]);
  const xDomain = useMemo(() => [0, Math.max(totalSteps, 1)], [totalSteps]);
  const xTicks = useMemo(() => stepTicks(Math.max(totalSteps, 1)), [totalSteps]);
  const axis = useLossAxis(rows, arms, log);
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={rows} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} niceTicks="none" interval={0} tick={xTick} stroke={colors.border} />
        <YAxis
          scale={log ? 'log' : 'linear'}
          domain={axis?.domain ?? (log ? LOG_DOMAIN : LIN_DOMAIN)}
          ticks={axis?.ticks}
          niceTicks={axis ? 'none' : 'auto'}
          interval={0}
          tick={yTick}
          stroke={colors.border}
          width={44}
        />
        <Tooltip formatter={formatValue} labelFormatter={formatLabel} contentStyle={contentStyle} isAnimationActive={false} />
        {boundary !== null && <ReferenceLine x={boundary} stroke={colors.muted} strokeDasharray="3 3" label={boundaryText} />}
        {arms.map((arm) => (
          <Line
            key={arm}
            dataKey={`${arm}.loss`}
            name={ARM_LABEL[arm]}
            stroke={arm === 'cot' ? colors.cot : colors.direct}
            strokeDasharray={arm === 'direct' ? '6 4' : undefined}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});

export function LossChart() {
  // throttled only while training (once stopped, the last points show at once)
  const running = useTrainingStore((s) => s.status === 'running');
  // the loss arrives every 10 steps: redraw at most every 1.5 s (a recharts redraw is not cheap), and 200 ms
  // after the accuracy chart, so that both never redraw in one task
  const losses = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.losses),
      running ? 1500 : 0,
      200,
    ),
  );
  const arms = useTrainingStore((s) => s.arms);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
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
  const shownArms = useMemo(() => (arms.length ? arms : (['cot', 'direct'] as const)), [arms]);
  const chart = <LossPlot rows={rows} colors={colors} log={log} arms={shownArms} totalSteps={totalSteps} boundary={boundary} />;

  return (
    <div className="chart-card">
      <div className="chart-head">
        <h3>Training loss</h3>
        <span className="chart-tools">
          <label title="Logarithmic loss axis">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
          </label>
          <label className="smoothing" title="Exponential moving average of the plotted loss">
            smooth
            <input type="range" min={0} max={0.95} step={0.05} value={alpha} onChange={(e) => setAlpha(Number(e.target.value))} />
          </label>
        </span>
      </div>
      <div className="chart-box" data-testid="loss-chart">
        {rows.length === 0 && <div className="chart-empty">The loss appears after 10 steps (it is read back in batches).</div>}
        {chart}
      </div>
      {boundary !== null && (
        <p className="muted small chart-caption">SFT cross-entropy up to step {boundary.toLocaleString('en-US')}; the RL phase after it is in the RL chart.</p>
      )}
    </div>
  );
}
