/**
 * The sizes of the task's data: a grid of counts, how the pool of queries divides (a bar with a legend), the
 * task's warnings and notes.
 */
import type { PreviewBar, TaskPreview } from '../../tasks/types';

const n = (x: number) => x.toLocaleString('en-US');

function SplitBar({ bar }: { bar: PreviewBar }) {
  const total = Math.max(1, bar.total);
  return (
    <div className="split-bar-wrap">
      <div className="split-bar-caption muted small">{bar.caption}</div>
      <div className="split-bar" role="img" aria-label={bar.parts.map((p) => `${p.label} ${n(p.value)}`).join(', ')}>
        {bar.parts.map((p, i) =>
          p.value > 0 ? <span key={i} className={`seg seg-${p.tone}`} style={{ flexGrow: p.value / total }} title={`${p.label}: ${n(p.value)}`} /> : null,
        )}
      </div>
      <ul className="split-legend small">
        {bar.parts.map((p, i) => (
          <li key={i}>
            <span className={`swatch seg-${p.tone}`} /> {p.label} <span className="muted">{n(p.value)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SplitSizes({ p }: { p: TaskPreview }) {
  return (
    <div className="split-sizes" data-testid="split-sizes" data-tour="data-sizes">
      <dl className="stat-grid">
        {p.sizes.map((s) => (
          <div key={s.label}>
            <dt>{s.label}</dt>
            <dd className={s.highlight ? 'highlight-text' : undefined}>
              {n(s.value)}
              {s.unit ? ` ${s.unit}` : ''}
              {s.detail && (
                <>
                  {' '}
                  <span className="muted">{s.detail}</span>
                </>
              )}
            </dd>
          </div>
        ))}
      </dl>
      {p.bar && <SplitBar bar={p.bar} />}
      {p.warnings.map((w) => (
        <p key={w} className="inline-warning" role="status">
          {w}
        </p>
      ))}
      {p.notes.map((t) => (
        <p key={t} className="muted small">
          {t}
        </p>
      ))}
    </div>
  );
}
