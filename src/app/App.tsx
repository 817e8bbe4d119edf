/**
 * The page: header (title, explanation, copy link, theme), notices, the designer on the left and, on the right,
 * the training bar (sticky: Play and the headline accuracy always in view), the explanation, the data preview and
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
import { ExportPyTorch } from '../views/export/ExportPyTorch';
import { ExportHint } from '../views/export/ExportHint';
import { ErrorBoundary } from './ErrorBoundary';
import { Explanation } from './Explanation';
import { installShortcuts } from './keyboard';
import { openLink, syncAddress } from './address';
import { Notices } from './Notices';
import { initialTheme, saveTheme, type Theme } from './theme';
import { loadFlag, saveFlag } from './prefs';
import { RunsPanel } from '../views/runs/RunsPanel';
import { ResumeOffer } from '../views/runs/ResumeOffer';
import { installRunHistory } from '../store/installRuns';
import { Story, TourButton } from '../story/Story';
import { Gallery } from '../story/gallery/Gallery';
import type { RunLink } from '../story/gallery/findings';
import { useSweepStore } from '../store/sweepStore';
import { ClassroomPanel } from './ClassroomPanel';
import { usePageStore } from '../store/pageStore';
import { isHidden } from '../experiment/pageKeys';
import './classroom.css';
import { installFocusFix } from './focusFix';

const EXPLAIN_ID = 'explanation';
const CLASSROOM_ID = 'classroom';
const GALLERY_ID = 'gallery';

/** A gallery card's Run it: its link opens here (the gallery closes with it) and the run, or the sweep, starts. */
function runFinding(run: RunLink): void {
  openLink(run.query);
  window.scrollTo({ top: 0 });
  if (useSweepStore.getState().spec) {
    document.querySelector('[data-testid="sweep-form"]')?.scrollIntoView({ block: 'center' });
    void useSweepStore.getState().start();
    return;
  }
  const training = useTrainingStore.getState();
  training.reset();
  training.play();
}

export function App() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [explain, setExplain] = useState(() => loadFlag('explain', true));
  const [classroom, setClassroom] = useState(false);
  // page keys of the link (src/experiment/pageKeys.ts): hidden parts are not rendered (or display: none), so out of the tab order
  const page = usePageStore((s) => s.page);
  const shows = (part: Parameters<typeof isHidden>[1]) => !isHidden(page, part);
  const setGallery = usePageStore((s) => s.setGallery);

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
  useEffect(() => installFocusFix(), []);

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
    <div className={`app${page.presenter ? ' presenter' : ''}${shows('designer') ? '' : ' no-designer'}`} data-hide={page.hide.join(' ')}>
      <header className="app-header">
        <h1>CoT Playground</h1>
        <span className="tagline">Why chain-of-thought training lets a small transformer combine facts it never saw combined</span>
        <div className="actions">
          {shows('tour') && <TourButton />}
          {shows('gallery') && (
            <button
              type="button"
              aria-expanded={page.gallery}
              aria-controls={GALLERY_ID}
              onClick={() => setGallery(!page.gallery)}
              data-testid="gallery-toggle"
            >
              Gallery
            </button>
          )}
          {shows('explanation') && (
            <button type="button" aria-expanded={explain} aria-controls={EXPLAIN_ID} onClick={toggleExplain}>
              {explain ? 'Hide explanation' : 'What is this?'}
            </button>
          )}
          {shows('classroom') && (
            <button
              type="button"
              aria-expanded={classroom}
              aria-controls={CLASSROOM_ID}
              onClick={() => setClassroom(!classroom)}
              data-testid="classroom-toggle"
            >
              Classroom
            </button>
          )}
          <CopyLink />
          <ExportPyTorch />
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
      {classroom && shows('classroom') && <ClassroomPanel id={CLASSROOM_ID} />}
      {page.gallery && (
        <ErrorBoundary title="The gallery stopped.">
          <Gallery id={GALLERY_ID} onRun={runFinding} onClose={() => setGallery(false)} />
        </ErrorBoundary>
      )}
      <div className="app-body">
        {shows('designer') && (
          <aside className="designer-column">
            <ErrorBoundary title="The designer stopped.">
              <Designer />
            </ErrorBoundary>
          </aside>
        )}
        <main className="main-column">
          <ErrorBoundary title="The training controls stopped.">
            <TrainingBar />
          </ErrorBoundary>
          {shows('runs') && (
            <ErrorBoundary key="resume" title="The resume offer stopped.">
              <ResumeOffer />
            </ErrorBoundary>
          )}
          <ExportHint />
          {/* once a run has started, its curves come first (in view without scrolling); before, the explanation and the data */}
          {started && training}
          {explain && shows('explanation') && <Explanation id={EXPLAIN_ID} />}
          {shows('preview') && (
            <ErrorBoundary key="preview" title="The data preview stopped.">
              <Preview />
            </ErrorBoundary>
          )}
          {!started && training}
          {shows('runs') && (
            <ErrorBoundary key="runs" title="The runs panel stopped.">
              <RunsPanel />
            </ErrorBoundary>
          )}
        </main>
      </div>
      <ErrorBoundary title="The tour stopped.">
        <Story />
      </ErrorBoundary>
    </div>
  );
}
