/**
 * The training store as the charts read it: a field throttled while training (at once when stopped), each view
 * with its own lag (useThrottled.ts), and deferred, so that React redraws it in the background, interruptibly.
 */
import { useDeferredValue } from 'react';
import { type Arm, ARMS } from '../../experiment/domain';
import { type TrainingState, useTrainingStore } from '../../store/trainingStore';
import { useThrottled } from './useThrottled';

/** `key` of the store, changing at most every `everyMs` while training and `lagMs` after the store did. */
export function useTrainingFeed<K extends keyof TrainingState>(key: K, everyMs: number, lagMs: number): TrainingState[K] {
  const running = useTrainingStore((s) => s.status === 'running');
  return useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s[key]),
      running ? everyMs : 0,
      lagMs,
    ),
  );
}

/** The arms the run trains, or both before a run says (one array while they do not change). */
export function useShownArms(): readonly Arm[] {
  return useTrainingStore((s) => (s.arms.length ? s.arms : ARMS));
}
