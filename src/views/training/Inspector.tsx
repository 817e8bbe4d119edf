/**
 * Inside the models, live: pick a query (a few of each test split the task offers, or type one), see both arms'
 * attention maps side by side and the logit lens. Refreshed by the worker after evaluations. What a query is,
 * its intermediate steps and the positions' roles come from the task (src/tasks).
 */
import { useDeferredValue, useState } from 'react';
import { useTrainingStore } from '../../store/trainingStore';
import { taskOf } from '../../tasks/registry';
import { parsePrompt, promptText } from '../../data/queries';
import type { ExampleOption } from '../../data/queries';
import { AttentionPanel } from './AttentionMaps';
import { LogitLensPanel } from './LogitLens';
import { useThemeColors } from './useThemeColors';
import { useThrottled } from './useThrottled';

/** The offered queries by split, in the order the task offers them. */
function bySplit(examples: readonly ExampleOption[]): { split: string; label: string; options: ExampleOption[] }[] {
  const groups: { split: string; label: string; options: ExampleOption[] }[] = [];
  for (const e of examples) {
    const g = groups.find((x) => x.split === e.split);
    if (g) g.options.push(e);
    else groups.push({ split: e.split, label: e.label, options: [e] });
  }
  return groups;
}

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
  const placeholder = examples[0]?.text ?? '';
  const apply = () => {
    const r = parsePrompt(typed, vocab);
    if ('error' in r) return setError(r.error);
    setError(null);
    inspect(r.prompt);
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
          {bySplit(examples).map((g) => (
            <optgroup key={g.split} label={g.label}>
              {g.options.map((e) => (
                <option key={e.text} value={e.text}>
                  {e.text}
                </option>
              ))}
            </optgroup>
          ))}
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
            placeholder={placeholder}
            maxLength={200}
            size={Math.min(32, Math.max(12, placeholder.length))}
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

/** The query's truth as the task tells it: the prompt, then the CoT arm's steps and the answer, and where the query comes from. */
function TruthLine() {
  const att = useTrainingStore((s) => s.attention.cot ?? s.attention.direct);
  const vocab = useTrainingStore((s) => s.vocab);
  const example = useTrainingStore((s) => s.example);
  const config = useTrainingStore((s) => s.runConfig);
  if (!att || !vocab || !example) return null;
  const { truth } = att;
  const prompt = promptText(vocab, example.prompt);
  if (truth.answer === null) {
    return (
      <p className="truth-line">
        <code>{prompt}</code>: {truth.kind}.
      </p>
    );
  }
  const intermediates = config ? taskOf(config).intermediates(config) : [];
  return (
    <p className="truth-line">
      Truth: <code>{prompt}</code> <span className="muted">→</span>
      {truth.steps.map((t, i) => (
        <span key={i}>
          {' '}
          <code className="step" title={intermediates[i]?.label}>
            {promptText(vocab, [t])}
          </code>
        </span>
      ))}{' '}
      {truth.steps.length > 0 && <span className="muted">⇒ </span>}
      <code className="answer" title="answer">
        {promptText(vocab, truth.answer)}
      </code>{' '}
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
  const config = useTrainingStore((s) => s.runConfig);
  const colors = useThemeColors();
  const any = arms.find((a) => attention[a]);
  const teacherForced = any ? attention[any]!.teacherForced : true;
  const vocabSize = vocab ? vocab.names.length : 100;
  // the roles of the positions each arm reads (the task's, e.g. h r1 r2 b t)
  const reads = (cot: boolean) => (config ? taskOf(config).positions(config, cot).join(' ') : '…');
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
        ; CoT reads <code>{reads(true)}</code>, direct reads <code>{reads(false)}</code>. Refreshed after evaluations.
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
        Rank of the true intermediate results and answer when each layer’s residual stream is read out directly (final norm + unembedding; 1 = top guess;
        outlined = where the arm must say it; faded = the token’s own position, where the lens just echoes the input). Look for the CoT arm finding each
        intermediate result a few layers before it must say it, then the answer from the last one, fed back as input. Below, causal tracing of this query: how
        much of the clean intermediate result’s (answer’s) probability comes back when one state of the query is copied into the run of a counterfactual query
        whose intermediate results and answer differ.
      </p>
      <div className="lens-row">{arms.map((a) => (lens[a] ? <LogitLensPanel key={a} msg={lens[a]!} colors={colors} vocab={vocabSize} /> : null))}</div>
    </section>
  );
}
