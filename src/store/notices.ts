/**
 * Every notice the training client raises about what its workers said, written here and nowhere else (pure: the
 * client, trainingStore.ts, only shows them). A notice is shown once per run, once for the client's life
 * (`life`: storage problems, which do not change between runs), or, for a backend's fallbacks, unless it repeats
 * the last backend notice (`backend`).
 */
import { ARM_LABEL, armStoppedText, type Arm } from '../experiment/domain';
import type { BackendChoice } from '../experiment/schema';
import type { FromWorker } from '../worker/protocol';
import type { TrainingData } from './reduce';
import { hashMismatch } from './progressSlice';

export interface Notice {
  text: string;
  kind: 'info' | 'warning';
  once: 'run' | 'life' | 'backend';
}

/** What a notice says when a worker could not save its checkpoint. */
function checkpointProblemText(p: { kind: 'quota' | 'unavailable' | 'other'; text: string }): string {
  if (p.kind === 'quota')
    return "The browser's storage for this site is full: the run's checkpoint was not saved, so it cannot be resumed after a reload. Delete or export old runs to make room.";
  if (p.kind === 'unavailable') return 'Checkpoints cannot be saved in this window (no IndexedDB), so a run cannot be resumed after a reload.';
  return `${p.text.replace(/\.$/, '')} (the run's checkpoint, for resuming it after a reload).`;
}

const warning = (text: string): Notice => ({ text, kind: 'warning', once: 'run' });

/**
 * The notices of message `m` from the worker of arm `from`, given the state that already holds it (`s`) and the
 * backend the user asked for (a fallback from `auto` is information, from a named backend a warning).
 */
export function noticesOf(m: FromWorker, from: Arm, s: TrainingData, requested: BackendChoice): Notice[] {
  const out: Notice[] = [];
  const live = s.arms.filter((a) => !s.armProgress[a]?.stopped);
  switch (m.type) {
    case 'backend': {
      if (m.fallbacks.length)
        out.push({ text: `Training on ${m.backend}: ${m.fallbacks.join('; ')}.`, kind: requested === 'auto' ? 'info' : 'warning', once: 'backend' });
      const used = s.arms.map((a) => s.armProgress[a]?.backend ?? null);
      if (used.every((b) => b !== null) && new Set(used).size > 1) {
        const each = s.arms.map((a, i) => `${ARM_LABEL[a]} on ${used[i]}`).join(', ');
        out.push({ text: `The arms train on different backends (${each}), so their speeds are not comparable.`, kind: 'info', once: 'run' });
      }
      break;
    }
    case 'notice':
      // every worker checks the same config: its corrections show once (per run)
      out.push(...m.messages.map(warning));
      break;
    case 'stopped':
      // a non-finite loss: that arm stopped, the others go on
      out.push(warning(armStoppedText(m, live)));
      break;
    case 'checkpoint':
      if (m.problem) out.push({ text: checkpointProblemText(m.problem), kind: m.problem.kind === 'unavailable' ? 'info' : 'warning', once: 'life' });
      break;
    case 'resumed':
      if (m.problem) out.push(warning(`The ${ARM_LABEL[m.arm]} arm could not resume: ${m.problem}.`));
      break;
    case 'error': {
      // the arm's worker failed (or crashed): the other arm goes on
      const goOn = live.length
        ? ` The ${live.map((a) => ARM_LABEL[a]).join(' and ')} arm goes on; its curves and what ${ARM_LABEL[from]} drew so far stay.`
        : '';
      const step = s.armProgress[from]?.step ?? 0;
      out.push(warning(`The ${ARM_LABEL[from]} arm stopped at step ${step}: ${m.message.replace(/\.$/, '')}.${goOn} Reset starts a fresh run.`));
      break;
    }
    default:
      break;
  }
  if ((m.type === 'examples' || m.type === 'ready') && hashMismatch(s)) {
    const hashes = s.arms.map((a) => `${ARM_LABEL[a]} ${s.armProgress[a]?.hash}`).join(', ');
    out.push(warning(`The two arms' workers generated different datasets (hashes ${hashes}); the comparison is not fair. Please report this.`));
  }
  return out;
}
