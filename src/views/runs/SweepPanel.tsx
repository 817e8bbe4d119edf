/**
 * Sweeps: pick a parameter, a list of values and seeds; the runs queue through the training workers one after
 * another (progress, ETA, cancel); the sweep chart draws a metric of each run (final, best, or at step N; the
 * task's headline split by default) against the parameter, per arm, one point per seed and a line through their means — the
 * shape of the paper's figure on noise. A sweep is a link too (`sweep=noise:0,0.2,0.4&seeds=0,1`).
 */
import { memo, useEffect, useMemo, useState } from 'react';
import { ComposedChart, CartesianGrid, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { ARM_LABEL, type Arm, ARMS } from '../../experiment/domain';
import { PARAMS, paramApplies, type Param, type ParamKey } from '../../experiment/schema';
import { splitsOfRuns } from '../../runs/compare';
import { headlineSplit } from '../../tasks/registry';
import { FIGURE_PRESETS, presetOf, type FigurePreset } from '../../runs/figurePresets';
import type { RunRecord } from '../../runs/record';
import { readSweep, runCount, sweepPoints, sweepQuery, type SweepMetric, type SweepSpec } from '../../runs/sweepPlan';
import { useExperimentStore } from '../../store/experimentStore';
import { useRunsStore } from '../../store/runsStore';
import { useSweepStore } from '../../store/sweepStore';
import { plainTick } from '../charts/chartParts';
import { useThemeColors, type ThemeColors } from '../training/useThemeColors';

/** The parameters a sweep can vary for an experiment of `task`: its task's and the shared ones (not backend, arms). */
const sweepable = (task: string) => (PARAMS as readonly Param[]).filter((p) => p.key !== 'backend' && p.key !== 'arms' && paramApplies(p, task));
const fmtEta = (s: number | null) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** The runs of one sweep (the one running or last run, else the newest in the list) and its spec. */
function useSweepRuns(): { runs: RunRecord[]; spec: SweepSpec | null } {
  const all = useRunsStore((s) => s.runs);
  const sweepId = useSweepStore((s) => s.sweepId);
  const spec = useSweepStore((s) => s.spec);
  return useMemo(() => {
    const id = sweepId ?? all.filter((r) => r.sweep).sort((a, b) => b.createdAt - a.createdAt)[0]?.sweep?.id ?? null;
    const runs = id ? all.filter((r) => r.sweep?.id === id) : [];
    if (runs.length === 0) return { runs, spec: null };
    const key = runs[0].sweep!.key as ParamKey;
    if (spec && spec.key === key && runs.every((r) => spec.values.includes(r.sweep!.value))) return { runs, spec };
    const values = [...new Set(runs.map((r) => r.sweep!.value))].sort((a, b) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
    );
    return { runs, spec: { key, values, seeds: [...new Set(runs.map((r) => r.sweep!.seed))] } };
  }, [all, sweepId, spec]);
}

interface PlotProps {
  spec: SweepSpec;
  points: { x: number; y: number; arm: Arm; seed: number; value: string | number }[];
  means: { x: number; cot?: number; direct?: number }[];
  colors: ThemeColors;
}
const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1];

