/** Sample training and test sequences as coloured token chips: prompt, then the continuation the model must write. */
import type { Chip, SampleGroup } from './summary';

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

export function Samples({ groups }: { groups: SampleGroup[] }) {
  return (
    <div className="samples">
      {groups.map((g) => (
        <div key={g.id} className={`sample-group sample-${g.id}`}>
          <h3>{g.title}</h3>
          <p className="muted small">{g.note}</p>
          <ul>
            {g.samples.map((s, i) => (
              <li key={i} className={s.ood ? 'is-ood' : undefined}>
                <span className={`source-badge${s.ood ? ' ood' : ''}`}>{s.source}</span>
                <TokenChips chips={s.chips} />
              </li>
            ))}
            {g.samples.length === 0 && <li className="muted">none in this distribution</li>}
          </ul>
        </div>
      ))}
      <p className="chip-legend muted small" aria-label="Legend">
        <span className="chip kind-entity role-prompt">entity</span>
        <span className="chip kind-relation role-prompt">relation</span>
        <span className="chip kind-entity role-target bridge">bridge</span>
        <span className="chip kind-eos role-target">&lt;/a&gt;</span>
        outlined: the prompt; filled: what the model is trained to write (the loss is only on these).
      </p>
    </div>
  );
}
