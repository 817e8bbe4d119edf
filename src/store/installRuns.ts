/**
 * The page's run history, switched on: reads the saved runs and starts recording the training store's runs
 * into them (src/store/runRecorder.ts). Called once by the app; returns the function that stops recording.
 */
import { startRunRecorder } from './runRecorder';
import { useRunsStore } from './runsStore';
import { useSweepStore } from './sweepStore';
import { useTrainingStore } from './trainingStore';

export function installRunHistory(): () => void {
  void useRunsStore.getState().load();
  return startRunRecorder(useTrainingStore, useRunsStore, { tag: (config) => useSweepStore.getState().tagFor(config) });
}
