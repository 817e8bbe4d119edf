/**
 * Ticked runs side by side: their accuracy curves overlaid (the splits a user picks, of the runs' tasks; one
 * colour per run, CoT solid and direct dashed, each task's headline split drawn thicker), a legend made of what
 * differs among them, and a table of final and best figures. Two seeds of one link show the seed spread.
 */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { headlineSplit } from '../../tasks/registry';
import { figureRows, maxStep, overlayKey, overlayRows, splitsOfRuns, spreadOf, type Figure, type OverlayRow } from '../../runs/compare';
import { legendLabels, varyingKeys } from '../../runs/diff';
import type { RunRecord } from '../../runs/record';
import { useRunsStore } from '../../store/runsStore';
import { stepTicks } from '../training/chartData';
import { plainLabel, plainTick } from '../training/chartParts';
import { useThemeColors, type ThemeColors } from '../training/useThemeColors';

/** One colour per compared run (in the order ticked). */
export const runColor = (i: number) => schemeTableau10[i % schemeTableau10.length];

const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const Y_DOMAIN: [number, number] = [0, 1];
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];
const fmt = (f: Figure['final']) => (f ? f.value.toFixed(3) : '–');

interface Series {
  key: string;
  run: number;
  arm: Arm;
  split: string;
  /** The split is its run's task's headline (drawn thicker). */
  headline: boolean;
}

const ComparePlot = memo(function ComparePlot(props: {
  rows: OverlayRow[];
  series: Series[];
  labels: string[];
  splitLabel: Record<string, string>;
  colors: ThemeColors;
  total: number;
}) {
  const { rows, series, labels, splitLabel, colors, total } = props;
  const tick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const label = useMemo(() => ({ value: 'step', position: 'insideBottomRight' as const, offset: -2, content: plainLabel('step', colors.muted) }), [colors]);
  const xDomain = useMemo(() => [0, Math.max(total, 1)], [total]);
  const xTicks = useMemo(() => stepTicks(Math.max(total, 1)), [total]);
  const tooltip = useMemo(
    () =>
      function CompareTooltip({ active, payload, label: step }: TooltipContentProps) {
        if (!active || !payload?.length) return null;
        return (
          <div className="chart-tooltip">
            <div className="chart-tooltip-title">step {String(step)}</div>
            {payload
              .filter((p) => typeof p.value === 'number')
              .map((p) => {
                const s = series.find((x) => x.key === p.dataKey);
                if (!s) return null;
                return (
                  <div key={s.key} style={{ color: runColor(s.run) }}>
                    {labels[s.run]} · {ARM_LABEL[s.arm]} · {splitLabel[s.split] ?? s.split}: {(p.value as number).toFixed(3)}
                  </div>
                );
              })}
          </div>
        );
      },
    [series, labels, splitLabel],
  );
  return (
    <ResponsiveContainer width="100%" height={280}>
      <LineChart data={rows} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} niceTicks="none" interval={0} tick={tick} stroke={colors.border} label={label} />
        <YAxis domain={Y_DOMAIN} ticks={Y_TICKS} niceTicks="none" interval={0} tick={tick} stroke={colors.border} width={40} />
        <Tooltip content={tooltip} isAnimationActive={false} />
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            stroke={runColor(s.run)}
            strokeWidth={s.headline ? 3 : 1.5}
            strokeOpacity={s.headline ? 1 : 0.7}
            strokeDasharray={s.arm === 'direct' ? '6 4' : undefined}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});

