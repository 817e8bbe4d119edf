/**
 * A task's sample sequences as coloured token chips: prompt, then the continuation the model must write. A list
 * group shows single sequences in a row; an arms group a table, the same query in the direct and the CoT format
 * side by side.
 */
import type { PreviewArms, PreviewChip, PreviewList, TaskPreview } from '../../tasks/types';

export function TokenChips({ chips }: { chips: PreviewChip[] }) {
  const split = chips.findIndex((c) => c.part !== 'prompt');
  const prompt = split < 0 ? chips : chips.slice(0, split);
  const target = split < 0 ? [] : chips.slice(split);
  const chip = (c: PreviewChip, i: number) => (
    <span
      key={i}
      className={`chip tone-${c.tone} part-${c.part}${c.part === 'prompt' ? '' : ' written'}${c.corrupted ? ' corrupted' : ''}`}
      title={c.corrupted ? 'replaced by noise' : c.title}
    >
      {c.text}
    </span>
  );
  return (
    <span className="chips">
      <span className="visually-hidden">prompt: </span>
      {prompt.map(chip)}
      {target.length > 0 && (
        <span className="chip-arrow" aria-hidden="true">
          →
        </span>
      )}
      {target.length > 0 && <span className="visually-hidden">, the model writes: </span>}
      {target.map(chip)}
    </span>
  );
}

function SourceBadge({ source, highlight }: { source: string; highlight?: boolean }) {
  return <span className={`source-badge${highlight ? ' highlight' : ''}`}>{source}</span>;
}

function ListGroup({ g }: { g: PreviewList }) {
  return (
    <div className="sample-group sample-list">
      <h3>
        {g.title} <span className="muted small">{g.note}</span>
      </h3>
      <ul className="sample-list-items">
        {g.samples.map((s, i) => (
          <li key={i} className={s.highlight ? 'is-highlight' : undefined}>
            <SourceBadge source={s.source} highlight={s.highlight} />
            <TokenChips chips={s.chips} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ArmsGroup({ g }: { g: PreviewArms }) {
  return (
    <div className="sample-table-wrap">
      <table className="sample-table">
        <caption className="visually-hidden">{g.caption}</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Set</span>
            </th>
            <th scope="col" className="sample-direct">
              <span className="arm-dot direct" aria-hidden="true" />
              {g.direct.title}
              <span className="muted small">{g.direct.note}</span>
            </th>
            <th scope="col" className="sample-cot">
              <span className="arm-dot cot" aria-hidden="true" />
              {g.cot.title}
              <span className="muted small">{g.cot.note}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {g.rows.map((r, i) =>
            r.direct ? (
              <tr key={i} className={r.highlight ? 'is-highlight' : undefined}>
                <th scope="row">
                  <SourceBadge source={r.source} highlight={r.highlight} />
                </th>
                <td>
                  <TokenChips chips={r.direct} />
                </td>
                <td>
                  <TokenChips chips={r.cot} />
                </td>
              </tr>
            ) : (
              <tr key={i} className="note-row">
                <th scope="row">
                  <SourceBadge source={r.source} highlight={r.highlight} />
                </th>
                <td className="muted small row-note">{r.note}</td>
                <td>
                  <TokenChips chips={r.cot} />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Samples({ p }: { p: Pick<TaskPreview, 'groups' | 'legend'> }) {
  return (
    <div className="samples">
      {p.groups.map((g, i) => (g.layout === 'list' ? <ListGroup key={i} g={g} /> : <ArmsGroup key={i} g={g} />))}
      <p className="chip-legend muted small" aria-label="Legend">
        {p.legend.chips.map((c, i) => (
          <span key={i} className={`chip tone-${c.tone} part-${c.part}${c.part === 'prompt' ? '' : ' written'}`}>
            {c.text}
          </span>
        ))}
        {p.legend.text}
      </p>
    </div>
  );
}
