/**
 * The preview of the current data distribution, recomputed 150 ms after the data parameters stop changing.
 * Generation runs in a worker (a large graph takes a second or two); a request that arrives while one is in
 * flight replaces the busy worker. A config the task says is too large to generate gets its message at once.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_CONFIG, type Config } from '../../experiment/schema';
import { taskOf, taskSourceOf } from '../../tasks/registry';
import { computePreview, dataOf, type PreviewRequest, type PreviewResponse, type PreviewResult } from '../../data/datasetPreview';

export const PREVIEW_DEBOUNCE_MS = 150;

export interface PreviewState {
  result: PreviewResult | null;
  /** True while a newer preview is being computed (the shown one may be stale). */
  pending: boolean;
}

function makeWorker(): Worker | null {
  try {
    return new Worker(new URL('../../worker/preview.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null; // no module workers: compute on the main thread instead
  }
}

export function usePreview(config: Config): PreviewState {
  const data = useMemo(() => dataOf(config), [config]);
  // a task file loaded in this page since (same config, same hash) makes a new preview
  const key = JSON.stringify([data, taskSourceOf(config) !== undefined]);
  const [state, setState] = useState<PreviewState>({ result: null, pending: true });
  const worker = useRef<Worker | null>(null);
  const busy = useRef(false);
  const lastId = useRef(0);
  const first = useRef(true);

  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );

  useEffect(() => {
    const c = (JSON.parse(key) as [typeof data, boolean])[0];
    const id = ++lastId.current;
    setState((s) => ({ ...s, pending: true }));
    const run = () => {
      const full = { ...DEFAULT_CONFIG, ...c } as Config;
      const taskFile = taskSourceOf(full);
      const tooLarge = taskOf(full).tooLarge(full);
      if (tooLarge) {
        setState({ result: { kind: 'too-big', message: tooLarge }, pending: false });
        return;
      }
      if (busy.current && worker.current) {
        worker.current.terminate(); // its answer would be stale anyway
        worker.current = null;
      }
      if (!worker.current) {
        worker.current = makeWorker();
        if (worker.current) {
          const w = worker.current;
          w.onmessage = (e: MessageEvent<PreviewResponse>) => {
            busy.current = false;
            if (e.data.id === lastId.current) setState({ result: e.data.result, pending: false });
          };
          w.onerror = (e) => {
            busy.current = false;
            e.preventDefault();
            setState({ result: { kind: 'error', message: e.message || 'The preview worker failed.' }, pending: false });
          };
        }
      }
      if (worker.current) {
        busy.current = true;
        const req: PreviewRequest = { id, config: c, ...(taskFile !== undefined ? { taskFile } : {}) };
        worker.current.postMessage(req);
      } else {
        const result = computePreview(c);
        if (id === lastId.current) setState({ result, pending: false });
      }
    };
    const delay = first.current ? 0 : PREVIEW_DEBOUNCE_MS;
    first.current = false;
    const t = setTimeout(run, delay);
    return () => clearTimeout(t);
  }, [key]);

  return state;
}
