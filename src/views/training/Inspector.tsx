/**
 * Inside the models, live: pick a query (a few ID and OOD test queries, or type one), see both arms'
 * attention maps side by side and the logit lens. Refreshed by the worker after evaluations.
 */
import { useDeferredValue, useState } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { parsePrompt, promptText } from '../../worker/examples';
import { AttentionPanel } from './AttentionMaps';
import { LogitLensPanel } from './LogitLens';
import { useThemeColors } from './useThemeColors';
import { useThrottled } from './useThrottled';

function ExamplePicker() {
  const examples = useTrainingStore((s) => s.examples);
  const vocab = useTrainingStore((s) => s.vocab);
  const example = useTrainingStore((s) => s.example);
  const inspect = useTrainingStore((s) => s.inspect);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!vocab) return null;
  const current = example ? promptText(vocab, example.prompt) : '';
  const listed = examples.some((e) => e.text === current);
  const apply = () => {
    const r = parsePrompt(typed, vocab);
    if ('error' in r) return setError(r.error);
    setError(null);
    inspect(r.prompt);
  };
  const group = (split: 'oodTwoHop' | 'idTwoHop', label: string) => {
    const xs = examples.filter((e) => e.split === split);
    return xs.length ? (
      <optgroup label={label}>
        {xs.map((e) => (
          <option key={e.text} value={e.text}>
            {e.text}
          </option>
        ))}
      </optgroup>
    ) : null;
  };
  return (
    <div className="example-picker">
      <label>
        Query{' '}
        <select
          value={listed ? current : ''}
          onChange={(e) => {
            const ex = examples.find((x) => x.text === e.target.value);
            if (ex) inspect(ex.prompt);
          }}
        >
          {!listed && <option value="">{current || '—'}</option>}
          {group('oodTwoHop', 'OOD test queries')}
          {group('idTwoHop', 'ID test queries')}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label>
          or type one{' '}
          <input
            type="text"
            value={typed}
            placeholder={vocab.hops === 3 ? 'e3 r1 r4 r2' : 'e3 r1 r4'}
            maxLength={40}
            size={12}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => e.stopPropagation()}
            aria-invalid={error ? true : undefined}
          />
        </label>{' '}
        <button type="submit">Show</button>
      </form>
      {error && (
        <span className="bad" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function TruthLine() {
  const att = useTrainingStore((s) => s.attention.cot ?? s.attention.direct);
  const vocab = useTrainingStore((s) => s.vocab);
  const example = useTrainingStore((s) => s.example);
  if (!att || !vocab || !example) return null;
  const { truth } = att;
  const name = (t: number) => promptText(vocab, [t]);
  const [h, ...rels] = example.prompt;
  if (truth.answer === null) {
    return (
      <p className="truth-line">
        <code>{promptText(vocab, example.prompt)}</code>: {truth.kind}.
      </p>
    );
  }
  const nodes = [...truth.bridges, truth.answer];
  return (
    <p className="truth-line">
      Truth: <code>{name(h)}</code>
      {rels.map((r, i) => (
        <span key={i}>
          {' '}
          <span className="muted">—{name(r)}→</span> <code className={i === rels.length - 1 ? 'answer' : 'bridge'}>{name(nodes[i])}</code>
        </span>
      ))}{' '}
      <span className="kind">· {truth.kind}</span>
    </p>
  );
}

export function Inspector() {
  // redrawn after the charts (useThrottled's lag), each in its own task
  const attention = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.attention),
      0,
      400,
    ),
  );
  const lens = useDeferredValue(
    useThrottled(
      useTrainingStore((s) => s.lens),
      0,
      600,
    ),
  );
  const arms = useTrainingStore((s) => s.arms);
  const vocab = useTrainingStore((s) => s.vocab);
  const colors = useThemeColors();
  const any = arms.find((a) => attention[a]);
  const teacherForced = any ? attention[any]!.teacherForced : true;
  const vocabSize = vocab ? vocab.entities + vocab.relations + 2 : 100;
  const three = vocab?.hops === 3;
  return (
    <section className="inspector" aria-label="Inside the models">
      <div className="inspector-head">
        <h3>Inside the models</h3>
        <ExamplePicker />
      </div>
      <TruthLine />
      <h4>Attention</h4>
      <p className="muted small">
        Each map: rows are the position reading, columns the position read; darker = more weight. The input is the prompt followed by{' '}
        {teacherForced
          ? 'the true continuation (teacher forcing, as in the paper’s analysis)'
          : 'the model’s own greedy output (this query has no true answer)'}
        ; CoT reads <code>{three ? 'h r1 r2 r3 b1 b2 t' : 'h r1 r2 b t'}</code>, direct reads <code>{three ? 'h r1 r2 r3 t' : 'h r1 r2 t'}</code>. Refreshed
        after evaluations.
      </p>
      <div className="attn-row">
        {arms.map((a) =>
          attention[a] ? (
            <AttentionPanel key={a} msg={attention[a]!} colors={colors} />
          ) : (
            <div key={a} className="attn-panel muted">
              Waiting for the {a} model…
            </div>
          ),
        )}
      </div>
      <h4>Logit lens</h4>
      <p className="muted small">
        Rank of the true bridge and answer when each layer’s residual stream is read out directly (final norm + unembedding; 1 = top guess; outlined = where the
        arm must say it; faded = the token’s own position, where the lens just echoes the input). Look for the CoT arm resolving the bridge at the last relation
        in middle layers, then finding the answer at the emitted bridge, fed back as input. Below, causal tracing of this query: how much of the clean bridge’s
        (answer’s) probability comes back when one state of the query is copied into the run of a counterfactual with another head entity.
      </p>
      <div className="lens-row">{arms.map((a) => (lens[a] ? <LogitLensPanel key={a} msg={lens[a]!} colors={colors} vocab={vocabSize} /> : null))}</div>
    </section>
  );
}
