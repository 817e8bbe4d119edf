/**
 * The guided tour (src/story/steps.ts): a card at the side of the page with the step's words, what to look at
 * (the element with the step's `data-tour` anchor, set by the views, is outlined and scrolled into view; test ids
 * are the tests', the tour never reads them), what to look for, the numbers the page has measured, and
 * what the step waits for. Back, Next and Close; keyboard: Tab to the buttons, ← and → step, Escape closes.
 * Opened by "Take the tour" (TourButton) or a link with story=1; it is in the address while open. The tour is
 * about the knowledge-graph task: for an experiment of another task the button is off and says why, and an open
 * tour shows only that note.
 * Test hooks: story-start, story-step (data-step = its index), story-next, story-back, story-close.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { usePageStore } from '../store/pageStore';
import { useExperimentStore } from '../store/experimentStore';
import { useTrainingStore } from '../store/trainingStore';
import { paceText, readLens } from './steps';
import { tourOf, tourUnavailable } from './tours';
import { contextOf, installStory, useStoryStore } from './storyStore';
import './story.css';

const TARGET_CLASS = 'story-target';

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** The first target of the step that is on the page and shown (a hidden part has no boxes). */
function findTarget(anchors: readonly string[]): HTMLElement | null {
  for (const anchor of anchors) {
    const all = [...document.querySelectorAll<HTMLElement>(`[data-tour="${anchor}"]`)];
    // the CoT arm's panel first, where a view has one per arm
    const el = all.find((e) => e.dataset.arm === 'cot' && e.getClientRects().length > 0) ?? all.find((e) => e.getClientRects().length > 0);
    if (el) return el;
  }
  return null;
}

export function TourButton() {
  const open = usePageStore((s) => s.page.story);
  const setStory = usePageStore((s) => s.setStory);
  const unavailable = useExperimentStore((e) => tourUnavailable(e.config));
  const tour = useExperimentStore((e) => tourOf(e.config));
  return (
    <button
      type="button"
      data-testid="story-start"
      data-tour="start"
      className={open ? '' : 'tour-button'}
      aria-pressed={open}
      onClick={() => setStory(!open)}
      // an open tour can always be closed
      disabled={!open && unavailable !== null}
      title={unavailable ?? `A guided tour: ${tour?.title} (${tour?.steps.length} steps)`}
    >
      {open ? 'Close the tour' : 'Take the tour'}
    </button>
  );
}

export function Story() {
  const open = usePageStore((s) => s.page.story);
  const unavailable = useExperimentStore((e) => tourUnavailable(e.config));
  // a tour loads its own runs only where it applies (it may be opened by a link to another task's experiment)
  const running = open && unavailable === null;
  useEffect(() => (running ? installStory() : undefined), [running]);
  useEffect(() => {
    if (!open) useStoryStore.getState().clear();
  }, [open]);
  if (!open) return null;
  return unavailable === null ? <StoryCard /> : <StoryUnavailable text={unavailable} />;
}

/** The open tour for an experiment of another task: why it does not run, and Close. */
function StoryUnavailable({ text }: { text: string }) {
  const setStory = usePageStore((p) => p.setStory);
  return (
    <aside className="story-card" aria-label="Guided tour" data-testid="story-unavailable">
      <p>{text}</p>
      <div className="story-nav">
        <button type="button" data-testid="story-close" onClick={() => setStory(false)}>
          Close
        </button>
      </div>
    </aside>
  );
}

