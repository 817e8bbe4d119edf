/**
 * "Export for PyTorch": downloads the current experiment as a zip (data.json, config.json, train.py, README.md;
 * the same files as `npm run export -- LINK --out DIR`), built in a worker. The header's button; ExportHint.tsx
 * offers the same under the training bar when the experiment is too large for a browser tab.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { unsupportedForPyTorch } from '../../export/bundle';
import type { Config } from '../../experiment/schema';
import { useExperimentStore } from '../../store/experimentStore';
import type { ExportRequest, ExportResponse } from '../../export/zip';
import { download } from '../charts/exportChart';
import { taskSourceOf } from '../../tasks/registry';
import './export.css';

type State = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; name: string; bytes: number } | { kind: 'error'; message: string };

const sizeText = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);

function useExport(config: Config) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);
  // a new experiment: what was said about the last export no longer applies
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new experiment clears the last export's message
  useEffect(() => setState((s) => (s.kind === 'working' ? s : { kind: 'idle' })), [config]);

  const start = () => {
    worker.current?.terminate();
    let w: Worker;
    try {
      w = new Worker(new URL('../../worker/export.worker.ts', import.meta.url), { type: 'module' });
    } catch (e) {
      setState({ kind: 'error', message: `no worker could start (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    worker.current = w;
    setState({ kind: 'working' });
    w.onmessage = (e: MessageEvent<ExportResponse>) => {
      const r = e.data;
      w.terminate();
      worker.current = null;
      if (r.ok) {
        download(new Blob([r.zip as BlobPart], { type: 'application/zip' }), r.name, 60_000);
        setState({ kind: 'done', name: r.name, bytes: r.zip.byteLength });
      } else setState({ kind: 'error', message: r.message });
    };
    w.onerror = (e) => {
      w.terminate();
      worker.current = null;
      setState({ kind: 'error', message: e.message || 'the export worker failed' });
    };
    const taskFile = taskSourceOf(config);
    w.postMessage({ config, ...(taskFile !== undefined ? { taskFile } : {}) } satisfies ExportRequest);
  };
  return { state, start };
}

export function ExportButton({ testId, primary }: { testId: string; primary?: boolean }) {
  const config = useExperimentStore((s) => s.config);
  const unsupported = useMemo(() => unsupportedForPyTorch(config), [config]);
  const { state, start } = useExport(config);
  const title = unsupported.length
    ? `Cannot export: ${unsupported.join('; ')}`
    : 'Download this experiment for PyTorch: the dataset, the config and train.py (one GPU: python train.py; several: torchrun --nproc_per_node=N train.py)';
  return (
    <span className="export-pytorch">
      <button
        type="button"
        data-testid={testId}
        className={primary ? 'primary' : undefined}
        onClick={start}
        disabled={state.kind === 'working' || unsupported.length > 0}
        title={title}
      >
        {state.kind === 'working' ? 'Exporting…' : 'Export for PyTorch'}
      </button>
      <span className="export-note muted small" aria-live="polite">
        {state.kind === 'done' && `✓ ${state.name} (${sizeText(state.bytes)})`}
        {state.kind === 'error' && <span className="export-error">Export failed: {state.message}</span>}
      </span>
    </span>
  );
}

/** The header's button. */
export function ExportPyTorch() {
  return <ExportButton testId="export-pytorch" />;
}
