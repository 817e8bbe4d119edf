/** Live preview of the designed distribution: split sizes, sample sequences and a piece of the graph. */
import { useExperimentStore } from '../../store/experimentStore';
import { GraphPicture } from './GraphPicture';
import { Samples } from './Samples';
import { SplitSizes } from './SplitSizes';
import { usePreview } from './usePreview';
import './preview.css';

export function Preview() {
  const config = useExperimentStore((s) => s.config);
  const { result, pending } = usePreview(config);
  return (
    <section className="card preview" aria-labelledby="preview-title" aria-busy={pending}>
      <div className="preview-head">
        <h2 id="preview-title">The data</h2>
        <span className={`preview-status small${pending ? ' visible' : ''}`} role="status">
          {pending ? 'updating…' : ''}
        </span>
      </div>
      {result === null && <p className="placeholder">Generating the knowledge graph…</p>}
      {result?.kind === 'too-big' && (
        <p className="inline-warning big" data-testid="split-sizes">
          {result.message}
        </p>
      )}
      {result?.kind === 'error' && (
        <p className="inline-warning big" data-testid="split-sizes">
          The preview could not be generated: {result.message}
        </p>
      )}
      {result?.kind === 'ok' && (
        <div className={`preview-body${pending ? ' stale' : ''}`}>
          <div className="preview-top">
            <SplitSizes s={result.summary} lambda={config.lambda} />
            {result.summary.graph && <GraphPicture g={result.summary.graph} hops={result.summary.hops} />}
          </div>
          <Samples groups={result.summary.groups} />
        </div>
      )}
    </section>
  );
}
