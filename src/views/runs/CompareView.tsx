/**
 * Ticked runs side by side: their accuracy curves overlaid (the splits a user picks, of the runs' tasks; one
 * colour per run, CoT solid and direct dashed, each task's headline split drawn thicker), a legend made of what
 * differs among them, and a table of final and best figures. Two seeds of one link show the seed spread.
 */
import { useMemo, useState } from 'react';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { headlineSplit } from '../../tasks/registry';
import { figureRows, maxStep, overlayKey, overlayRows, splitsOfRuns, spreadOf, type Figure, type FigureRow } from '../../runs/compare';
import { legendLabels, varyingKeys } from '../../runs/diff';
import type { RunRecord } from '../../runs/record';
import { useRunsStore } from '../../store/runsStore';
import { ARM_LEGEND, ChartFrame, ChipRow, type Chip } from '../charts/ChartFrame';
import { rowsTable } from '../charts/exportChart';
import { SHARE_AXIS, StepPlot, type PlotSeries, type TooltipLines } from '../charts/StepPlot';
import { useThemeColors } from '../training/useThemeColors';

/** One colour per compared run (in the order ticked). */
export const runColor = (i: number) => schemeTableau10[i % schemeTableau10.length];

const fmt = (f: Figure['final']) => (f ? f.value.toFixed(3) : '–');

interface CompareSeries extends PlotSeries {
  run: number;
  arm: Arm;
  split: string;
}

/** The tooltip's lines: run, arm and split of each line, in the run's colour. */
function compareLines(series: readonly CompareSeries[], labels: readonly string[], splitLabel: Record<string, string>): TooltipLines {
  return function CompareLines(entries) {
    return entries.map((e) => {
      const s = series.find((x) => x.key === e.key);
      if (!s) return null;
      return (
        <div key={s.key} style={{ color: runColor(s.run) }}>
          {labels[s.run]} · {ARM_LABEL[s.arm]} · {splitLabel[s.split] ?? s.split}: {e.value.toFixed(3)}
        </div>
      );
    });
  };
}

/** Final and best figures per run × arm, for each compared split. */
function FiguresTable({
  figures,
  splits,
  splitLabel,
  labels,
}: {
  figures: readonly FigureRow[];
  splits: readonly string[];
  splitLabel: Record<string, string>;
  labels: readonly string[];
}) {
  return (
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
  );
}

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
  const series = useMemo<CompareSeries[]>(
    () =>
      reports.flatMap((r, i) =>
        (['cot', 'direct'] as const)
          .filter((a) => arms[a] && r.arms[a])
          .flatMap((arm) =>
            splits.map((split) => {
              const headline = split === headlineOf[i];
              return {
                key: overlayKey(i, arm, split),
                run: i,
                arm,
                split,
                stroke: runColor(i),
                width: headline ? 3 : 1.5,
                opacity: headline ? 1 : 0.7,
                dashed: arm === 'direct',
              };
            }),
          ),
      ),
    [reports, splits, arms, headlineOf],
  );
  const tooltip = useMemo(() => compareLines(series, labels, splitLabel), [series, labels, splitLabel]);
  const figures = useMemo(() => figureRows(reports, splits).filter((f) => arms[f.arm]), [reports, splits, arms]);
  const total = useMemo(() => maxStep(reports), [reports]);
  // runs of one link that differ only by seed: how far apart their results are
  const spread = useMemo(() => {
    const keys = varyingKeys(reports.map((r) => r.config));
    return keys.length === 1 && keys[0] === 'seed' ? spreadOf(reports, splits).filter((x) => arms[x.arm]) : [];
  }, [reports, splits, arms]);

  if (runs.length === 0) return null;
  const toggleSplit = (s: string, on: boolean) => setPicked(on ? [...splits, s] : splits.filter((x) => x !== s));

  const chips: Chip[] = [
    ...available.map((s) => ({
      id: s.id,
      label: s.label,
      on: splits.includes(s.id),
      testId: `compare-split-${s.id}`,
      onChange: (on: boolean) => toggleSplit(s.id, on),
    })),
    ...(['cot', 'direct'] as const).map((a) => ({ id: a, label: ARM_LABEL[a], on: arms[a], onChange: (on: boolean) => setArms({ ...arms, [a]: on }) })),
  ];

  return (
    <ChartFrame
      className="compare-view"
      card={{ 'data-testid': 'compare-view' }}
      title={`Compare ${runs.length} run${runs.length === 1 ? '' : 's'}`}
      legend={ARM_LEGEND}
      tools={
        <button type="button" onClick={() => ids.forEach((id) => setCompared(id, false))}>
          Untick all
        </button>
      }
      exportAs={{
        png: 'cot-playground-compare.png',
        title: `${labels.join(' vs ')} (CoT solid, direct dashed)`,
        csv: {
          file: 'cot-playground-compare.csv',
          hint: 'One row per evaluated step; a column per run × arm × split drawn',
          table: () => {
            const { data } = rowsTable(
              rows,
              series.map((s) => s.key),
            );
            return { fields: ['step', ...series.map((s) => `${labels[s.run]} · ${s.arm} · ${splitLabel[s.split] ?? s.split}`)], data };
          },
        },
      }}
      hasData={series.length > 0}
      empty="Pick a split and an arm to draw."
      above={
        <>
          <ChipRow label="Splits compared" chips={chips} />
          <ul className="compare-legend" data-testid="compare-legend">
            {runs.map((r, i) => (
              <li key={r.id} title={r.name}>
                <span className="swatch" style={{ background: runColor(i) }} />
                {labels[i]}
              </li>
            ))}
          </ul>
        </>
      }
      box={{ 'data-testid': 'compare-chart', 'data-series': series.length }}
      below={
        <>
          <FiguresTable figures={figures} splits={splits} splitLabel={splitLabel} labels={labels} />
          {spread.length > 0 && (
            <p className="small" data-testid="seed-spread">
              <strong>Seed spread</strong> (final, over {spread[0].n} seeds):{' '}
              {spread
                .map((x) => `${ARM_LABEL[x.arm]} ${splitLabel[x.split] ?? x.split} ${x.min.toFixed(3)}–${x.max.toFixed(3)} (mean ${x.mean.toFixed(3)})`)
                .join(' · ')}
            </p>
          )}
        </>
      }
    >
      <StepPlot rows={rows} series={series} colors={colors} height={280} to={total} y={SHARE_AXIS} tooltip={tooltip} />
    </ChartFrame>
  );
}
