/**
 * The RL phase, beside the accuracy chart: from the SFT/RL boundary to the last step, per arm (CoT solid,
 * direct dashed) the mean reward, the CoT rate (share of sampled continuations that write intermediate steps
 * before the answer), the share whose steps are all right, and the greedy accuracy on the task's headline split.
 * Shown only when the run has an RL stage (rlSteps > 0). Reads the store only (the rows' RL fields come from the
 * worker's evaluations).
 */
import { memo, useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useExperimentStore } from '../../store/experimentStore';
import { useTrainingStore } from '../../store/trainingStore';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { rlBoundary, totalSteps } from '../../experiment/phases';
import type { Config } from '../../experiment/schema';
import { stepTicks, thin } from './chartData';
import { plainTick } from './chartParts';
import { latestRl, RL_SERIES, rlRows, rlSeriesLabel, stepsRightShort, type RlChartRow, type RlSeries, type RlWords } from './rlChartData';
import { headlineSplit, taskOf } from '../../tasks/registry';
import { useThemeColors, type ThemeColors } from './useThemeColors';
import { useThrottled } from './useThrottled';

const MAX_POINTS = 400;
const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const Y_DOMAIN: [number, number] = [0, 1];
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];

function seriesColor(colors: ThemeColors, s: RlSeries): string {
  return s === 'reward' ? colors.split.test : s === 'cotRate' ? colors.direct : s === 'stepsRightRate' ? colors.cot : colors.split.headline;
}
const formatValue = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v));
const formatLabel = (l: unknown) => `step ${String(l)}`;

/** The run's config: the running experiment's once its workers reported it, else the designer's. */
export function useRunConfig(): Config {
  const run = useTrainingStore((s) => s.runConfig);
  const designed = useExperimentStore((s) => s.config);
  return run ?? designed;
}

/** A label for the SFT/RL boundary line: plain SVG text (no text measuring), just right of the line at the top. */
export function boundaryLabel(fill: string) {
  return function BoundaryLabel(p: { viewBox?: { x?: number; y?: number } }) {
    const x = (p.viewBox?.x ?? 0) + 4;
    const y = (p.viewBox?.y ?? 0) + 12;
    return (
      <text x={x} y={y} fill={fill} fontSize={11}>
        RL →
      </text>
    );
  };
}

const RlPlot = memo(function RlPlot(props: { rows: RlChartRow[]; colors: ThemeColors; arms: readonly Arm[]; from: number; to: number; words: RlWords }) {
  const { rows, colors, arms, from, to, words } = props;
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const xDomain = useMemo(() => [from, Math.max(to, from + 1)], [from, to]);
  const xTicks = useMemo(() => stepTicks(Math.max(to - from, 1)).map((t) => from + t), [from, to]);
  const contentStyle = useMemo(() => ({ background: colors.panel, border: `1px solid ${colors.border}`, color: colors.fg }), [colors]);
  const label = useMemo(() => boundaryLabel(colors.muted), [colors]);
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={rows} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} niceTicks="none" interval={0} tick={xTick} stroke={colors.border} />
        <YAxis domain={Y_DOMAIN} ticks={Y_TICKS} niceTicks="none" interval={0} tick={yTick} stroke={colors.border} width={40} />
        <Tooltip formatter={formatValue} labelFormatter={formatLabel} contentStyle={contentStyle} isAnimationActive={false} />
        <ReferenceLine x={from} stroke={colors.muted} strokeDasharray="3 3" label={label} />
        {arms.flatMap((arm) =>
          RL_SERIES.map((s) => (
            <Line
              key={`${arm}.${s}`}
              dataKey={`${arm}.${s}`}
              name={`${ARM_LABEL[arm]} · ${rlSeriesLabel(s, words)}`}
              stroke={seriesColor(colors, s)}
              strokeWidth={s === 'headline' || s === 'reward' ? 3 : 1.8}
              strokeDasharray={arm === 'direct' ? '6 4' : undefined}
              dot={rows.length < 4}
              isAnimationActive={false}
              connectNulls
            />
          )),
        )}
      </LineChart>
    </ResponsiveContainer>
  );
});

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));

export function RlChart() {
  const config = useRunConfig();
  const boundary = rlBoundary(config);
  const headline = headlineSplit(config);
  const intermediates = taskOf(config).intermediates(config);
  const stepWord = intermediates.length === 1 ? intermediates[0].label : null;
  const words = useMemo<RlWords>(() => ({ headline: headline.label, step: stepWord }), [headline.label, stepWord]);
  const running = useTrainingStore((s) => s.status === 'running');
  const history = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.history),
      running ? 500 : 0,
      100,
    ),
  );
  const arms = useTrainingStore((s) => s.arms);
  const step = useTrainingStore((s) => s.step);
  const colors = useThemeColors();
  const shownArms = useMemo(() => (arms.length ? arms : (['cot', 'direct'] as Arm[])), [arms]);
  const rows = useMemo(() => (boundary === null ? [] : thin(rlRows(history, boundary, headline.id), MAX_POINTS)), [history, boundary, headline.id]);
  if (boundary === null) return null;
  const total = totalSteps(config);
  const hasRl = rows.some((r) => shownArms.some((a) => r[`${a}.reward`] !== undefined));

  return (
    <div className="chart-card" data-testid="rl-chart">
      <div className="chart-head">
        <h3>
          RL stage (steps {boundary.toLocaleString('en-US')}–{total.toLocaleString('en-US')})
        </h3>
        <span className="chart-legend-arms" aria-hidden="true">
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" />
          </svg>{' '}
          CoT
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" strokeDasharray="5 3" />
          </svg>{' '}
          direct
        </span>
      </div>
      <div className="split-chips" aria-label="Series">
        {RL_SERIES.map((s) => (
          <span key={s} className="split-chip on">
            <span className="swatch" style={{ background: seriesColor(colors, s) }} />
            {rlSeriesLabel(s, words)}
          </span>
        ))}
      </div>
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
      <div className="chart-box">
        {!hasRl && (
          <div className="chart-empty">
            {step < boundary
              ? `RL starts after SFT step ${boundary.toLocaleString('en-US')}; its curves appear here then.`
              : 'The first RL points appear at the next evaluation.'}
          </div>
        )}
        <RlPlot rows={rows} colors={colors} arms={shownArms} from={boundary} to={total} words={words} />
      </div>
      <p className="muted small chart-caption">
        After SFT, each arm samples {config.rlSamples} continuations of each training prompt at temperature {config.rlTemperature} and is rewarded only for the
        right final answer in a well-formed sequence (GRPO, KL β {config.rlKl}); the intermediate steps themselves are never rewarded. Reward, CoT rate and
        {stepsRightShort(words)} are means over the samples since the previous point; {headline.label} accuracy is greedy, as in the chart above.
      </p>
    </div>
  );
}
