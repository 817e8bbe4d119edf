/**
 * What the experiment is and what to look for, in plain words: the task's own explanation (src/tasks/), what the
 * two arms write (the task's intermediate results), and the splits to watch by the task's labels.
 */
import { useExperimentStore } from '../store/experimentStore';
import { headlineSplit, prerequisiteSplits, taskOf } from '../tasks/registry';

export function Explanation({ id }: { id: string }) {
  const config = useExperimentStore((s) => s.config);
  const task = taskOf(config);
  const headline = headlineSplit(config);
  const prerequisites = prerequisiteSplits(config);
  const prerequisiteText = prerequisites.map((s) => s.label).join(' and ');
  const steps = task.intermediates(config);
  const written = steps.length === 1 ? `the ${steps[0].label}` : `its ${steps.length} intermediate results`;
  return (
    <section id={id} className="card explain" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>What is this experiment?</h2>
      <div className="explain-grid">
        <div>
          <h3>{task.label}</h3>
          {task.explanation.map((text) => (
            <p key={text}>{text}</p>
          ))}
        </div>
        <div>
          <h3>Two arms, same data</h3>
          <p>
            <span className="swatch" style={{ background: 'var(--cot)' }} />
            <strong>Chain of thought (CoT)</strong>: trained to write {written} first, then the answer.
            <br />
            <span className="swatch" style={{ background: 'var(--direct)' }} />
            <strong>Direct</strong>: trained to write only the answer.
          </p>
          <p>Both start from the same weights and see the same examples in the same order.</p>
        </div>
        <div>
          <h3>What to look for</h3>
          <ul>
            <li>
              <strong>CoT, {headline.label}</strong> climbs towards 1{prerequisites.length > 0 && <> once {prerequisiteText} are learned</>}.
            </li>
            <li>
              <strong>Direct, {headline.label}</strong> stays near chance
              {prerequisites.length > 0 && <>: once it knows {prerequisiteText}, that shows it cannot combine them without the steps</>}.
            </li>
            {task.lookFor.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
          <p className="muted small">
            <a href={task.source.href} target="_blank" rel="noreferrer">
              {task.source.text}
            </a>
            , shrunk to browser size. Keys: <kbd>space</kbd> play/pause, <kbd>s</kbd> one step, <kbd>r</kbd> reset.
          </p>
          <p className="muted small">
            {/* files shipped beside index.html (build/science.ts, build/licenses.ts); a new tab keeps a run going */}
            <a href={`${import.meta.env.BASE_URL}science.md`} target="_blank" rel="noopener">
              The science behind it
            </a>
            {' · '}
            <a href={`${import.meta.env.BASE_URL}THIRD_PARTY_LICENSES.txt`} target="_blank" rel="noopener">
              Licenses
            </a>
          </p>
        </div>
      </div>
    </section>
  );
}
