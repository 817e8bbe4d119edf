/**
 * Copies the link of the current experiment. Uses the Clipboard API; where it is missing or refused, shows the
 * link in a selected read-only box so the reader can copy it by hand.
 */
import { useEffect, useRef, useState } from 'react';
import { useExperimentStore } from '../store/experimentStore';
import { usePageStore } from '../store/pageStore';
import { linkFor } from './address';

export function CopyLink() {
  const config = useExperimentStore((s) => s.config);
  const page = usePageStore((s) => s.page); // the link keeps the page keys in force (hide, lock, presenter, story)
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const box = useRef<HTMLInputElement>(null);
  const link = linkFor(config, location, page);

  useEffect(() => {
    if (state !== 'copied') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  useEffect(() => {
    if (state === 'manual') box.current?.select();
  }, [state]);

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setState('copied');
    } catch {
      setState('manual');
    }
  };

  return (
    <span className="copy-link">
      <button type="button" data-testid="copy-link" onClick={copy} aria-live="polite" title="Copy a link to this experiment">
        {state === 'copied' ? '✓ Copied' : 'Copy link'}
      </button>
      {state === 'manual' && (
        <span className="copy-fallback">
          <label>
            <span className="visually-hidden">Link to this experiment</span>
            <input ref={box} readOnly value={link} onFocus={(e) => e.currentTarget.select()} size={28} />
          </label>
          <span className="muted small">Press Ctrl+C to copy</span>
          <button type="button" className="ghost" aria-label="Close the link box" onClick={() => setState('idle')}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}
