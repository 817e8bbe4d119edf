/**
 * The runs panel: every run kept (trained here, or imported), pinned first then newest first, each labelled by
 * how its experiment differs from the current one. Per run: tick to compare, rename (click the name), pin,
 * open (restore its link), resume (a run interrupted or stopped, from its last checkpoint), export (JSON report,
 * CSV), delete. For all: import a report file, export all,
 * clear all (pinned runs are kept). Ticked runs are drawn together below (CompareView.tsx). Plain text only.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { ARM_LABEL, ARMS } from '../../experiment/domain';
import type { Config } from '../../experiment/schema';
import { runsCsv } from '../../runs/csv';
import { diffLabel, diffTitle } from '../../runs/diff';
import { lastStep, resumable, type RunRecord } from '../../runs/record';
import { reportJson } from '../../runs/reportFormat';
import { useExperimentStore } from '../../store/experimentStore';
import { useRunsStore } from '../../store/runsStore';
import { useTrainingStore } from '../../store/trainingStore';
import { headlineSplit } from '../../tasks/registry';
import { download } from '../charts/exportChart';
import { CompareView } from './CompareView';
import { SweepPanel } from './SweepPanel';
import './runs.css';

const STATUS_TEXT: Record<RunRecord['status'], string> = {
  training: 'training',
  paused: 'stopped',
  done: 'done',
  error: 'failed',
  imported: 'imported',
  interrupted: 'interrupted',
};

/** The step a resumed run goes on from: its arms' checkpoints (the slower arm's). */
export const resumeStep = (r: RunRecord) => Math.min(...Object.values(r.checkpoint ?? {}));

/**
 * Whether the run offers Resume: it can be resumed, and it is not the current run (that one plays on from where
 * it is) unless an arm's worker of it crashed and nothing trains.
 */
export function useResumable(run: RunRecord): boolean {
  const live = useTrainingStore((s) => s.recordId === run.id && (s.status === 'running' || !ARMS.some((a) => s.armProgress[a]?.stopped?.cause === 'crash')));
  return !live && resumable(run);
}

const fmt = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
const slug = (s: string) =>
  s
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'run';

function when(t: number): string {
  const d = new Date(t);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** A run's export as the CLI's --json report (with its name). */
function reportOf(r: RunRecord) {
  return { ...r.report, name: r.name };
}
export function exportJson(runs: RunRecord[], filename: string): void {
  const body = runs.length === 1 ? reportOf(runs[0]) : runs.map(reportOf);
  download(new Blob([reportJson(body)], { type: 'application/json' }), filename);
}
export function exportCsv(runs: RunRecord[], filename: string): void {
  download(new Blob([runsCsv(runs)], { type: 'text/csv;charset=utf-8' }), filename);
}

function RunName({ run }: { run: RunRecord }) {
  const rename = useRunsStore((s) => s.rename);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(run.name);
  if (!editing) {
    return (
      <button type="button" className="ghost run-name" title="Rename" onClick={() => (setText(run.name), setEditing(true))} data-testid="run-name">
        {run.name}
      </button>
    );
  }
  const done = (save: boolean) => {
    setEditing(false);
    if (save && text.trim() && text !== run.name) void rename(run.id, text);
  };
  return (
    <input
      className="run-name-input"
      aria-label="Run name"
      autoFocus
      maxLength={120}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => done(true)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') done(true);
        if (e.key === 'Escape') done(false);
      }}
    />
  );
}

const RunItem = memo(function RunItem({ run, current, compared }: { run: RunRecord; current: Config; compared: boolean }) {
  const { setCompared, togglePin, remove, open } = useRunsStore.getState();
  const canResume = useResumable(run);
  const config = run.report.config;
  const step = lastStep(run.report);
  // the run's headline split (its task's) at its last evaluation
  const headline = headlineSplit(config);
  const finals = ARMS.filter((a) => run.report.arms[a]).map((a) => `${ARM_LABEL[a]} ${fmt(run.report.arms[a]!.final?.acc[headline.id])}`);
  return (
    <li className={`run-item${compared ? ' compared' : ''}${run.pinned ? ' pinned' : ''}`} data-testid="run-item" data-run-id={run.id} data-status={run.status}>
      <label className="run-check" title="Compare: draw this run with the other ticked runs">
        <input
          type="checkbox"
          data-testid="run-compare"
          checked={compared}
          onChange={(e) => setCompared(run.id, e.target.checked)}
          aria-label={`Compare ${run.name}`}
        />
      </label>
      <div className="run-main">
        <div className="run-line">
          <RunName run={run} />
          <span className="run-diff" title={diffTitle(config, current)} data-testid="run-diff">
            {diffLabel(config, current)}
          </span>
        </div>
        <div className="run-meta muted">
          <span className={`run-status ${run.status}`}>{STATUS_TEXT[run.status]}</span>
          <span>
            step {step.toLocaleString('en-US')} / {config.steps.toLocaleString('en-US')}
          </span>
          <span title={`${headline.label}: exact match at the last evaluation`}>
            {headline.label}: {finals.join(' · ')}
          </span>
          <span>{run.report.backend}</span>
          <span title={new Date(run.createdAt).toString()}>{when(run.createdAt)}</span>
        </div>
      </div>
      <div className="run-actions">
        {canResume && (
          <button
            type="button"
            className="small primary"
            onClick={() => useTrainingStore.getState().resume({ id: run.id, config: run.report.config })}
            title={`Go on training this run from step ${resumeStep(run)}, its last checkpoint (its link becomes the current experiment)`}
            data-testid="run-resume"
          >
            Resume
          </button>
        )}
        <button
          type="button"
          className="ghost small"
          onClick={() => open(run.id)}
          title="Load this run's experiment (its link) into the designer"
          data-testid="run-open"
        >
          Open
        </button>
        <button
          type="button"
          className={`ghost small${run.pinned ? ' on' : ''}`}
          aria-pressed={run.pinned}
          onClick={() => void togglePin(run.id)}
          title={run.pinned ? 'Unpin' : 'Pin: keep at the top, and keep when clearing all'}
          data-testid="run-pin"
        >
          {run.pinned ? '★' : '☆'}
        </button>
        <button
          type="button"
          className="ghost small"
          onClick={() => exportJson([run], `${slug(run.name)}.json`)}
          title="Download as a run report (the CLI's --json format)"
        >
          JSON
        </button>
        <button type="button" className="ghost small" onClick={() => exportCsv([run], `${slug(run.name)}.csv`)} title="Download every evaluation as CSV">
          CSV
        </button>
        <button
          type="button"
          className="ghost small danger"
          onClick={() => void remove(run.id)}
          title="Delete this run"
          aria-label={`Delete ${run.name}`}
          data-testid="run-delete"
        >
          ✕
        </button>
      </div>
    </li>
  );
});

