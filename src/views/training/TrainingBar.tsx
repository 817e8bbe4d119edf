/**
 * The training bar: a compact strip that stays at the top of the main column (sticky), so that Play and the
 * CoT-vs-direct gap are on the first screen and stay in view while scrolling: Play/Pause, Step, Reset, the step
 * counter, each arm's pace, the ETA, the backend badge and both arms' accuracy on the task's headline split.
 */
import { useExperimentStore } from '../../store/experimentStore';
import { useTrainingStore } from '../../store/trainingStore';
import { headlineSplit } from '../../tasks/registry';
import { latest } from './chartData';
import './trainingBar.css';
import { ARM_LABEL, type Arm } from '../../experiment/domain';

export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function Buttons() {
  const status = useTrainingStore((s) => s.status);
  const connected = useTrainingStore((s) => s.connected);
  const started = useTrainingStore((s) => s.step > 0);
  const toggle = useTrainingStore((s) => s.toggle);
  const stepOnce = useTrainingStore((s) => s.stepOnce);
  const reset = useTrainingStore((s) => s.reset);
  const refused = useTrainingStore((s) => s.refused);
  const running = status === 'running';
  const stopped = status === 'done' || status === 'error' || !connected || refused !== null;
  return (
    <div className="train-buttons">
      <button
        type="button"
        className="primary"
        data-testid="train-toggle"
        data-tour="play"
        onClick={toggle}
        disabled={stopped}
        title={refused ?? (running ? 'Pause (space)' : 'Train (space)')}
        aria-keyshortcuts="Space"
      >
        {running ? 'Pause' : status === 'done' ? 'Done' : started ? 'Resume' : 'Play'} <kbd>space</kbd>
      </button>
      <button type="button" onClick={stepOnce} disabled={stopped} title="One training step of each arm (s)" aria-keyshortcuts="S">
        Step <kbd>s</kbd>
      </button>
      <button type="button" onClick={reset} title="New weights, same experiment (r)" aria-keyshortcuts="R">
        Reset <kbd>r</kbd>
      </button>
    </div>
  );
}

function Stats() {
  const s = useTrainingStore();
  const running = s.status === 'running';
  const arms = s.arms;
  const steps = arms.map((a) => s.armProgress[a]?.step ?? 0);
  const apart = arms.length > 1 && steps.some((x) => x !== steps[0]);
  const stepTitle =
    arms.length > 1
      ? `The slower arm's step. ${arms.map((a, i) => `${ARM_LABEL[a]}: step ${steps[i]}`).join(', ')} (each arm trains in its own worker).`
      : undefined;
  const trainingOnly = Object.entries(s.armStepsPerSec)
    .map(([a, r]) => `${ARM_LABEL[a as Arm]} ${r.toFixed(1)}`)
    .join(', ');
  const rateTitle = `Wall-clock steps per second of each arm (evaluations included)${trainingOnly ? `; training only: ${trainingOnly}` : ''}`;
  const rates = arms.map((a) => s.armProgress[a]?.stepsPerSec ?? null);
  const rateText =
    !running || rates.every((r) => r === null)
      ? '— steps/s'
      : arms.length > 1
        ? `${arms.map((a, i) => `${ARM_LABEL[a]} ${rates[i]?.toFixed(1) ?? '—'}`).join(' · ')} steps/s`
        : `${rates[0]!.toFixed(1)} steps/s`;
  const memory = arms
    .map(
      (a) =>
        s.armProgress[a]?.memory &&
        `${ARM_LABEL[a]} worker: ${s.armProgress[a]!.memory!.numTensors} tensors, ${(s.armProgress[a]!.memory!.numBytes / 2 ** 20).toFixed(1)} MiB (step ${s.armProgress[a]!.memory!.step})`,
    )
    .filter(Boolean)
    .join('; ');
  // auto's race ("auto: wasm 5.1 steps/s, webgpu 3.2 steps/s → wasm") is a choice, not a fallback
  const fellBack = s.fallbacks.some((f) => !f.startsWith('auto:'));
  const backendWhy = fellBack
    ? `Fell back to ${s.backend}: ${s.fallbacks.join('; ')}`
    : s.backend
      ? `Training runs on ${s.backend}${s.adapter ? ` (${s.adapter})` : ''}, one worker per arm${s.fallbacks.length ? `; ${s.fallbacks.join('; ')}` : ''}`
      : 'Starting…';
  const fallbackWhy = memory ? `${backendWhy}. Memory: ${memory}` : backendWhy;
  return (
    <div className="train-stats" aria-live="off">
      <span className="stat" title={stepTitle}>
        step <strong data-testid="step-count">{s.step}</strong> of {s.totalSteps}
        {apart && !running && <span className="muted small"> ({arms.map((a, i) => `${ARM_LABEL[a]} ${steps[i]}`).join(', ')})</span>}
      </span>
      <span className="stat" title={rateTitle}>
        {rateText}
      </span>
      <span className="stat" title={arms.length > 1 ? 'Time until the slower arm finishes' : undefined}>
        ETA {running ? formatDuration(s.etaSec) : s.status === 'done' ? 'done' : '—'}
      </span>
      <span className={`backend-badge${fellBack ? ' fallback' : ''}`} title={fallbackWhy}>
        <span className="muted">backend</span> <span data-testid="backend">{s.backend ?? ''}</span>
        {s.threads && <span data-testid="backend-threads"> · {s.threads}</span>}
        {s.adapter && <span data-testid="backend-adapter"> · {s.adapter}</span>}
        {fellBack && <span aria-label="fell back"> ⚠</span>}
      </span>
    </div>
  );
}

function Headline() {
  const history = useTrainingStore((s) => s.history);
  const arms = useTrainingStore((s) => s.arms);
  // the run's config once the workers have checked it; the designed one until then
  const runConfig = useTrainingStore((s) => s.runConfig);
  const designed = useExperimentStore((s) => s.config);
  const split = headlineSplit(runConfig ?? designed);
  const stopped = useTrainingStore((s) => s.arms.filter((a) => s.armProgress[a]?.stopped).join(','));
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  return (
    <div className="headline" data-testid="ood-headline" title={`Exact-match accuracy of each arm on the task's headline split: ${split.label}`}>
      <span className="headline-label">{split.label}:</span>
      {arms.map((a, i) => (
        <span key={a} className="headline-pair">
          {i > 0 && <span className="headline-vs">vs</span>}
          <span className={`headline-num ${a}`}>
            <span className="arm">{ARM_LABEL[a]}</span> {stopped.split(',').includes(a) ? 'stopped' : fmt(latest(history[a], split.id))}
          </span>
        </span>
      ))}
    </div>
  );
}

/** Why Play is off: the model is too big for a tab (plain text, on the first screen). */
function Refusal() {
  const refused = useTrainingStore((s) => s.refused);
  if (!refused) return null;
  return (
    <p className="train-refused" data-testid="train-refused" role="alert">
      ⚠ {refused}
    </p>
  );
}

export function TrainingBar() {
  return (
    <div className="training-bar" role="region" aria-label="Training controls">
      <Buttons />
      <Stats />
      <Headline />
      <Refusal />
    </div>
  );
}
