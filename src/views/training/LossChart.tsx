/** Training loss of both arms (loss on the answer tokens only), linear or log scale. */
import { useDeferredValue, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrainingStore } from '../../store/trainingStore';
import { lossRows, smooth, thin } from './chartData';
import { useThemeColors } from './useThemeColors';

const MAX_POINTS = 500;

export function LossChart() {
  const losses = useDeferredValue(useTrainingStore((s) => s.losses));
  const arms = useTrainingStore((s) => s.arms);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const colors = useThemeColors();
  const [log, setLog] = useState(true);
  const [alpha, setAlpha] = useState(0.6);
  const rows = useMemo(() => thin(smooth(lossRows(losses), alpha), MAX_POINTS), [losses, alpha]);
  const shownArms = useMemo(() => (arms.length ? arms : (['cot', 'direct'] as const)), [arms]);
  const chart = useMemo(
    () => (
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
                <XAxis dataKey="step" type="number" domain={[0, Math.max(totalSteps, 1)]} tick={{ fill: colors.muted, fontSize: 12 }} stroke={colors.border} />
                <YAxis
                  scale={log ? 'log' : 'linear'}
                  domain={log ? ['auto', 'auto'] : [0, 'auto']}
                  allowDataOverflow={false}
                  tick={{ fill: colors.muted, fontSize: 12 }}
                  tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
                  stroke={colors.border}
                  width={44}
                />
                <Tooltip
                  formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
                  labelFormatter={(l) => `step ${String(l)}`}
                  contentStyle={{ background: colors.panel, border: `1px solid ${colors.border}`, color: colors.fg }}
                  isAnimationActive={false}
                />
                {shownArms.map((arm) => (
                  <Line
                    key={arm}
                    dataKey={`${arm}.loss`}
                    name={arm === 'cot' ? 'CoT' : 'direct'}
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
    ),
    [rows, colors, log, shownArms, totalSteps],
  );

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
    </div>
  );
}
