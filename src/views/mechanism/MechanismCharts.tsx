/**
 * The two mechanism charts: "Where is the bridge found?" (for one tracked intermediate result of the task, per
 * arm × measured split, the first layer at which it is top-1 where it is said on most test queries, over
 * training steps; a line at "none" where it is at no layer) and the headline split's curves of the first
 * intermediate result, the answer and exact match, so that a right first step with a failing later one reads as
 * such. Every name comes from the task (through the records and the run's config).
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { ARM_LABEL, type Arm, type MetricRow } from '../../experiment/domain';
import type { MechanismRecord, TrackedResult } from '../../experiment/mechanism';
import { stepTicks } from '../training/chartData';
import { plainLabel, plainTick } from '../training/chartParts';
import { splitColors, type ThemeColors } from '../training/useThemeColors';
import { foundRows, headlineRows, type ChartSplit, type FoundKey } from './mechanismData';

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };

const layerName = (v: number, layers: number) => (v > layers ? 'none' : v === 0 ? 'emb' : `L${v}`);

/** The colour of each measured split: the headline's, the others the test splits' (as the accuracy charts colour them). */
function chartSplitColors(colors: ThemeColors, splits: readonly ChartSplit[]): Record<string, string> {
  return splitColors(
    colors,
    splits.map((s) => ({ id: s.id, label: s.label, role: s.headline ? ('headline' as const) : ('test' as const) })),
  );
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
  const labelOf = useMemo(() => new Map(splits.map((s) => [s.id, s.label])), [splits]);
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, (v) => layerName(v, layers)), [colors, layers]);
  const label = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const yTicks = useMemo(() => Array.from({ length: layers + 2 }, (_, i) => i), [layers]);
  const xTicks = useMemo(() => stepTicks(Math.max(totalSteps, 1)), [totalSteps]);
  const tooltip = useMemo(
    () =>
      function FoundTooltip({ active, payload, label: step }: TooltipContentProps) {
        if (!active || !payload?.length) return null;
        return (
          <div className="chart-tooltip">
            <div className="chart-tooltip-title">step {String(step)}</div>
            {payload.map((p) => {
              const key = String(p.dataKey);
              const arm = key.slice(0, key.indexOf('.')) as Arm;
              const split = key.slice(key.indexOf('.') + 1);
              const v = Number(p.value);
              return (
                <div key={String(p.dataKey)}>
                  {ARM_LABEL[arm]} · {labelOf.get(split) ?? split}: {v > layers ? 'at no layer' : v === 0 ? 'at the embedding' : `from layer ${v}`}
                </div>
              );
            })}
          </div>
        );
      },
    [layers, labelOf],
  );
  const what = target?.label ?? 'intermediate result';
  return (
    <div className="chart-card" data-testid="bridge-found-chart" data-tour="found-chart">
      <div className="chart-head">
        <h3>Where is the {what} found?</h3>
        <span className="chart-legend-arms" aria-hidden="true">
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" />
          </svg>{' '}
          CoT
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" strokeDasharray="5 3" />
          </svg>{' '}
          direct
          {splits.map((s) => (
            <span key={s.id}>
              <span className="swatch" style={{ background: stroke[s.id] }} /> {s.label}{' '}
            </span>
          ))}
        </span>
      </div>
      <div className="chart-box">
        {rows.length === 0 && <div className="chart-empty">Appears after the first evaluation.</div>}
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={MARGIN}>
            <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
            <XAxis
              dataKey="step"
              type="number"
              domain={[0, Math.max(totalSteps, 1)]}
              ticks={xTicks}
              niceTicks="none"
              interval={0}
              tick={xTick}
              stroke={colors.border}
              label={label}
            />
            <YAxis domain={[0, layers + 1]} ticks={yTicks} niceTicks="none" interval={0} tick={yTick} stroke={colors.border} width={44} reversed />
            <Tooltip content={tooltip} isAnimationActive={false} />
            {arms.flatMap((arm) =>
              splits.map((split) => {
                const key: FoundKey = `${arm}.${split.id}`;
                return (
                  <Line
                    key={key}
                    dataKey={key}
                    type="stepAfter"
                    stroke={stroke[split.id]}
                    strokeWidth={split.headline ? 3 : 1.8}
                    strokeDasharray={arm === 'direct' ? '6 4' : undefined}
                    dot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                );
              }),
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small chart-caption">
        The first layer (emb = the embedding, L1… after each block) at which the logit lens has the {what} as its top-1 token where the arm must say it
        {target ? ` (${target.name})` : ''} on more than half of the sampled test queries; “none” when it is at no layer.
      </p>
    </div>
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
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const label = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const xTicks = useMemo(() => stepTicks(Math.max(totalSteps, 1)), [totalSteps]);
  const series: { key: 'firstStep' | 'answer' | 'exact' | 'direct'; name: string; stroke: string; width: number; dash?: string }[] = [
    ...(firstStep ? [{ key: 'firstStep' as const, name: `CoT: ${firstStep} right`, stroke: colors.split.prerequisite[0], width: 1.8 }] : []),
    { key: 'answer', name: 'CoT: answer right', stroke: colors.split.prerequisite[1], width: 1.8 },
    { key: 'exact', name: 'CoT: exact match', stroke: colors.split.headline, width: 3 },
    { key: 'direct', name: 'direct: exact match', stroke: colors.split.headline, width: 2, dash: '6 4' },
  ];
  return (
    <div className="chart-card" data-testid="ood-bridge-chart">
      <div className="chart-head">
        <h3>
          {headline.label}: {firstStep ? `${firstStep} and answer` : 'answer'}
        </h3>
        <span className="chart-legend-arms" aria-hidden="true">
          {series.map((s) => (
            <span key={s.key}>
              <svg width="22" height="8">
                <line x1="0" y1="4" x2="22" y2="4" stroke={s.stroke} strokeWidth="2" strokeDasharray={s.dash} />
              </svg>{' '}
              {s.name}{' '}
            </span>
          ))}
        </span>
      </div>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={MARGIN}>
            <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
            <XAxis
              dataKey="step"
              type="number"
              domain={[0, Math.max(totalSteps, 1)]}
              ticks={xTicks}
              niceTicks="none"
              interval={0}
              tick={xTick}
              stroke={colors.border}
              label={label}
            />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} niceTicks="none" interval={0} tick={yTick} stroke={colors.border} width={40} />
            <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
            {series.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stroke={s.stroke}
                strokeWidth={s.width}
                strokeDasharray={s.dash}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small chart-caption">
        {firstStep
          ? `Greedy generation on the ${headline.label} split: the CoT arm’s first token is the ${firstStep}, its last the answer. A ${firstStep} line that stays high while exact match falls means a later step is what fails.`
          : `Greedy generation on the ${headline.label} split.`}
      </p>
    </div>
  );
});
