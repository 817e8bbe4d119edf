/**
 * The circuit over all test queries (issue: Q2 made visible): where each arm finds the task's intermediate
 * results over training, the headline split's curves, the plain-words reading generated from the measurements,
 * the aggregated logit lens and causal tracing heatmaps of the latest measurement, and what measuring costs. Fed
 * by the workers' `mechanism` messages (src/worker/mechanismWatch.ts) through the training store. A task with several
 * intermediate results gets a selector: which one the "where is it found" chart and the lens heatmaps show.
 */
import { useId, useMemo, useState } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { ANSWER, trackedIndex, type MechanismRecord, type TrackedResult } from '../../experiment/mechanism';
import { headlineSplit, taskOf } from '../../tasks/registry';
import { useThemeColors, type ThemeColors } from '../training/useThemeColors';
import { useShownArms, useTrainingFeed } from '../training/useTrainingFeed';
import { Heatmap } from './Heatmap';
import { FoundChart, HeadlineChart } from './MechanismCharts';
import { MechanismPresets } from './MechanismPresets';
import { measuredSplitsOf, trackedStepsOf } from './mechanismData';
import { latest, readMechanism } from './reading';
import './mechanism.css';

function LensGrids({ arm, rec, target, colors }: { arm: Arm; rec: MechanismRecord; target: TrackedResult | null; colors: ThemeColors }) {
  const cot = arm === 'cot';
  return (
    <div className="mech-arm" data-testid="mech-lens" data-arm={arm}>
      <strong style={{ color: cot ? colors.cot : colors.direct }}>{ARM_LABEL[arm]} arm</strong> <span className="muted small">step {rec.step}</span>
      <div className="mech-grids">
        {rec.lens.flatMap((l) => {
          if (l.queries === 0) return [];
          // the chosen intermediate result (where this lens tracks it), then the answer
          const shown = [target ? trackedIndex(l, target.name) : -1, trackedIndex(l, ANSWER)].filter((k) => k >= 0);
          return shown.map((k) => {
            const t = l.tracked[k];
            return (
              <Heatmap
                key={`${l.split}-${t.name}`}
                title={`${l.splitLabel}: ${t.label} top-1`}
                grid={l.top1[k]}
                positions={l.positions}
                mark={t.position}
                colors={colors}
                what={`of the queries have the ${t.label} top-1`}
              />
            );
          });
        })}
      </div>
    </div>
  );
}

function TraceGrids({ arm, rec, colors }: { arm: Arm; rec: MechanismRecord; colors: ThemeColors }) {
  return (
    <div className="mech-arm" data-testid="mech-trace" data-arm={arm}>
      <strong style={{ color: arm === 'cot' ? colors.cot : colors.direct }}>{ARM_LABEL[arm]} arm</strong> <span className="muted small">step {rec.step}</span>
      <div className="mech-grids">
        {rec.trace.map((t) => (
          <Heatmap
            key={`${t.split}-${t.target}`}
            title={`${t.splitLabel}: ${t.label} restored`}
            grid={t.restored}
            positions={t.positions}
            mark={t.position}
            colors={colors}
            what={`of the clean ${t.label}'s probability restored (${t.queries} queries)`}
          />
        ))}
      </div>
    </div>
  );
}

/** "lens 40 ms, tracing 900 ms per measurement; 3.1% of this arm's training time so far" from the records. */
function costText(recs: readonly MechanismRecord[], trainSeconds: number | null): string | null {
  const lens = recs.filter((r) => r.lens.length > 0);
  const traced = recs.filter((r) => r.trace.length > 0);
  if (lens.length === 0) return null;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const spent = recs.reduce((s, r) => s + r.ms.lens + r.ms.trace, 0) / 1000;
  const share = trainSeconds && trainSeconds > 0 ? `; ${((100 * spent) / trainSeconds).toFixed(1)}% of its training time so far` : '';
  const trace = traced.length ? `, tracing ${Math.round(mean(traced.map((r) => r.ms.trace)))} ms (${traced.length}×)` : ', no tracing yet';
  return `lens ${Math.round(mean(lens.map((r) => r.ms.lens)))} ms (${lens.length}×)${trace}${share}`;
}

