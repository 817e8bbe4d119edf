/**
 * The two mechanism charts: "Where is the bridge found?" (per arm × ID/OOD, the first layer at which the bridge
 * is top-1 at the last relation on most test queries, over training steps; a line at "none" where it is at no
 * layer) and the OOD test curves of bridge, answer and exact match, so that a right bridge with a failing second
 * hop reads as such.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { MECHANISM_SPLIT_LABEL, MECHANISM_SPLITS, type MechanismRecord } from '../../experiment/mechanism';
import { stepTicks } from '../training/chartData';
import { plainLabel, plainTick } from '../training/chartParts';
import type { ThemeColors } from '../training/useThemeColors';
import { bridgeFoundRows, oodRows, type FoundKey } from './mechanismData';
import type { MetricRow } from '../../experiment/domain';

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };

const layerName = (v: number, layers: number) => (v > layers ? 'none' : v === 0 ? 'emb' : `L${v}`);

export const BridgeFoundChart = memo(function BridgeFoundChart(props: {
  records: Partial<Record<Arm, readonly MechanismRecord[]>>;
  arms: readonly Arm[];
  layers: number;
  totalSteps: number;
  colors: ThemeColors;
}) {
  const { records, arms, layers, totalSteps, colors } = props;
  const rows = useMemo(() => bridgeFoundRows(records, layers), [records, layers]);
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
              const [arm, split] = String(p.dataKey).split('.') as [Arm, 'idTwoHop' | 'oodTwoHop'];
              const v = Number(p.value);
              return (
                <div key={String(p.dataKey)}>
                  {ARM_LABEL[arm]} · {MECHANISM_SPLIT_LABEL[split]}: {v > layers ? 'at no layer' : v === 0 ? 'at the embedding' : `from layer ${v}`}
                </div>
              );
            })}
          </div>
        );
      },
    [layers],
  );
  return (
    <div className="chart-card" data-testid="bridge-found-chart">
      <div className="chart-head">
        <h3>Where is the bridge found?</h3>
        <span className="chart-legend-arms" aria-hidden="true">
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" />
          </svg>{' '}
          CoT
          <svg width="26" height="8">
            <line x1="0" y1="4" x2="26" y2="4" stroke={colors.fg} strokeWidth="2" strokeDasharray="5 3" />
          </svg>{' '}
          direct
          <span className="swatch" style={{ background: colors.split.idTwoHop }} /> ID
          <span className="swatch" style={{ background: colors.split.oodTwoHop }} /> OOD
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
              MECHANISM_SPLITS.map((split) => {
                const key: FoundKey = `${arm}.${split}`;
                return (
                  <Line
                    key={key}
                    dataKey={key}
                    type="stepAfter"
                    stroke={colors.split[split]}
                    strokeWidth={split === 'oodTwoHop' ? 3 : 1.8}
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
        The first layer (emb = the embedding, L1… after each block) at which the logit lens has the bridge as its top-1 token at the last relation on more than
        half of the sampled test queries; “none” when it is at no layer.
      </p>
    </div>
  );
});

export const OodBridgeChart = memo(function OodBridgeChart(props: { history: Record<Arm, readonly MetricRow[]>; totalSteps: number; colors: ThemeColors }) {
  const { history, totalSteps, colors } = props;
  const rows = useMemo(() => oodRows(history), [history]);
  const xTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const yTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const label = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const xTicks = useMemo(() => stepTicks(Math.max(totalSteps, 1)), [totalSteps]);
  const series: { key: 'bridge' | 'answer' | 'exact' | 'direct'; name: string; stroke: string; width: number; dash?: string }[] = [
    { key: 'bridge', name: 'CoT: bridge right', stroke: colors.split.idAtomic, width: 1.8 },
    { key: 'answer', name: 'CoT: answer right', stroke: colors.split.oodAtomic, width: 1.8 },
    { key: 'exact', name: 'CoT: both (exact match)', stroke: colors.split.oodTwoHop, width: 3 },
    { key: 'direct', name: 'direct: exact match', stroke: colors.split.oodTwoHop, width: 2, dash: '6 4' },
  ];
  return (
    <div className="chart-card" data-testid="ood-bridge-chart">
      <div className="chart-head">
        <h3>OOD test: bridge and answer</h3>
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
        Greedy generation on the OOD test: the CoT arm’s first token is the bridge, its last the answer. A bridge line that stays high while exact match falls
        means the second hop is what fails.
      </p>
    </div>
  );
});
