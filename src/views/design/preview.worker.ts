/** Generates the dataset off the main thread and answers with the small preview summary only. */
import type { DataConfig } from '../../data/distribution';
import { previewFor, type PreviewResult } from './summary';

export interface PreviewRequest {
  id: number;
  config: DataConfig;
}
export interface PreviewResponse {
  id: number;
  result: PreviewResult;
}

self.onmessage = (e: MessageEvent<PreviewRequest>) => {
  const { id, config } = e.data;
  const response: PreviewResponse = { id, result: previewFor(config) };
  self.postMessage(response);
};