const SweepPlot = memo(function SweepPlot({ spec, points, means, colors }: PlotProps) {
  const numeric = spec.values.every((v) => typeof v === 'number');
  const ticks = numeric ? (spec.values as number[]) : spec.values.map((_, i) => i);
  const format = (x: number) => (numeric ? String(x) : String(spec.values[x] ?? ''));
  const xTick = useMemo(() => plainTick(colors.muted, (x: number) => (numeric ? String(x) : String(spec.values[x] ?? ''))), [colors, numeric, spec]);
  const yTick = useMemo(() => plainTick(colors.muted, String), [colors]);
  const lo = Math.min(...ticks);
  const hi = Math.max(...ticks);
  const pad = hi > lo ? (hi - lo) * 0.05 : 0.5;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={means} margin={MARGIN}>
        <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
        <XAxis dataKey="x" type="number" domain={[lo - pad, hi + pad]} ticks={ticks} niceTicks="none" interval={0} tick={xTick} stroke={colors.border} />
        <YAxis domain={[0, 1]} ticks={Y_TICKS} niceTicks="none" interval={0} tick={yTick} stroke={colors.border} width={40} />
        <Tooltip
          isAnimationActive={false}
          formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
          labelFormatter={(x) => `${spec.key} ${format(Number(x))}`}
        />
        {ARMS.map((arm) => (
          <Line
            key={`mean-${arm}`}
            dataKey={arm}
            name={`${ARM_LABEL[arm]} mean`}
            stroke={colors[arm]}
            strokeWidth={2.5}
            strokeDasharray={arm === 'direct' ? '6 4' : undefined}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
        {ARMS.map((arm) => (
          <Scatter
            key={`pts-${arm}`}
            name={`${ARM_LABEL[arm]} runs`}
            data={points.filter((p) => p.arm === arm)}
            dataKey="y"
            fill={colors[arm]}
            isAnimationActive={false}
            className={`sweep-points-${arm}`}
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
});

function SweepChart() {
  const { runs, spec } = useSweepRuns();
  const colors = useThemeColors();
  const [metric, setMetric] = useState<SweepMetric>('final');
  // the split picked; null: the first run's headline split
  const [picked, setPicked] = useState<string | null>(null);
  const [step, setStep] = useState(1000);
  const splits = useMemo(() => splitsOfRuns(runs.map((r) => r.report.config)), [runs]);
  const split = picked !== null && splits.some((s) => s.id === picked) ? picked : runs[0] ? headlineSplit(runs[0].report.config).id : '';
  const splitLabel = splits.find((s) => s.id === split)?.label ?? split;
  const data = useMemo(() => {
    if (!spec) return null;
    const { points, means } = sweepPoints(
      spec,
      runs.map((r) => ({ value: r.sweep!.value, seed: r.sweep!.seed, arms: r.report.arms })),
      split,
      metric,
      step,
    );
    const xOf = (v: string | number) => (spec.values.every((x) => typeof x === 'number') ? (v as number) : spec.values.indexOf(v));
    const rows = spec.values
      .map((v) => {
        const row: { x: number; cot?: number; direct?: number } = { x: xOf(v) };
        for (const m of means.filter((m) => m.value === v)) row[m.arm] = m.mean;
        return row;
      })
      .filter((r) => r.cot !== undefined || r.direct !== undefined);
    return { points: points.map((p) => ({ ...p, x: xOf(p.value) })), means: rows };
  }, [runs, spec, split, metric, step]);
  if (!spec || !data) return null;
  return (
    <div className="sweep-chart-card">
      <div className="chart-head">
        <h3>
          {splitLabel} against {spec.key}
        </h3>
        <span className="muted small">
          {runs.length} of {runCount(spec)} runs · points: one per seed · line: their mean (CoT solid, direct dashed)
        </span>
      </div>
      <div className="split-chips sweep-controls">
        <label>
          metric{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value as SweepMetric)} data-testid="sweep-metric">
            <option value="final">final</option>
            <option value="best">best</option>
            <option value="atStep">at step</option>
          </select>
        </label>
        {metric === 'atStep' && (
          <input
            type="number"
            min={0}
            step={100}
            value={step}
            onChange={(e) => setStep(Math.max(0, Number(e.target.value) || 0))}
            aria-label="Step"
            className="sweep-step"
          />
        )}
        <label>
          split{' '}
          <select value={split} onChange={(e) => setPicked(e.target.value)}>
            {splits.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="chart-box" data-testid="sweep-chart" data-points={data.points.length} data-key={spec.key}>
        {data.points.length === 0 && <div className="chart-empty">Points appear as the sweep's runs finish their evaluations.</div>}
        <SweepPlot spec={spec} points={data.points} means={data.means} colors={colors} />
      </div>
    </div>
  );
}

function SweepForm() {
  const spec = useSweepStore((s) => s.spec);
  const status = useSweepStore((s) => s.status);
  const index = useSweepStore((s) => s.index);
  const total = useSweepStore((s) => s.total);
  const etaSec = useSweepStore((s) => s.etaSec);
  const problems = useSweepStore((s) => s.problems);
  const { define, start, cancel } = useSweepStore.getState();
  const baseSeed = useExperimentStore((s) => s.config.seed);
  const baseTask = useExperimentStore((s) => s.config.task);
  const [key, setKey] = useState<ParamKey>(spec?.key ?? 'noise');
  const [values, setValues] = useState(spec ? spec.values.join(', ') : '0, 0.2, 0.4');
  const [seeds, setSeeds] = useState(spec ? spec.seeds.join(', ') : String(baseSeed));
  const [copied, setCopied] = useState(false);
  const [preset, setPreset] = useState<FigurePreset | null>(null);
  const choosePreset = (p: FigurePreset) => {
    const { config, spec: presetSpec } = presetOf(p);
    useExperimentStore.getState().setConfig(config);
    define(presetSpec);
    setPreset(p);
  };
  // a sweep from a link fills the form
  useEffect(() => {
    if (!spec) return;
    setKey(spec.key);
    setValues(spec.values.join(', '));
    setSeeds(spec.seeds.join(', '));
  }, [spec]);
  const reading = useMemo(() => readSweep(`${key}:${values}`, seeds.trim() ? seeds : null, baseSeed, baseTask), [key, values, seeds, baseSeed, baseTask]);
  const running = status === 'running';
  const go = () => {
    if (!reading.spec) return;
    define(reading.spec);
    void start();
  };
  const copy = async () => {
    if (!reading.spec) return;
    const url = new URL(location.href);
    const q = url.search
      .replace(/^\?/, '')
      .split('&')
      .filter((p) => p && !/^(sweep|seeds)=/.test(p));
    url.search = [...q, sweepQuery(reading.spec)].join('&');
    try {
      await navigator.clipboard.writeText(url.toString());
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      /* no clipboard: the address bar holds the link once the sweep is defined */
    }
    define(reading.spec);
  };
  return (
    <div className="sweep-form" data-testid="sweep-form">
      <div className="sweep-row">
        <h3>Sweep</h3>
        <label>
          parameter{' '}
          <select value={key} disabled={running} onChange={(e) => setKey(e.target.value as ParamKey)} data-testid="sweep-key">
            {sweepable(baseTask).map((p) => (
              <option key={p.key} value={p.key}>
                {p.key}
              </option>
            ))}
          </select>
        </label>
        <label>
          values <input value={values} disabled={running} onChange={(e) => setValues(e.target.value)} size={16} maxLength={400} data-testid="sweep-values" />
        </label>
        {key !== 'seed' && (
          <label>
            seeds <input value={seeds} disabled={running} onChange={(e) => setSeeds(e.target.value)} size={7} maxLength={200} data-testid="sweep-seeds" />
          </label>
        )}
        {running ? (
          <button type="button" className="small" onClick={cancel} data-testid="sweep-cancel">
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="small primary"
            disabled={!reading.spec}
            onClick={go}
            data-testid="sweep-start"
            title="Train every combination in turn, from the current experiment"
          >
            Start sweep{reading.spec ? ` (${runCount(reading.spec)} runs)` : ''}
          </button>
        )}
        <button type="button" className="small" disabled={!reading.spec} onClick={() => void copy()} title="Copy a link that opens this sweep">
          {copied ? 'Copied' : 'Copy sweep link'}
        </button>
      </div>
      <div className="sweep-row sweep-presets" role="group" aria-label="Paper figures">
        <span className="muted">Paper figures:</span>
        {FIGURE_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className={`small${preset?.id === p.id ? ' on' : ''}`}
            disabled={running}
            onClick={() => choosePreset(p)}
            title={`${p.paper} ${p.cost}.`}
            data-testid={`figure-${p.id}`}
          >
            {p.title}
          </button>
        ))}
      </div>
      {preset && (
        <div className="sweep-preset-note small" data-testid="figure-note">
          <p>
            <strong>{preset.title}.</strong> {preset.paper}
          </p>
          <p className="muted">
            Measured here (seed 0, npm run sweep with this link): {preset.measured} Cost: {preset.cost} (both arms; a tab trains them on two cores). Press Start
            sweep.
          </p>
        </div>
      )}
      {(running || status === 'done' || status === 'cancelled') && (
        <p className="muted small" data-testid="sweep-progress" role="status">
          {running
            ? `Run ${index} of ${total} · ETA ${fmtEta(etaSec)}`
            : status === 'done'
              ? `Sweep finished: ${total} runs.`
              : `Sweep cancelled at run ${index} of ${total}.`}
        </p>
      )}
      {[...reading.problems, ...problems].slice(0, 4).map((p) => (
        <p key={p} className="runs-note">
          {p}
        </p>
      ))}
    </div>
  );
}

export function SweepPanel() {
  return (
    <div className="sweep-panel">
      <SweepForm />
      <SweepChart />
    </div>
  );
}
