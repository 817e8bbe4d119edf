/** The training side of the page: controls, the headline OOD numbers, live charts, attention maps and the logit lens. */
import { useEffect } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { AccuracyChart } from './AccuracyChart';
import { latest } from './chartData';
import { Inspector } from './Inspector';
import { LossChart } from './LossChart';
import { GROKKING_NOTE, verdict } from './verdict';
import './training.css';

export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function Controls() {
  const s = useTrainingStore();
  const running = s.status === 'running';
  const fallbackWhy = s.fallbacks.length ? `Fell back to ${s.backend}: ${s.fallbacks.join('; ')}` : s.backend ? `Training runs on ${s.backend}` : 'Starting…';
  const armRates = Object.entries(s.armStepsPerSec)
    .map(([a, r]) => `${a}: ${r.toFixed(1)} steps/s training only`)
    .join(', ');
  return (
    <div className="train-controls">
      <div className="train-buttons">
        <button
          type="button"
          className="primary"
          data-testid="train-toggle"
          onClick={s.toggle}
          disabled={s.status === 'done' || s.status === 'error' || !s.connected}
          title={running ? 'Pause (space)' : 'Train (space)'}
          aria-keyshortcuts="Space"
        >
          {running ? 'Pause' : s.status === 'done' ? 'Done' : s.step > 0 ? 'Resume' : 'Play'} <kbd>space</kbd>
        </button>
        <button type="button" onClick={s.stepOnce} disabled={s.status === 'done' || s.status === 'error' || !s.connected} title="One training step of each arm (s)" aria-keyshortcuts="S">
          Step <kbd>s</kbd>
        </button>
        <button type="button" onClick={s.reset} title="New weights, same experiment (r)" aria-keyshortcuts="R">
          Reset <kbd>r</kbd>
        </button>
      </div>
      <div className="train-stats" aria-live="off">
        <span className="stat">
          step <strong data-testid="step-count">{s.step}</strong> of {s.totalSteps}
        </span>
        <span className="stat" title={armRates || undefined}>
          {s.stepsPerSec !== null && running ? `${s.stepsPerSec.toFixed(1)} steps/s` : '— steps/s'}
        </span>
        <span className="stat">ETA {running ? formatDuration(s.etaSec) : s.status === 'done' ? 'done' : '—'}</span>
        <span className={`backend-badge${s.fallbacks.length ? ' fallback' : ''}`} title={fallbackWhy}>
          <span className="muted">backend</span> <span data-testid="backend">{s.backend ?? ''}</span>
          {s.fallbacks.length > 0 && <span aria-label="fell back"> ⚠</span>}
        </span>
      </div>
    </div>
  );
}

function Headline() {
  const history = useTrainingStore((s) => s.history);
  const arms = useTrainingStore((s) => s.arms);
  const hops = useTrainingStore((s) => s.vocab?.hops ?? 2);
  const cot = arms.includes('cot') ? latest(history.cot, 'oodTwoHop') : null;
  const direct = arms.includes('direct') ? latest(history.direct, 'oodTwoHop') : null;
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  return (
    <div className="headline" data-testid="ood-headline">
      <span className="headline-label">OOD {hops}-hop accuracy</span>
      {arms.includes('cot') && (
        <span className="headline-num cot">
          <span className="arm">CoT</span> {fmt(cot)}
        </span>
      )}
      {arms.length > 1 && <span className="headline-vs">vs</span>}
      {arms.includes('direct') && (
        <span className="headline-num direct">
          <span className="arm">direct</span> {fmt(direct)}
        </span>
      )}
      <span className="headline-note">queries composed only of facts that were never trained inside any multi-hop example</span>
    </div>
  );
}

function StatusLine() {
  const status = useTrainingStore((s) => s.status);
  const step = useTrainingStore((s) => s.step);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const arms = useTrainingStore((s) => s.arms);
  const history = useTrainingStore((s) => s.history);
  const error = useTrainingStore((s) => s.error);
  const diverged = useTrainingStore((s) => s.diverged);
  const text = verdict({ status, step, totalSteps, arms, history, error, diverged });
  return (
    <p className={`status-line ${status}`} data-testid="train-status" role="status">
      {text}
    </p>
  );
}

export function TrainingPanel() {
  const connect = useTrainingStore((s) => s.connect);
  useEffect(() => connect(), [connect]);
  return (
    <section className="training-panel" aria-label="Training">
      <Controls />
      <StatusLine />
      <Headline />
      <div className="charts">
        <AccuracyChart />
        <LossChart />
      </div>
      <p className="muted small grokking-note">{GROKKING_NOTE}</p>
      <Inspector />
    </section>
  );
}
