/** Generates the dataset off the main thread and answers with the task's small preview only. */
import type { Config } from '../experiment/schema';
import { computePreview, type PreviewResult } from '../data/datasetPreview';

export interface PreviewRequest {
  id: number;
  /** The data parameters of the config (previewResult.ts `dataOf`). */
  config: Partial<Config>;
}
export interface PreviewResponse {
  id: number;
  result: PreviewResult;
}

self.onmessage = (e: MessageEvent<PreviewRequest>) => {
  const { id, config } = e.data;
  const response: PreviewResponse = { id, result: computePreview(config) };
  self.postMessage(response);
};
