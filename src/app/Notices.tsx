/** Messages for the reader (corrected links, backend fallbacks …), as plain text, each dismissible. */
import { useExperimentStore } from '../store/experimentStore';

export function Notices() {
  const notices = useExperimentStore((s) => s.notices);
  const dismiss = useExperimentStore((s) => s.dismiss);
  return (
    <div className="notices" role="status" aria-live="polite" aria-label="Notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} data-testid="notice">
          <span className="notice-icon" aria-hidden="true">
            {n.kind === 'warning' ? '⚠' : 'ℹ'}
          </span>
          <span className="notice-text">{n.text}</span>
          <button type="button" className="ghost" aria-label="Dismiss this notice" title="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
      {notices.length > 2 && (
        <button type="button" className="ghost small dismiss-all" onClick={() => notices.forEach((n) => dismiss(n.id))}>
          Dismiss all
        </button>
      )}
    </div>
  );
}
