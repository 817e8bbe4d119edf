/** Live preview of the designed data, drawn from the task's `TaskPreview`: sizes, a picture, sample sequences. */
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
      {result === null && <p className="placeholder">Generating the data…</p>}
      {result?.kind === 'too-big' && (
        <p className="inline-warning big" data-testid="split-sizes" data-tour="data-sizes">
          {result.message}
        </p>
      )}
      {result?.kind === 'error' && (
        <p className="inline-warning big" data-testid="split-sizes" data-tour="data-sizes">
          The preview could not be generated: {result.message}
        </p>
      )}
      {result?.kind === 'ok' && (
        <div className={`preview-body${pending ? ' stale' : ''}`}>
          <div className={`preview-top${result.preview.picture ? '' : ' single'}`}>
            <SplitSizes p={result.preview} />
            {result.preview.picture && <GraphPicture g={result.preview.picture} />}
          </div>
          <Samples p={result.preview} />
        </div>
      )}
    </section>
  );
}
