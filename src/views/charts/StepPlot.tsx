/**
 * The one recharts plot of the page's line charts: values over training steps. It owns the container, grid,
 * axes (ticks given explicitly, drawn as plain SVG text: chartParts.tsx), the tooltip box, the SFT/RL boundary
 * where a run has one and the lines; a chart gives only its rows and its series.
 *
 * Memoised with stable props: recharts 3 keeps its own store and recomputes every axis when any prop object
 * changes, so callers pass module constants or memoised objects (series, axis, tooltip).
 */
import { memo, useMemo, type ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type AxisDomain, type TooltipContentProps } from 'recharts';
import { stepTicks } from '../training/chartData';
import type { ThemeColors } from '../training/useThemeColors';
import { markerLabel, plainLabel, plainTick } from './chartParts';

/** One line: the row field it draws and how. */
export interface PlotSeries {
  key: string;
  /** Its name in the default tooltip (the key when absent). */
  name?: string;
  stroke: string;
  width: number;
  /** Dashed (the direct arm, by the page's convention). */
  dashed?: boolean;
  opacity?: number;
  /** Drawn as steps (a value that holds until the next row) rather than straight segments. */
  stepped?: boolean;
}

/** The value (vertical) axis. Without `ticks`, recharts picks them (costlier per redraw). */
export interface ValueAxis {
  domain: AxisDomain;
  ticks?: readonly number[];
  format?: (v: number) => string;
  log?: boolean;
  /** Small values at the top. */
  reversed?: boolean;
  width?: number;
}

/** A share from 0 to 1 in quarters: accuracy, rates. */
export const SHARE_AXIS: ValueAxis = { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };

/** A point of the tooltip: the series' key and name, its value at the hovered step, its colour. */
export interface TooltipEntry {
  key: string;
  name: string;
  value: number;
  color: string;
}

/** The lines below the tooltip's "step N" title. */
export type TooltipLines = (entries: readonly TooltipEntry[]) => ReactNode;

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const DASH = '6 4';

function defaultLines(digits: number): TooltipLines {
  return function DefaultLines(entries) {
    return entries.map((e) => (
      <div key={e.key} style={{ color: e.color }}>
        {e.name}: {e.value.toFixed(digits)}
      </div>
    ));
  };
}

function tooltipContent(lines: TooltipLines) {
  return function StepTooltip({ active, payload, label }: TooltipContentProps) {
    if (!active || !payload?.length) return null;
    const entries = payload.flatMap((p) =>
      typeof p.value === 'number'
        ? [{ key: String(p.dataKey), name: String(p.name ?? p.dataKey), value: p.value, color: String(p.color ?? p.stroke ?? '') }]
        : [],
    );
    if (entries.length === 0) return null;
    return (
      <div className="chart-tooltip">
        <div className="chart-tooltip-title">step {String(label)}</div>
        {lines(entries)}
      </div>
    );
  };
}

export const StepPlot = memo(function StepPlot(props: {
  rows: readonly object[];
  series: readonly PlotSeries[];
  colors: ThemeColors;
  height: number;
  /** The step axis: from (default 0) to the run's last step. */
  from?: number;
  to: number;
  y: ValueAxis;
  /** The last SFT step of a run with an RL stage, marked by a dashed line labelled "RL →" (null: none). */
  rlBoundary?: number | null;
  /** The tooltip's lines; by default each series' name and value with `digits` decimals. */
  tooltip?: TooltipLines;
  digits?: number;
  /** Dots on the points (for a handful of points, where a line alone is easy to miss). */
  dots?: boolean;
}) {
  const { rows, series, colors, height, from = 0, to, y, rlBoundary = null, tooltip, digits = 2, dots = false } = props;
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, y.format ?? String), [colors, y]);
  const stepLabel = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const mark = useMemo(() => markerLabel('RL →', colors.muted), [colors]);
  const xDomain = useMemo(() => [from, Math.max(to, from + 1)], [from, to]);
  const xTicks = useMemo(() => stepTicks(Math.max(to - from, 1)).map((t) => from + t), [from, to]);
  const content = useMemo(() => tooltipContent(tooltip ?? defaultLines(digits)), [tooltip, digits]);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={rows as object[]} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis
          dataKey="step"
          type="number"
          domain={xDomain}
          ticks={xTicks}
          niceTicks="none"
          interval={0}
          tick={xTick}
          stroke={colors.border}
          label={stepLabel}
        />
        <YAxis
          scale={y.log ? 'log' : 'linear'}
          domain={y.domain}
          ticks={y.ticks as number[] | undefined}
          niceTicks={y.ticks ? 'none' : 'auto'}
          interval={0}
          tick={yTick}
          stroke={colors.border}
          width={y.width ?? 40}
          reversed={y.reversed}
        />
        <Tooltip content={content} isAnimationActive={false} />
        {rlBoundary !== null && <ReferenceLine x={rlBoundary} stroke={colors.muted} strokeDasharray="3 3" label={mark} />}
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name ?? s.key}
            type={s.stepped ? 'stepAfter' : 'linear'}
            stroke={s.stroke}
            strokeWidth={s.width}
            strokeOpacity={s.opacity}
            strokeDasharray={s.dashed ? DASH : undefined}
            dot={dots}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});