export function CompareView() {
  const all = useRunsStore((s) => s.runs);
  const ids = useRunsStore((s) => s.compare);
  const setCompared = useRunsStore((s) => s.setCompared);
  const colors = useThemeColors();
  // the splits picked; null: each run's headline split (until the user picks)
  const [picked, setPicked] = useState<string[] | null>(null);
  const [arms, setArms] = useState<Record<Arm, boolean>>({ cot: true, direct: true });

  const runs = useMemo(() => ids.map((id) => all.find((r) => r.id === id)).filter((r): r is RunRecord => r !== undefined), [all, ids]);
  const reports = useMemo(() => runs.map((r) => r.report), [runs]);
  const available = useMemo(() => splitsOfRuns(reports.map((r) => r.config)), [reports]);
  const splitLabel = useMemo(() => Object.fromEntries(available.map((s) => [s.id, s.label])), [available]);
  const headlineOf = useMemo(() => reports.map((r) => headlineSplit(r.config).id), [reports]);
  const splits = useMemo(() => {
    const want = picked ?? headlineOf;
    return available.map((s) => s.id).filter((id) => want.includes(id));
  }, [picked, headlineOf, available]);
  const labels = useMemo(() => legendLabels(runs.map((r) => ({ config: r.report.config, name: r.name }))), [runs]);
  const rows = useMemo(() => overlayRows(reports, splits), [reports, splits]);
  const series = useMemo(
    () =>
      reports.flatMap((r, i) =>
        (['cot', 'direct'] as const)
          .filter((a) => arms[a] && r.arms[a])
          .flatMap((arm) => splits.map((split) => ({ key: overlayKey(i, arm, split), run: i, arm, split, headline: split === headlineOf[i] }))),
      ),
    [reports, splits, arms, headlineOf],
  );
  const figures = useMemo(() => figureRows(reports, splits).filter((f) => arms[f.arm]), [reports, splits, arms]);
  const total = useMemo(() => maxStep(reports), [reports]);
  // runs of one link that differ only by seed: how far apart their results are
  const spread = useMemo(() => {
    const keys = varyingKeys(reports.map((r) => r.config));
    return keys.length === 1 && keys[0] === 'seed' ? spreadOf(reports, splits).filter((x) => arms[x.arm]) : [];
  }, [reports, splits, arms]);

  if (runs.length === 0) return null;
  const toggleSplit = (s: string, on: boolean) => setPicked(on ? [...splits, s] : splits.filter((x) => x !== s));

  return (
    <div className="compare-view" data-testid="compare-view">
      <div className="chart-head">
        <h3>
          Compare {runs.length} run{runs.length === 1 ? '' : 's'}
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
        <span className="chart-tools">
          <button type="button" onClick={() => ids.forEach((id) => setCompared(id, false))}>
            Untick all
          </button>
        </span>
      </div>
      <div className="split-chips" role="group" aria-label="Splits compared">
        {available.map((s) => (
          <label key={s.id} className={`split-chip${splits.includes(s.id) ? ' on' : ''}`}>
            <input
              type="checkbox"
              checked={splits.includes(s.id)}
              onChange={(e) => toggleSplit(s.id, e.target.checked)}
              data-testid={`compare-split-${s.id}`}
            />
            <span className="tick" aria-hidden="true" />
            {s.label}
          </label>
        ))}
        {(['cot', 'direct'] as const).map((a) => (
          <label key={a} className={`split-chip${arms[a] ? ' on' : ''}`}>
            <input type="checkbox" checked={arms[a]} onChange={(e) => setArms({ ...arms, [a]: e.target.checked })} />
            <span className="tick" aria-hidden="true" />
            {ARM_LABEL[a]}
          </label>
        ))}
      </div>
      <ul className="compare-legend" data-testid="compare-legend">
        {runs.map((r, i) => (
          <li key={r.id} title={r.name}>
            <span className="swatch" style={{ background: runColor(i) }} />
            {labels[i]}
          </li>
        ))}
      </ul>
      <div className="chart-box" data-testid="compare-chart" data-series={series.length}>
        {series.length === 0 && <div className="chart-empty">Pick a split and an arm to draw.</div>}
        <ComparePlot rows={rows} series={series} labels={labels} splitLabel={splitLabel} colors={colors} total={total} />
      </div>
      <div className="compare-table-wrap">
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">arm</th>
              <th scope="col">steps</th>
              {splits.map((s) => (
                <th key={s} scope="col" colSpan={2}>
                  {splitLabel[s]}
                </th>
              ))}
            </tr>
            <tr className="sub">
              <th />
              <th />
              <th />
              {splits.map((s) => [
                <th key={`${s}-f`} scope="col">
                  final
                </th>,
                <th key={`${s}-b`} scope="col">
                  best (step)
                </th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr key={`${f.runIndex}-${f.arm}`}>
                <td>
                  <span className="swatch" style={{ background: runColor(f.runIndex) }} />
                  {labels[f.runIndex]}
                </td>
                <td>{ARM_LABEL[f.arm]}</td>
                <td className="num">{f.steps.toLocaleString('en-US')}</td>
                {splits.map((s) => [
                  <td key={`${s}-f`} className="num">
                    {fmt(f.figures[s].final)}
                  </td>,
                  <td key={`${s}-b`} className="num">
                    {f.figures[s].best ? `${f.figures[s].best!.value.toFixed(3)} (${f.figures[s].best!.step.toLocaleString('en-US')})` : '–'}
                  </td>,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {spread.length > 0 && (
        <p className="small" data-testid="seed-spread">
          <strong>Seed spread</strong> (final, over {spread[0].n} seeds):{' '}
          {spread
            .map((x) => `${ARM_LABEL[x.arm]} ${splitLabel[x.split] ?? x.split} ${x.min.toFixed(3)}–${x.max.toFixed(3)} (mean ${x.mean.toFixed(3)})`)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}
