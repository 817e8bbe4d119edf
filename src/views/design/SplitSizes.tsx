/** The sizes of the splits: atomic facts, how the multi-hop paths are divided, λ and its cap, evaluation sizes. */
import type { PreviewSummary } from './summary';

const n = (x: number) => x.toLocaleString('en-US');
const LOW_OOD = 50;

export function SplitSizes({ s, lambda }: { s: PreviewSummary; lambda: number }) {
  const st = s.stats;
  const unused = Math.max(0, st.idPool - st.idTwoHop - st.trainTwoHop);
  const multi = s.hops === 3 ? 'three-hop' : 'two-hop';
  const parts = [
    { key: 'train', label: `train ${multi}`, value: st.trainTwoHop },
    { key: 'id-test', label: 'ID test', value: st.idTwoHop },
    { key: 'unused', label: 'ID, not drawn', value: unused },
    { key: 'ood-test', label: 'OOD test', value: st.oodTwoHop },
    { key: 'mixed', label: 'mixed, discarded', value: st.mixedDropped },
  ];
  const total = Math.max(1, st.paths);
  return (
    <div className="split-sizes" data-testid="split-sizes">
      <dl className="stat-grid">
        <div>
          <dt>Atomic facts</dt>
          <dd>
            {n(st.atomic)}{' '}
            <span className="muted">
              = {n(st.idAtomic)} ID + {n(st.oodAtomic)} OOD
            </span>
          </dd>
        </div>
        <div>
          <dt>Train {multi}</dt>
          <dd>
            {n(st.trainTwoHop)} <span className="muted">λ = {st.lambdaEffective.toFixed(2)}</span>
          </dd>
        </div>
        <div>
          <dt>ID test {multi}</dt>
          <dd>{n(st.idTwoHop)}</dd>
        </div>
        <div>
          <dt>OOD test {multi}</dt>
          <dd className="ood-text">{n(st.oodTwoHop)}</dd>
        </div>
        <div>
          <dt>Mixed paths discarded</dt>
          <dd>{n(st.mixedDropped)}</dd>
        </div>
        <div>
          <dt>Vocabulary</dt>
          <dd>{n(s.vocabSize)} tokens</dd>
        </div>
      </dl>
      <div className="path-bar-wrap">
        <div className="path-bar-caption muted small">
          All {n(st.paths)} {multi} paths of the graph:
        </div>
        <div className="path-bar" role="img" aria-label={parts.map((p) => `${p.label} ${n(p.value)}`).join(', ')}>
          {parts.map((p) =>
            p.value > 0 ? <span key={p.key} className={`seg seg-${p.key}`} style={{ flexGrow: p.value / total }} title={`${p.label}: ${n(p.value)}`} /> : null,
          )}
        </div>
        <ul className="path-legend small">
          {parts.map((p) => (
            <li key={p.key}>
              <span className={`swatch seg-${p.key}`} /> {p.label} <span className="muted">{n(p.value)}</span>
            </li>
          ))}
        </ul>
      </div>
      {s.lambdaCapped && (
        <p className="inline-warning" role="status">
          λ is capped by the pool: λ = {lambda} asks for {n(s.requestedTrain)} training paths, but only {n(s.trainPool)} ID paths are left after the ID test is
          held out. Effective λ = {st.lambdaEffective.toFixed(2)}. Add entities or degree for a larger pool.
        </p>
      )}
      {st.oodTwoHop < LOW_OOD && (
        <p className="inline-warning" role="status">
          {st.oodTwoHop === 0 ? 'There are no OOD test paths' : `Only ${n(st.oodTwoHop)} OOD test paths`}: OOD accuracy will be
          {st.oodTwoHop === 0 ? ' undefined' : ' noisy'}. Raise the OOD share or the degree.
        </p>
      )}
      <p className="muted small">
        Each evaluation uses up to {n(Math.max(...Object.values(s.evalSizes)))} queries per split
        {st.noisy > 0 ? `; ${n(st.noisy)} training examples carry noise` : ''}.
      </p>
    </div>
  );
}
