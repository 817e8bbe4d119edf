/**
 * Accuracy over training steps: the task's splits, both arms overlaid (CoT solid, direct dashed, one colour per
 * split), the headline split's lines drawn thicker. Splits toggle with chips; an EMA slider smooths; CSV and PNG
 * export.
 */
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { useExperimentStore } from '../../store/experimentStore';
import { useTrainingStore } from '../../store/trainingStore';
import { describeSpacing } from '../../experiment/evalSchedule';
import { accuracyRows, csvTable, seriesKey, smooth, stepTicks, thin, type ChartRow } from './chartData';
import { plainLabel, plainTick } from './chartParts';
import { download, downloadCsv, svgToPngBlob } from './exportChart';
import { splitColors, useThemeColors, type ThemeColors } from './useThemeColors';
import { useThrottled } from './useThrottled';
import { boundaryLabel, useRunConfig } from './RlChart';
import { rlBoundary } from '../../experiment/phases';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { taskOf } from '../../tasks/registry';
import type { SplitSpec } from '../../tasks/types';

const MAX_POINTS = 400;

function AccTooltip({ active, payload, label, splits }: TooltipContentProps & { splits: readonly SplitSpec[] }) {
  if (!active || !payload?.length) return null;
  const bySplit = new Map<string, Partial<Record<Arm, number>>>();
  for (const p of payload) {
    const key = String(p.dataKey);
    const dot = key.indexOf('.');
    const arm = key.slice(0, dot) as Arm;
    const split = key.slice(dot + 1);
    if (typeof p.value !== 'number') continue;
    bySplit.set(split, { ...bySplit.get(split), [arm]: p.value });
  }
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-title">step {String(label)}</div>
      {splits
        .filter((s) => bySplit.has(s.id))
        .map((s) => {
          const v = bySplit.get(s.id)!;
          return (
            <div key={s.id} className={s.role === 'headline' ? 'chart-tooltip-strong' : undefined}>
              {s.label}:{' '}
              {(['cot', 'direct'] as const)
                .filter((a) => v[a] !== undefined)
                .map((a) => `${ARM_LABEL[a]} ${v[a]!.toFixed(2)}`)
                .join(' · ')}
            </div>
          );
        })}
    </div>
  );
}

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const Y_DOMAIN: [number, number] = [0, 1];
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * The plot itself, memoised with stable props: recharts 3 keeps its own store and recomputes every axis when
 * any prop object changes, so nothing here is rebuilt unless the data or the theme changed.
 */
const AccPlot = memo(function AccPlot(props: {
  rows: ChartRow[];
  colors: ThemeColors;
  splits: readonly SplitSpec[];
  /** Splits hidden by their chip (by id). */
  hidden: ReadonlySet<string>;
  arms: Arm[];
  totalSteps: number;
  boundary: number | null;
}) {
  const { rows, colors, splits, hidden, arms, totalSteps, boundary } = props;
  const stroke = useMemo(() => splitColors(colors, splits), [colors, splits]);
  const renderTooltip = useMemo(() => (p: TooltipContentProps) => <AccTooltip {...p} splits={splits} />, [splits]);
  const boundaryText = useMemo(() => boundaryLabel(colors.muted), [colors]);
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const label = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const xDomain = useMemo(() => [0, Math.max(totalSteps, 1)], [totalSteps]);
  const xTicks = useMemo(() => stepTicks(Math.max(totalSteps, 1)), [totalSteps]);
  return (
    <ResponsiveContainer width="100%" height={300}>
      <LineChart data={rows} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} niceTicks="none" interval={0} tick={xTick} stroke={colors.border} label={label} />
        <YAxis domain={Y_DOMAIN} ticks={Y_TICKS} niceTicks="none" interval={0} tick={yTick} stroke={colors.border} width={40} />
        <Tooltip content={renderTooltip} isAnimationActive={false} />
        {boundary !== null && <ReferenceLine x={boundary} stroke={colors.muted} strokeDasharray="3 3" label={boundaryText} />}
        {arms.flatMap((arm) =>
          splits
            .filter((s) => !hidden.has(s.id))
            .map((s) => (
              <Line
                key={seriesKey(arm, s.id)}
                dataKey={seriesKey(arm, s.id)}
                name={`${ARM_LABEL[arm]} · ${s.label}`}
                stroke={stroke[s.id]}
                strokeWidth={s.role === 'headline' ? 3.5 : 1.6}
                strokeDasharray={arm === 'direct' ? '6 4' : undefined}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            )),
        )}
      </LineChart>
    </ResponsiveContainer>
  );
});

export function AccuracyChart() {
  const running = useTrainingStore((s) => s.status === 'running');
  // deferred: the chart re-renders in the background (interruptible), so the page never stalls on it
  const history = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.history),
      running ? 500 : 0,
      30,
    ),
  );
  const arms = useTrainingStore((s) => s.arms);
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
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [alpha, setAlpha] = useState(0);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => thin(smooth(accuracyRows(history, ids), alpha), MAX_POINTS), [history, ids, alpha]);
  const shownArms = useMemo(() => (arms.length ? arms : (['cot', 'direct'] as Arm[])), [arms]);
  const hasData = rows.length > 0;
  const toggle = (id: string, on: boolean) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });

  const chart = <AccPlot rows={rows} colors={colors} splits={splits} hidden={hidden} arms={shownArms} totalSteps={totalSteps} boundary={boundary} />;

  const exportCsv = () => {
    // the store's rows, not the throttled, deferred ones drawn: a CSV taken just after the end has every row
    const { fields, data } = csvTable(useTrainingStore.getState().history, ids);
    downloadCsv(fields, data, `cot-playground-metrics-${hash ?? 'run'}.csv`);
  };
  const exportPng = async () => {
    const svg = box.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    setBusy(true);
    try {
      const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
      const blob = await svgToPngBlob(svg, { background: colors.panel, fg: colors.fg, font, title: 'Exact-match accuracy (CoT solid, direct dashed)' });
      download(blob, `cot-playground-accuracy-${hash ?? 'run'}.png`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="chart-card">
      <div className="chart-head">
        <h3>Accuracy</h3>
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
        <span className="chart-tools">
          <button type="button" onClick={exportCsv} disabled={!hasData} title="One row per evaluated step; columns per arm × split">
            CSV
          </button>
          <button type="button" onClick={() => void exportPng()} disabled={!hasData || busy}>
            PNG
          </button>
        </span>
      </div>
      <div className="split-chips" role="group" aria-label="Splits shown">
        {splits.map((s) => (
          <label key={s.id} className={`split-chip${hidden.has(s.id) ? '' : ' on'}`}>
            <input type="checkbox" checked={!hidden.has(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
            <span className="tick" aria-hidden="true" />
            <span className="swatch" style={{ background: stroke[s.id] }} />
            {s.label}
          </label>
        ))}
        <label className="smoothing" title="Exponential moving average of the plotted points (the CSV stays raw)">
          Smoothing
          <input type="range" min={0} max={0.95} step={0.05} value={alpha} onChange={(e) => setAlpha(Number(e.target.value))} />
          <output>{alpha.toFixed(2)}</output>
        </label>
      </div>
      <div className="chart-box" data-testid="acc-chart" data-tour="accuracy" ref={box}>
        {!hasData && <div className="chart-empty">Accuracy appears after the first evaluation (step 0).</div>}
        {chart}
      </div>
      <p className="muted small chart-caption" data-testid="eval-spacing">
        {describeSpacing(config)}
      </p>
    </div>
  );
}
