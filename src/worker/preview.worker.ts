/** Generates the dataset off the main thread and answers with the task's small preview only. */
import { computePreview, type PreviewRequest, type PreviewResponse } from '../data/datasetPreview';

self.onmessage = (e: MessageEvent<PreviewRequest>) => {
  const { id, config, taskFile } = e.data;
  const response: PreviewResponse = { id, result: computePreview(config, typeof taskFile === 'string' ? taskFile : undefined) };
  self.postMessage(response);
};
