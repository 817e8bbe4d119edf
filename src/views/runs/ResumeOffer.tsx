/**
 * After a reload (or a closed tab) the run that was training is not lost: when the current experiment is that of
 * a saved run that can be resumed and nothing has trained yet, a line under the training bar offers to go on
 * with it from its last checkpoint (the runs panel offers the same for every such run).
 */
import { configToQuery } from '../../experiment/link';
import { totalSteps } from '../../experiment/phases';
import { lastStep, resumable } from '../../runs/record';
import { useExperimentStore } from '../../store/experimentStore';
import { useRunsStore } from '../../store/runsStore';
import { useTrainingStore } from '../../store/trainingStore';
import { resumeStep } from './RunsPanel';
import './runs.css';

export function ResumeOffer() {
  const link = useExperimentStore((s) => configToQuery(s.config));
  const fresh = useTrainingStore((s) => s.status === 'idle' && s.step === 0 && !s.resumed);
  const recordId = useTrainingStore((s) => s.recordId);
  // newest first (pinned runs first, then by creation: the newest interrupted run of this experiment)
  const run = useRunsStore(
    (s) => s.runs.filter((r) => r.id !== recordId && r.report.link === link && resumable(r)).sort((a, b) => b.createdAt - a.createdAt)[0],
  );
  if (!fresh || !run) return null;
  const from = resumeStep(run);
  const what = run.status === 'interrupted' ? 'was interrupted' : run.status === 'error' ? 'failed' : 'stopped';
  const n = (x: number) => x.toLocaleString('en-US');
  const text = `“${run.name}” of this experiment ${what} at step ${n(lastStep(run.report))} of ${n(totalSteps(run.report.config))}; its last checkpoint is at step ${n(from)}.`;
  return (
    <p className="resume-offer" role="status" data-testid="resume-offer">
      <span>{text}</span>
      <button
        type="button"
        className="small primary"
        onClick={() => useTrainingStore.getState().resume({ id: run.id, config: run.report.config })}
        data-testid="resume-offer-button"
      >
        Resume from step {n(from)}
      </button>
    </p>
  );
}