export function MechanismPanel() {
  const mechanism = useTrainingFeed('mechanism', 1000, 700);
  const history = useTrainingFeed('history', 1000, 800);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const runConfig = useTrainingStore((s) => s.runConfig);
  const layers = runConfig?.layers ?? null;
  const armStepsPerSec = useTrainingStore((s) => s.armStepsPerSec);
  const colors = useThemeColors();
  const shownArms = useShownArms();
  const L = layers ?? 0;
  const readings = useMemo(() => (layers ? readMechanism(mechanism, shownArms, layers) : []), [mechanism, shownArms, layers]);
  const splits = useMemo(() => measuredSplitsOf(mechanism), [mechanism]);
  const steps = useMemo(() => trackedStepsOf(mechanism), [mechanism]);
  const [chosen, setChosen] = useState<string | null>(null);
  const target = steps.find((s) => s.name === chosen) ?? steps[0] ?? null;
  const selectId = useId();
  const headline = useMemo(() => {
    if (runConfig) return { split: headlineSplit(runConfig), firstStep: taskOf(runConfig).intermediates(runConfig)[0]?.label ?? null };
    const h = splits.find((s) => s.headline);
    return h ? { split: { id: h.id, label: h.label }, firstStep: steps[0]?.label ?? null } : null;
  }, [runConfig, splits, steps]);
  const stepNames = steps.map((s) => s.label).join(', ');
  return (
    <section className="mechanism" aria-label="The circuit over all test queries" data-testid="mechanism-panel">
      <div className="mech-head">
        <h3>The circuit, over all test queries</h3>
        <MechanismPresets />
      </div>
      <p className="muted small">
        After evaluations each arm’s worker reads the logit lens over a fixed sample of {splits.length ? splits.map((s) => s.label).join(' and ') : 'the'} test
        queries (and, within a time budget, traces them causally). The question: does the CoT arm compute each intermediate result
        {stepNames ? ` (${stepNames})` : ''} in an intermediate layer where it must say it, and use what it wrote to find the answer?
      </p>
      <div className="charts">
        <FoundChart records={mechanism} arms={shownArms} layers={L} totalSteps={totalSteps} colors={colors} target={target} splits={splits} />
        {headline && <HeadlineChart history={history} totalSteps={totalSteps} colors={colors} headline={headline.split} firstStep={headline.firstStep} />}
      </div>
      {steps.length > 1 && (
        <p className="mech-target small">
          <label htmlFor={selectId}>Intermediate result shown in the chart and the lens heatmaps: </label>
          <select id={selectId} value={target?.name ?? ''} onChange={(e) => setChosen(e.target.value)} data-testid="mechanism-target">
            {steps.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name === s.label ? s.name : `${s.name}: ${s.label}`}
              </option>
            ))}
          </select>
        </p>
      )}
      <div className="mech-reading" data-testid="mechanism-reading" aria-live="off">
        <h4>What the numbers say</h4>
        {readings.length === 0 && <p className="muted">Waiting for the first measurement…</p>}
        {readings.map((r) => (
          <div key={r.arm} className="mech-reading-arm">
            <p data-arm={r.arm}>
              <strong>{r.sentences[0]}</strong>
            </p>
            {r.sentences.length > 1 && (
              <ul>
                {r.sentences.slice(1).map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
      <h4>Aggregated logit lens</h4>
      <p className="muted small">
        Each cell: the share of sampled queries whose {target ? target.label : 'intermediate result'} (or answer) is the lens’ top-1 token there (%, rows = the
        residual stream after the embedding and after each layer; outlined = where the arm must say it; at the token’s own position the lens echoes the input).
      </p>
      <div className="mech-row">
        {shownArms.map((a) => {
          const rec = latest(mechanism[a] ?? [], 'lens');
          return rec ? <LensGrids key={a} arm={a} rec={rec} target={target} colors={colors} /> : null;
        })}
      </div>
      <h4>Causal tracing</h4>
      <p className="muted small">
        Each cell: how much of the clean target’s probability comes back (%) when that one state of the clean query is copied into the run of a counterfactual
        query (the same roles, other intermediate results and answer).
        {steps.length > 3 ? ' Traced: the first, middle and last intermediate result, and the answer.' : ''} “–”: the clean run barely prefers that target,
        nothing to restore.
      </p>
      <div className="mech-row">
        {shownArms.map((a) => {
          const rec = latest(mechanism[a] ?? [], 'trace');
          return rec ? (
            <TraceGrids key={a} arm={a} rec={rec} colors={colors} />
          ) : (
            <p key={a} className="muted small">
              {ARM_LABEL[a]} arm: no tracing yet (it runs every few evaluations, within 10% of training time).
            </p>
          );
        })}
      </div>
      <p className="muted small" data-testid="mechanism-cost">
        {shownArms
          .map((a) => {
            const recs = mechanism[a] ?? [];
            const last = recs.at(-1);
            const sps = armStepsPerSec[a];
            const text = costText(recs, last && sps ? last.step / sps : null);
            return text ? `${ARM_LABEL[a]}: ${text}` : null;
          })
          .filter(Boolean)
          .join(' · ') || 'Cost: not measured yet.'}
      </p>
    </section>
  );
}
