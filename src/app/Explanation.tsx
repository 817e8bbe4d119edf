/** What the experiment is and what to look for, in plain words. */
export function Explanation({ id }: { id: string }) {
  return (
    <section id={id} className="card explain" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>What is this experiment?</h2>
      <div className="explain-grid">
        <div>
          <h3>A made-up world</h3>
          <p>
            A small transformer learns facts about a random <strong>knowledge graph</strong>: entities (<code>e0</code>, <code>e1</code>, …) linked by relations
            (<code>r0</code>, <code>r1</code>, …). Each link is an <strong>atomic fact</strong>: <code>e12 r3 → e40</code>, “the r3 of e12 is e40”. A{' '}
            <strong>two-hop question</strong> chains two facts: <code>e12 r3 r7 → ?</code> asks for the r7 of the r3 of e12, with the <strong>bridge</strong>{' '}
            e40 in between.
          </p>
        </div>
        <div>
          <h3>ID and OOD</h3>
          <p>
            Some atomic facts are <span className="ood-text">OOD</span>: trained as single facts, but never inside a two-hop training question. The{' '}
            <strong>OOD test</strong> asks two-hop questions built only from them: can the model combine facts it has never seen combined? The{' '}
            <strong>ID test</strong> asks new questions built from ordinary facts.
          </p>
          <h3>Two arms, same data</h3>
          <p>
            <span className="swatch" style={{ background: 'var(--cot)' }} />
            <strong>Chain of thought (CoT)</strong>: trained to write the bridge first, then the answer (<code>e12 r3 r7 → e40 e91</code>).
            <br />
            <span className="swatch" style={{ background: 'var(--direct)' }} />
            <strong>Direct</strong>: trained to write only the answer (<code>e12 r3 r7 → e91</code>).
          </p>
        </div>
        <div>
          <h3>What to look for</h3>
          <ul>
            <li>
              <strong>CoT, OOD two-hop</strong> climbs towards 1 once the OOD atomic facts are learned; OOD atomic facts are learned after the ID ones, so OOD
              lags ID.
            </li>
            <li>
              <strong>Direct, OOD two-hop</strong> stays flat near 0, however long you train.
            </li>
            <li>
              <strong>Direct, ID two-hop</strong> improves only through <em>grokking</em>, which takes far more steps than a browser session: it will usually
              not finish here. That is the finding, not a bug.
            </li>
            <li>Noise ξ on the final answer costs a little; noise on the bridge costs much more.</li>
          </ul>
          <p className="muted small">
            After Yao et al., “Unveiling the Mechanisms of Explicit CoT Training” (
            <a href="https://arxiv.org/abs/2502.04667" target="_blank" rel="noreferrer">
              arXiv 2502.04667
            </a>
            ), shrunk to browser size. Keys: <kbd>space</kbd> play/pause, <kbd>s</kbd> one step, <kbd>r</kbd> reset.
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
