/**
 * The training side of the page below the training bar (TrainingBar.tsx holds the controls and the headline
 * numbers): the status line, live charts, attention maps and the logit lens.
 */
import { useEffect } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { AccuracyChart } from './AccuracyChart';
import { Inspector } from './Inspector';
import { MechanismPanel } from '../mechanism/MechanismPanel';
import { LossChart } from './LossChart';
import { RlChart } from './RlChart';
import { useRunConfig } from './useRunConfig';
import { GROKKING_NOTE, verdict } from './verdict';
import './training.css';

function StatusLine() {
  const status = useTrainingStore((s) => s.status);
  const step = useTrainingStore((s) => s.step);
  const totalSteps = useTrainingStore((s) => s.totalSteps);
  const arms = useTrainingStore((s) => s.arms);
  const history = useTrainingStore((s) => s.history);
  const error = useTrainingStore((s) => s.error);
  const diverged = useTrainingStore((s) => s.diverged);
  const armProgress = useTrainingStore((s) => s.armProgress);
  const refused = useTrainingStore((s) => s.refused);
  const config = useRunConfig();
  const stopped = Object.fromEntries(arms.flatMap((a) => (armProgress[a]?.stopped ? [[a, armProgress[a]!.stopped!.why]] : [])));
  const text = verdict({ config, status, step, totalSteps, arms, history, error, diverged, stopped, refused });
  return (
    <p className={`status-line ${refused ? 'error' : status}`} data-testid="train-status" role="status">
      {text}
    </p>
  );
}

export function TrainingPanel() {
  const connect = useTrainingStore((s) => s.connect);
  useEffect(() => connect(), [connect]);
  return (
    <section className="training-panel" aria-label="Training">
      <h2 className="training-title">Training</h2>
      <StatusLine />
      <div className="charts">
        <AccuracyChart />
        <LossChart />
        <RlChart />
      </div>
      <p className="muted small grokking-note">{GROKKING_NOTE}</p>
      <Inspector />
      <MechanismPanel />
    </section>
  );
}
