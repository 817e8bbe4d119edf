/**
 * The page: header (title, explanation, copy link, theme), notices, the designer on the left and, on the right,
 * the training bar (sticky: Play and the OOD headline always in view), the explanation, the data preview and
 * the training panel — which moves up under the bar once a run starts, so that its curves are in view. Each view sits in an error boundary, so a crash in one shows a message instead of a
 * blank page.
 */
import { useEffect, useState } from 'react';
import { Designer } from '../views/design/Designer';
import { Preview } from '../views/design/Preview';
import { TrainingBar } from '../views/training/TrainingBar';
import { TrainingPanel } from '../views/training/TrainingPanel';
import { useTrainingStore } from '../store/trainingStore';
import { CopyLink } from './CopyLink';
import { ErrorBoundary } from './ErrorBoundary';
import { Explanation } from './Explanation';
import { installShortcuts } from './keyboard';
import { syncAddress } from './link';
import { Notices } from './Notices';
import { initialTheme, saveTheme, type Theme } from './theme';
import { loadFlag, saveFlag } from './prefs';
import { RunsPanel } from '../views/runs/RunsPanel';
import { installRunHistory } from '../store/installRuns';

const EXPLAIN_ID = 'explanation';

export function App() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [explain, setExplain] = useState(() => loadFlag('explain', true));

  // a run that has left step 0 (running, paused or done): the training panel moves up under the bar
  const started = useTrainingStore((s) => s.status !== 'idle');
  const training = (
    <ErrorBoundary key="training" title="The training view stopped.">
      <TrainingPanel />
    </ErrorBoundary>
  );

  useEffect(() => syncAddress(), []);
  useEffect(() => installShortcuts(), []);
  useEffect(() => installRunHistory(), []);

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    saveTheme(next);
    setTheme(next);
  };
  const toggleExplain = () => {
    saveFlag('explain', !explain);
    setExplain(!explain);
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1>CoT Playground</h1>
        <span className="tagline">Why chain-of-thought training lets a small transformer combine facts it never saw combined</span>
        <div className="actions">
          <button type="button" aria-expanded={explain} aria-controls={EXPLAIN_ID} onClick={toggleExplain}>
            {explain ? 'Hide explanation' : 'What is this?'}
          </button>
          <CopyLink />
          <button
            type="button"
            className="theme-toggle"
            onClick={toggleTheme}
            aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          >
            <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span> {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
        </div>
      </header>
      <Notices />
      <div className="app-body">
        <aside className="designer-column">
          <ErrorBoundary title="The designer stopped.">
            <Designer />
          </ErrorBoundary>
        </aside>
        <main className="main-column">
          <ErrorBoundary title="The training controls stopped.">
            <TrainingBar />
          </ErrorBoundary>
          {/* once a run has started, its curves come first (in view without scrolling); before, the explanation and the data */}
          {started && training}
          {explain && <Explanation id={EXPLAIN_ID} />}
          <ErrorBoundary key="preview" title="The data preview stopped.">
            <Preview />
          </ErrorBoundary>
          {!started && training}
          <ErrorBoundary key="runs" title="The runs panel stopped.">
            <RunsPanel />
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
