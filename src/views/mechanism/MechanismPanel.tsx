/**
 * The circuit over all test queries (issue: Q2 made visible): where each arm finds the bridge over training,
 * the OOD bridge/answer curves, the plain-words reading generated from the measurements, the aggregated logit
 * lens and causal tracing heatmaps of the latest measurement, and what measuring costs. Fed by the workers'
 * `mechanism` messages (src/worker/mechanism.ts) through the training store.
 */
import { useDeferredValue, useMemo } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { ARM_LABEL, type Arm } from '../../experiment/domain';
import { lastRelationPosition, MECHANISM_SPLIT_LABEL, MECHANISM_SPLITS, type MechanismRecord } from '../../experiment/mechanism';
import { useThemeColors, type ThemeColors } from '../training/useThemeColors';
import { useThrottled } from '../training/useThrottled';
import { Heatmap } from './Heatmap';
import { BridgeFoundChart, OodBridgeChart } from './MechanismCharts';
import { MechanismPresets } from './MechanismPresets';
import { answerPosition, latest, readMechanism } from './reading';
import './mechanism.css';

function LensGrids({ arm, rec, colors }: { arm: Arm; rec: MechanismRecord; colors: ThemeColors }) {
  const cot = arm === 'cot';
  return (
    <div className="mech-arm" data-testid="mech-lens" data-arm={arm}>
      <strong style={{ color: cot ? colors.cot : colors.direct }}>{ARM_LABEL[arm]} arm</strong> <span className="muted small">step {rec.step}</span>
      <div className="mech-grids">
        {MECHANISM_SPLITS.flatMap((split) => {
          const l = rec.lens.find((x) => x.split === split);
          if (!l || l.queries === 0) return [];
          const name = MECHANISM_SPLIT_LABEL[split];
          return [
            <Heatmap
              key={`${split}-b`}
              title={`${name}: bridge top-1`}
              grid={l.bridgeTop1}
              positions={l.positions}
              mark={lastRelationPosition(l.positions)}
              colors={colors}
              what="of the queries have the bridge top-1"
            />,
            ...(l.bridge2Top1
              ? [
                  <Heatmap
                    key={`${split}-b2`}
                    title={`${name}: bridge 2 top-1`}
                    grid={l.bridge2Top1}
                    positions={l.positions}
                    mark={lastRelationPosition(l.positions) + 1}
                    colors={colors}
                    what="of the queries have the second bridge top-1"
                  />,
                ]
              : []),
            <Heatmap
              key={`${split}-a`}
              title={`${name}: answer top-1`}
              grid={l.answerTop1}
              positions={l.positions}
              mark={answerPosition(l.positions)}
              colors={colors}
              what="of the queries have the answer top-1"
            />,
          ];
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
            title={`${MECHANISM_SPLIT_LABEL[t.split]}: ${t.target} restored`}
            grid={t.restored}
            positions={t.positions}
            mark={t.target === 'bridge' ? lastRelationPosition(t.positions) : answerPosition(t.positions)}
            colors={colors}
            what={`of the clean ${t.target}'s probability restored (${t.queries} queries)`}
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
  const running = useTrainingStore((s) => s.status === 'running');
  const mechanism = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.mechanism),
      running ? 1000 : 0,
      700,
    ),
  );
  const history = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.history),
      running ? 1000 : 0,
      800,
    ),
  );
  const arms = useTrainingStore((s) => s.arms);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const layers = useTrainingStore((s) => s.runConfig?.layers ?? null);
  const armStepsPerSec = useTrainingStore((s) => s.armStepsPerSec);
  const colors = useThemeColors();
  const shownArms = useMemo<Arm[]>(() => (arms.length ? arms : ['cot', 'direct']), [arms]);
  const L = layers ?? 0;
  const readings = useMemo(() => (layers ? readMechanism(mechanism, shownArms, layers) : []), [mechanism, shownArms, layers]);
  return (
    <section className="mechanism" aria-label="The circuit over all test queries" data-testid="mechanism-panel">
      <div className="mech-head">
        <h3>The circuit, over all test queries</h3>
        <MechanismPresets />
      </div>
      <p className="muted small">
        After evaluations each arm’s worker reads the logit lens over a fixed sample of ID and OOD test queries (and, within a time budget, traces them
        causally). The question of the paper: does the CoT arm resolve the bridge at the last relation in an intermediate layer, and use the bridge it wrote to
        find the answer?
      </p>
      <div className="charts">
        <BridgeFoundChart records={mechanism} arms={shownArms} layers={L} totalSteps={totalSteps} colors={colors} />
        <OodBridgeChart history={history} totalSteps={totalSteps} colors={colors} />
      </div>
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
        Each cell: the share of sampled queries whose bridge (or answer) is the lens’ top-1 token there (%, rows = the residual stream after the embedding and
        after each layer; outlined = where the arm must say it; at the token’s own position the lens echoes the input).
      </p>
      <div className="mech-row">
        {shownArms.map((a) => {
          const rec = latest(mechanism[a] ?? [], 'lens');
          return rec ? <LensGrids key={a} arm={a} rec={rec} colors={colors} /> : null;
        })}
      </div>
      <h4>Causal tracing</h4>
      <p className="muted small">
        Each cell: how much of the clean target’s probability comes back (%) when that one state of the clean query is copied into the run of a counterfactual
        with another head entity. “–”: the clean run barely prefers that target, nothing to restore.
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
