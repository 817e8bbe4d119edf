/**
 * For teachers: choose which parts of the page students see, which parameters they cannot change, presenter
 * view and whether the tour opens, and copy the link ("Copy link for students"). The link is the current
 * experiment plus those page keys (src/experiment/pageKeys.ts); the classroom button itself is hidden in it.
 * Also switches presenter view (larger type, for a projector) on this screen.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { PARAMS, type ParamKey } from '../experiment/schema';
import { useExperimentStore } from '../store/experimentStore';
import { expandLock, GROUPS, PARTS, type Hideable, type PageOptions } from '../experiment/pageKeys';
import { usePageStore } from '../store/pageStore';
import { linkFor } from './address';

const GROUP_TITLE: Record<string, string> = { data: 'Data', model: 'Model', training: 'Training', run: 'Run' };
/** Parts a teacher chooses here (the classroom button is always hidden in a student link). */
const CHOOSABLE = PARTS.filter((p) => p.key !== 'classroom');

export function ClassroomPanel({ id }: { id: string }) {
  const config = useExperimentStore((s) => s.config);
  const page = usePageStore((s) => s.page);
  const setPresenter = usePageStore((s) => s.setPresenter);
  const [hide, setHide] = useState<Set<Hideable>>(() => new Set(page.hide));
  const [lock, setLock] = useState<Set<ParamKey>>(() => new Set(page.lock));
  const [presenter, setStudentPresenter] = useState(page.presenter);
  const [story, setStory] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'manual'>('idle');
  const box = useRef<HTMLInputElement>(null);
  const uid = useId();

  const student: PageOptions = { hide: [...hide, 'classroom'], lock: [...lock], presenter, story, gallery: false };
  const link = linkFor(config, location, student);

  useEffect(() => {
    if (copied !== 'copied') return;
    const t = setTimeout(() => setCopied('idle'), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new link clears the "copied" mark
  useEffect(() => setCopied((c) => (c === 'copied' ? 'idle' : c)), [link]);

  const toggle = <T,>(set: Set<T>, value: T, on: boolean): Set<T> => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    return next;
  };
  const lockGroup = (keys: readonly ParamKey[], on: boolean) => {
    const next = new Set(lock);
    for (const k of keys)
      if (on) next.add(k);
      else next.delete(k);
    setLock(next);
  };
  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setCopied('copied');
    } catch {
      setCopied('manual');
      box.current?.select();
    }
  };

  return (
    <section id={id} className="card classroom" aria-labelledby={`${uid}-title`} data-testid="classroom-panel">
      <h2 id={`${uid}-title`}>Classroom link</h2>
      <p className="muted small">
        A link for your students: this experiment, with only the parts you choose. Nothing here is enforced on their machine; it just keeps the page simple.
      </p>
      <div className="classroom-grid">
        <fieldset>
          <legend>Students see</legend>
          {CHOOSABLE.map((p) => (
            <label key={p.key} className="check">
              <input
                type="checkbox"
                data-testid={`show-${p.key}`}
                checked={!hide.has(p.key)}
                onChange={(e) => setHide(toggle(hide, p.key as Hideable, !e.target.checked))}
              />
              {p.label}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Students cannot change</legend>
          <label className="check">
            <input
              type="checkbox"
              data-testid="lock-all"
              checked={PARAMS.every((p) => lock.has(p.key))}
              onChange={(e) => lockGroup(expandLock(['all']), e.target.checked)}
            />
            every parameter
          </label>
          {GROUPS.map((g) => {
            const keys = expandLock([g]);
            return (
              <div key={g} className="lock-group">
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid={`lock-${g}`}
                    checked={keys.every((k) => lock.has(k))}
                    onChange={(e) => lockGroup(keys, e.target.checked)}
                  />
                  {GROUP_TITLE[g]} settings
                </label>
                <details>
                  <summary className="small">{GROUP_TITLE[g]}: one by one</summary>
                  {PARAMS.filter((p) => p.group === g).map((p) => (
                    <label key={p.key} className="check">
                      <input
                        type="checkbox"
                        data-testid={`lock-${p.key}`}
                        checked={lock.has(p.key)}
                        onChange={(e) => setLock(toggle(lock, p.key as ParamKey, e.target.checked))}
                      />
                      {p.label}
                    </label>
                  ))}
                </details>
              </div>
            );
          })}
        </fieldset>
        <fieldset>
          <legend>When they open it</legend>
          <label className="check">
            <input type="checkbox" data-testid="student-presenter" checked={presenter} onChange={(e) => setStudentPresenter(e.target.checked)} />
            presenter view (larger type)
          </label>
          <label className="check">
            <input type="checkbox" data-testid="student-story" checked={story} onChange={(e) => setStory(e.target.checked)} />
            start with the tour
          </label>
          <p className="small">
            <button type="button" aria-pressed={page.presenter} data-testid="presenter-toggle" onClick={() => setPresenter(!page.presenter)}>
              {page.presenter ? 'Leave presenter view' : 'Presenter view on this screen'}
            </button>
          </p>
        </fieldset>
      </div>
      <div className="classroom-link">
        <label>
          <span className="visually-hidden">Link for students</span>
          <input ref={box} readOnly value={link} data-testid="student-link" onFocus={(e) => e.currentTarget.select()} />
        </label>
        <button type="button" className="primary" data-testid="copy-student-link" onClick={copy} aria-live="polite">
          {copied === 'copied' ? '✓ Copied' : 'Copy link for students'}
        </button>
        <a href={link} target="_blank" rel="noopener">
          Open it
        </a>
      </div>
      {copied === 'manual' && <p className="muted small">The clipboard is not available here: the link is selected, press Ctrl+C to copy it.</p>}
    </section>
  );
}