function StoryCard() {
  const titleId = useId();
  const s = useStoryStore();
  const training = useTrainingStore();
  const config = useExperimentStore((e) => e.config);
  const setStory = usePageStore((p) => p.setStory);
  const tour = tourOf(config);
  const steps = tour?.steps ?? [];
  const step = steps[Math.min(s.step, steps.length - 1)];
  const ctx = useMemo(() => contextOf(s, training, config), [s, training, config]);
  const heading = useRef<HTMLHeadingElement>(null);
  const card = useRef<HTMLElement>(null);

  // remember what the lens showed on the student's run, per split of the query
  useEffect(() => {
    if (s.loaded !== null || !ctx.main.live) return;
    const seen = readLens(ctx.main, s.seen);
    if (seen !== s.seen) s.setSeen(seen);
  }, [ctx.main, s]);

  // a step that waits moves on when its thing happens while it is shown (not when it had happened already)
  const done = step.wait ? step.wait.done(ctx) : null;
  const doneOnEntry = useRef<{ step: number; done: boolean }>({ step: -1, done: false });
  if (doneOnEntry.current.step !== s.step) doneOnEntry.current = { step: s.step, done: done !== null };
  useEffect(() => {
    if (step.auto && done !== null && !doneOnEntry.current.done && s.step < steps.length - 1) s.goTo(s.step + 1, done);
  }, [done, step.auto, s, steps.length]);

  // focus the card when it opens, so that keyboard users land in it
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  // point at the element to watch (it may appear later: the data card once generated, the lens after an evaluation)
  const target = findTarget(step.target);
  const [, recheck] = useState(0);
  useEffect(() => {
    if (target || step.target.length === 0) return;
    const t = setInterval(() => recheck((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [target, step]);
  useEffect(() => {
    if (!target) return;
    target.classList.add(TARGET_CLASS);
    return () => target.classList.remove(TARGET_CLASS);
  }, [target]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll again on every step, even to the same target
  useEffect(() => {
    target?.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
  }, [target, s.step]);

  const close = () => {
    setStory(false);
    // back to where the tour was opened from
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-tour="start"]')?.focus());
  };
  const next = () => (s.step === steps.length - 1 ? close() : s.goTo(s.step + 1));
  const back = () => s.goTo(s.step - 1);
  const onKey = (e: React.KeyboardEvent) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (!typing && e.key === 'ArrowRight') {
      e.preventDefault();
      next();
    } else if (!typing && e.key === 'ArrowLeft' && s.step > 0) {
      e.preventDefault();
      back();
    }
  };

  const measured = step.measured(ctx);
  const progress = step.wait && done === null ? step.wait.progress(ctx) : null;
  const arrived = s.arrived && s.arrived.step === s.step ? s.arrived.text : null;
  const phases = step.phases ?? [];
  const onPage = s.loaded?.key.startsWith(`${s.step}.`) ? Number(s.loaded.key.split('.')[1]) : null;
  const pace = phases.length ? paceText(ctx.main, phases.length, ctx.main.config.steps) : null;
  // a tour run still on the page at a step without runs (the last step closes the tour anyway)
  const away = !phases.length && s.loaded !== null && s.step !== steps.length - 1;

  return (
    <aside ref={card} className="story-card" aria-labelledby={titleId} data-testid="story-step" data-step={s.step} onKeyDown={onKey}>
      <div className="story-head">
        <span className="story-count muted small">
          {tour?.title} Step {s.step + 1} of {steps.length}
        </span>
        <button type="button" className="ghost small" data-testid="story-close" onClick={close} aria-label="Close the tour" title="Close the tour (Escape)">
          ×
        </button>
      </div>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {step.title}
      </h2>
      <p className="visually-hidden" aria-live="polite">
        Step {s.step + 1} of {steps.length}: {step.title}
      </p>
      <div className="story-body">
        {arrived && (
          <p className="story-arrived" data-testid="story-arrived">
            <span aria-hidden="true">✓ </span>
            {arrived}
          </p>
        )}
        {step.text.map((t, i) => (
          <p key={i}>{t}</p>
        ))}
        <p className="story-watch">
          <strong>Look at: </strong>
          {step.watch}
          {step.target.length > 0 && !target && (
            <span className="muted"> (not on the page yet{step.id === 'inside' ? ': it appears after an evaluation' : ''})</span>
          )}
        </p>
        {step.also && findTarget([step.also.target]) && (
          <p className="story-also">
            {step.also.text}{' '}
            <button
              type="button"
              className="small"
              onClick={() => findTarget([step.also!.target])?.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' })}
            >
              Show it
            </button>
          </p>
        )}
        {away && (
          <p className="story-away">
            The page now runs one of the tour’s experiments; the numbers below were measured on yours.{' '}
            <button type="button" className="small" onClick={s.restoreBase}>
              Back to your experiment
            </button>
          </p>
        )}
        {phases.length > 0 && (
          <div className="story-phases">
            <ol>
              {phases.map((p, i) => {
                const r = ctx.phases[i];
                const state =
                  onPage === i
                    ? r?.status === 'done'
                      ? `done at step ${r.step}`
                      : `training… step ${r?.step ?? 0}`
                    : r
                      ? `run to step ${r.step}`
                      : 'not run yet';
                return (
                  <li key={p.label}>
                    {p.label} <span className="muted">— {state}</span>
                  </li>
                );
              })}
            </ol>
            <div className="story-phase-actions">
              <button type="button" className="primary" data-testid="story-run" onClick={() => s.runPhase(s.step, 0)}>
                {ctx.phases.some((r) => r) ? 'Run them again' : `Run the ${phases.length} runs`}
              </button>
              {onPage !== null && onPage + 1 < phases.length && ctx.phases[onPage]?.status !== 'done' && (
                <button type="button" onClick={() => s.runPhase(s.step, onPage + 1)}>
                  Start the next run now
                </button>
              )}
            </div>
            {pace && <p className="muted small">{pace}</p>}
          </div>
        )}
        {measured.length > 0 && (
          <div className="story-measured" data-testid="story-measured">
            <strong>Measured on this page</strong>
            <ul>
              {measured.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        {step.wait && (
          <p className={`story-wait${done !== null ? ' done' : ''}`} data-testid="story-wait" data-done={done !== null}>
            {done !== null ? (
              <>
                <span aria-hidden="true">✓ </span>
                {done}
              </>
            ) : (
              <>
                {step.wait.label}
                {step.auto ? ' (the tour moves on by itself)' : ''}. {progress}
              </>
            )}
          </p>
        )}
        {step.id === 'real' && (
          <p>
            <a href={`${import.meta.env.BASE_URL}science.md`} target="_blank" rel="noopener">
              The science behind it
            </a>
          </p>
        )}
      </div>
      <div className="story-nav">
        <button type="button" data-testid="story-back" onClick={back} disabled={s.step === 0}>
          ← Back
        </button>
        <span className="story-dots" aria-hidden="true">
          {steps.map((x, i) => (
            <span key={x.id} className={i === s.step ? 'on' : i < s.step ? 'past' : ''} />
          ))}
        </span>
        <button type="button" className="primary" data-testid="story-next" onClick={next}>
          {s.step === steps.length - 1 ? 'Finish' : 'Next →'}
        </button>
      </div>
    </aside>
  );
}