function ClearAll({ count }: { count: number }) {
  const clearAll = useRunsStore((s) => s.clearAll);
  const [asking, setAsking] = useState(false);
  if (count === 0) return null;
  if (!asking) {
    return (
      <button type="button" className="small" onClick={() => setAsking(true)} data-testid="runs-clear">
        Clear all
      </button>
    );
  }
  return (
    <span className="runs-confirm" role="group" aria-label="Confirm clearing">
      Delete {count} run{count === 1 ? '' : 's'} (pinned runs stay)?
      <button type="button" className="small danger" onClick={() => (setAsking(false), void clearAll())} data-testid="runs-clear-yes">
        Delete
      </button>
      <button type="button" className="small" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/** How much of this site's storage quota is used (navigator.storage.estimate), as text; null where the browser does not say. */
function useStorageUse(deps: unknown): string | null {
  const [text, setText] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` changes when runs are saved or deleted: measure again
  useEffect(() => {
    let live = true;
    const est = typeof navigator !== 'undefined' ? navigator.storage?.estimate?.bind(navigator.storage) : undefined;
    if (!est) return;
    est()
      .then(({ usage, quota }) => {
        if (!live || usage === undefined || !quota) return;
        const mb = (x: number) => (x / 1e6 < 10 ? (x / 1e6).toFixed(1) : Math.round(x / 1e6).toLocaleString('en-US'));
        setText(`${mb(usage)} MB of ${mb(quota)} MB used`);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [deps]);
  return text;
}

export function RunsPanel() {
  const runs = useRunsStore((s) => s.runs);
  const compare = useRunsStore((s) => s.compare);
  const storage = useRunsStore((s) => s.storage);
  const storageNote = useRunsStore((s) => s.storageNote);
  const importFiles = useRunsStore((s) => s.importFiles);
  const current = useExperimentStore((s) => s.config);
  const input = useRef<HTMLInputElement>(null);
  const [importing, setImporting] = useState(false);
  const unpinned = runs.filter((r) => !r.pinned).length;
  const used = useStorageUse(storage === 'indexeddb' ? runs.length : -1);

  const onFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    setImporting(true);
    try {
      await importFiles([...files].slice(0, 20));
    } finally {
      setImporting(false);
      if (input.current) input.current.value = '';
    }
  };
  const stamp = new Date().toISOString().slice(0, 10);

  return (
    <section className="runs-panel" aria-label="Runs" data-testid="runs-panel">
      <div className="runs-head">
        <h2>Runs</h2>
        <span className="muted small">
          {runs.length} kept{storage === 'indexeddb' ? ' in this browser' : storage === 'memory' ? ' until the page closes' : ''}
          {storage === 'indexeddb' && used ? <span title="This site's storage in this browser (runs and the app's files)"> ({used})</span> : null} · tick to
          compare
        </span>
        <span className="runs-tools">
          <label className="button small" title="Import run reports (npm run experiment -- … --json FILE, or an export from here), JSON or CSV">
            {importing ? 'Importing…' : 'Import…'}
            <input
              ref={input}
              type="file"
              accept=".json,.csv,application/json,text/csv"
              multiple
              className="visually-hidden"
              data-testid="import-run"
              onChange={(e) => void onFiles(e.target.files)}
            />
          </label>
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() => exportJson(runs, `cot-playground-runs-${stamp}.json`)}
            title="Download every run as a list of run reports (JSON)"
          >
            Export all
          </button>
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() => exportCsv(runs, `cot-playground-runs-${stamp}.csv`)}
            title="Download every evaluation of every run as one CSV"
          >
            CSV
          </button>
          <ClearAll count={unpinned} />
        </span>
      </div>
      {storageNote && (
        <p className="runs-note" role="note" data-testid="runs-storage-note">
          {storageNote}
        </p>
      )}
      {runs.length === 0 ? (
        <p className="muted small runs-empty">
          {storage === 'loading'
            ? 'Reading saved runs…'
            : 'No runs yet. Every run you train is kept here (saved at each evaluation), and so is every report you import.'}
        </p>
      ) : (
        <ul className="run-list">
          {runs.map((r) => (
            <RunItem key={r.id} run={r} current={current} compared={compare.includes(r.id)} />
          ))}
        </ul>
      )}
      <SweepPanel />
      <CompareView />
    </section>
  );
}
