/**
 * Sample training and test sequences as coloured token chips: prompt, then the continuation the model must
 * write. Multi-hop samples are shown as a table, the same path in the direct and the CoT format side by side.
 */
import type { Chip, Sample, SampleGroup } from './summary';

export function TokenChips({ chips }: { chips: Chip[] }) {
  const split = chips.findIndex((c) => c.role === 'target');
  const prompt = split < 0 ? chips : chips.slice(0, split);
  const target = split < 0 ? [] : chips.slice(split);
  const chip = (c: Chip, i: number) => (
    <span
      key={i}
      className={`chip kind-${c.kind} role-${c.role}${c.bridge ? ' bridge' : ''}${c.corrupted ? ' corrupted' : ''}`}
      title={c.corrupted ? 'replaced by noise' : c.bridge ? 'bridge entity' : undefined}
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

function SourceBadge({ s }: { s: Sample }) {
  return <span className={`source-badge${s.ood ? ' ood' : ''}`}>{s.source}</span>;
}

export function Samples({ groups }: { groups: SampleGroup[] }) {
  const byId = (id: SampleGroup['id']) => groups.find((g) => g.id === id);
  const atomic = byId('atomic');
  const direct = byId('direct');
  const cot = byId('cot');
  const noisy = byId('noisy');
  return (
    <div className="samples">
      {atomic && (
        <div className="sample-group sample-atomic">
          <h3>
            {atomic.title} <span className="muted small">{atomic.note}</span>
          </h3>
          <ul className="atomic-list">
            {atomic.samples.map((s, i) => (
              <li key={i} className={s.ood ? 'is-ood' : undefined}>
                <SourceBadge s={s} />
                <TokenChips chips={s.chips} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {direct && cot && (
        <div className="sample-table-wrap">
          <table className="sample-table">
            <caption className="visually-hidden">The same multi-hop paths in the direct and the CoT format</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Set</span>
                </th>
                <th scope="col" className="sample-direct">
                  <span className="arm-dot direct" aria-hidden="true" />
                  {direct.title}
                  <span className="muted small">{direct.note}</span>
                </th>
                <th scope="col" className="sample-cot">
                  <span className="arm-dot cot" aria-hidden="true" />
                  {cot.title}
                  <span className="muted small">{cot.note}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cot.samples.map((s, i) => (
                <tr key={i} className={s.ood ? 'is-ood' : undefined}>
                  <th scope="row">
                    <SourceBadge s={s} />
                  </th>
                  <td>{direct.samples[i] && <TokenChips chips={direct.samples[i].chips} />}</td>
                  <td>
                    <TokenChips chips={s.chips} />
                  </td>
                </tr>
              ))}
              {noisy?.samples.map((s, i) => (
                <tr key={`noisy-${i}`} className="noisy-row">
                  <th scope="row">
                    <span className="source-badge">noisy</span>
                  </th>
                  <td className="muted small noisy-note">{noisy.note}</td>
                  <td>
                    <TokenChips chips={s.chips} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="chip-legend muted small" aria-label="Legend">
        <span className="chip kind-entity role-prompt">entity</span>
        <span className="chip kind-relation role-prompt">relation</span>
        <span className="chip kind-entity role-target bridge">bridge</span>
        <span className="chip kind-eos role-target">&lt;/a&gt;</span>
        outlined: the prompt; filled: what the model is trained to write (the loss is only on these). Dashed: an OOD query.
      </p>
    </div>
  );
}
