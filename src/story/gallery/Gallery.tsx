/**
 * The gallery of findings (`gallery=1`, or the header's Gallery button): one card per claim (./findings.ts) with
 * its source, what the source reports, what this playground measured — read from the reports kept in
 * docs/results/ when the gallery opens — whether the two agree, and Run it buttons that load the experiment (or
 * sweep) here and start it. Everything is plain text. Test hooks: gallery, gallery-card (data-finding = its id),
 * gallery-run.
 */
import { useEffect, useState } from 'react';
import { FINDINGS, type Agreement, type Finding, type RunLink } from './findings';
import { loadKeptReports } from './keptReports';
import type { KeptReport } from './readings';
import './gallery.css';

const AGREEMENT_TEXT: Record<Agreement, string> = {
  agrees: 'Agrees with the source',
  partly: 'Agrees in part',
  disagrees: 'Disagrees with the source',
  'not measured': 'Not measured yet',
};

type Loaded = { status: 'loading' } | { status: 'ready'; reports: KeptReport[]; problems: string[] } | { status: 'failed'; message: string };

function Card({ finding, reports, onRun }: { finding: Finding; reports: KeptReport[]; onRun: (run: RunLink) => void }) {
  const reading = finding.read(reports);
  const runs = finding.runs(reports);
  return (
    <article className="gallery-card" data-testid="gallery-card" data-finding={finding.id} aria-labelledby={`finding-${finding.id}`}>
      <h3 id={`finding-${finding.id}`}>{finding.title}</h3>
      <p className="claim">{finding.claim}</p>
      <p className="source small">
        <a href={finding.source.href} target="_blank" rel="noopener noreferrer">
          {finding.source.text}
        </a>
        : {finding.reported}
      </p>
      <h4>Measured here</h4>
      <ul className="measured">
        {reading.measured.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className={`agreement ${reading.agreement.replace(' ', '-')}`} data-testid="gallery-agreement">
        <strong>{AGREEMENT_TEXT[reading.agreement]}.</strong> {reading.note}
      </p>
      {reading.reports.length > 0 && (
        <details className="small">
          <summary>
            From {reading.reports.length} kept report{reading.reports.length > 1 ? 's' : ''}
          </summary>
          <p className="muted">Written by {finding.command}; in docs/results/:</p>
          <p className="muted report-paths">{reading.reports.join(', ')}</p>
        </details>
      )}
      <div className="runs">
        {runs.map((run) => (
          <button key={run.query} type="button" className="small" data-testid="gallery-run" title={`?${run.query}`} onClick={() => onRun(run)}>
            {run.label}
          </button>
        ))}
      </div>
    </article>
  );
}

export function Gallery({ id, onRun, onClose }: { id: string; onRun: (run: RunLink) => void; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    loadKeptReports().then(
      (r) => live && setLoaded({ status: 'ready', ...r }),
      (e: unknown) => live && setLoaded({ status: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <section id={id} className="card gallery" data-testid="gallery" aria-labelledby={`${id}-title`}>
      <div className="gallery-head">
        <h2 id={`${id}-title`}>Gallery of findings</h2>
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted">
        Claims from the papers behind this playground. Each card says what its source reports and what this playground measured, read from the run reports kept
        with its code (docs/results/), and whether the two agree. <strong>Run it</strong> loads the same experiment here and starts it.
      </p>
      {loaded.status === 'loading' && <p role="status">Reading the kept reports…</p>}
      {loaded.status === 'failed' && <p role="alert">The kept reports could not be read: {loaded.message}</p>}
      {loaded.status === 'ready' && (
        <>
          {loaded.problems.length > 0 && <p role="alert">Some kept reports could not be read: {loaded.problems.join('; ')}</p>}
          <div className="gallery-cards">
            {FINDINGS.map((f) => (
              <Card key={f.id} finding={f} reports={loaded.reports} onRun={onRun} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
