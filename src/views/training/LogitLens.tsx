/**
 * The logit lens: the final layer norm + unembedding applied to the residual stream after the embedding and
 * after every block, at every position. Each grid shows the rank of one true token (one of the query's
 * intermediate results, the answer) — 1 means the lens' top guess. An outlined cell marks the position where the
 * arm has to emit that token. A query with many intermediate results (parity's running parities) shows one of
 * them at a time, chosen in a selector, beside the answer.
 */
import { memo, useId, useState } from 'react';
import { interpolateViridis, interpolateYlGnBu } from 'd3-scale-chromatic';
import type { LensMessage } from '../../store/reduce';
import type { ThemeColors } from './useThemeColors';
import { Heatmap } from '../mechanism/Heatmap';

/** Up to this many tracked results are drawn at once; more get a selector. */
const ALL_AT_ONCE = 4;

/** 1 for rank 0 (the top guess), falling with log rank to 0 at the vocabulary size. */
export function rankStrength(rank: number, vocab: number): number {
  return Math.max(0, 1 - Math.log10(rank + 1) / Math.log10(Math.max(vocab, 10)));
}

function Grid({ msg, k, colors, vocab }: { msg: LensMessage; k: number; colors: ThemeColors; vocab: number }) {
  const T = msg.labels.length;
  const { rows } = msg;
  const tr = msg.tracked[k];
  const cell = 26;
  const left = 34;
  const top = 4;
  const bottom = 30;
  const width = left + T * cell + 2;
  const height = top + rows * cell + bottom;
  // where the arm emits this token: the task's emit position, else (a query of another layout) the positions whose next input token is it
  const emitAt = new Set<number>();
  if (tr.position !== undefined) emitAt.add(tr.position);
  else for (let p = 0; p + 1 < T; p++) if (msg.tokens[p + 1] === tr.token) emitAt.add(p);
  const out = [];
  for (let r = 0; r < rows; r++) {
    const y = top + (rows - 1 - r) * cell; // embedding at the bottom, last block on top
    for (let p = 0; p < T; p++) {
      const i = (k * rows + r) * T + p;
      const rank = msg.ranks[i];
      const prob = msg.probs[i];
      const s = rankStrength(rank, vocab);
      const fill = colors.dark ? interpolateViridis(0.1 + 0.9 * s) : interpolateYlGnBu(0.05 + 0.9 * s);
      const ink = colors.dark ? (s > 0.55 ? '#111' : '#eee') : s > 0.55 ? '#fff' : '#222';
      const x = left + p * cell;
      out.push(
        <g key={`${r}-${p}`} className={`lens-cell${msg.tokens[p] === tr.token ? ' self' : ''}`}>
          <rect x={x} y={y} width={cell - 1} height={cell - 1} fill={fill} stroke={emitAt.has(p) ? colors.fg : 'none'} strokeWidth={emitAt.has(p) ? 2 : 0} />
          <text x={x + cell / 2 - 0.5} y={y + cell / 2 + 3.5} textAnchor="middle" fontSize={rank + 1 >= 100 ? 8 : 10} fill={ink}>
            {rank + 1 > 999 ? '999+' : rank + 1}
          </text>
          <title>{`${r === 0 ? 'embedding' : `after layer ${r}`}, at ${msg.labels[p]} (position ${p + 1}): ${tr.label} has rank ${rank + 1} (p = ${prob.toPrecision(2)}); the lens' top token here is ${msg.top[r * T + p]}${msg.tokens[p] === tr.token ? ' (this position reads the token itself, so the lens mostly echoes its input here)' : ''}`}</title>
        </g>,
      );
    }
  }
  const text = { fill: colors.muted, fontSize: 10, fontFamily: 'var(--mono, monospace)' };
  return (
    <figure className="lens-grid">
      <figcaption>
        rank of <strong>{tr.label}</strong>
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`logit lens: rank of ${tr.label}`}>
        {Array.from({ length: rows }, (_, r) => (
          <text key={r} x={left - 4} y={top + (rows - 1 - r) * cell + cell / 2 + 3} textAnchor="end" {...text}>
            {r === 0 ? 'emb' : `L${r}`}
          </text>
        ))}
        {msg.labels.map((lab, p) => (
          <text key={p} x={left + p * cell + cell / 2} y={top + rows * cell + 12} textAnchor="middle" {...text}>
            {lab}
          </text>
        ))}
        {out}
      </svg>
    </figure>
  );
}

export const LogitLensPanel = memo(function LogitLensPanel({ msg, colors, vocab }: { msg: LensMessage; colors: ThemeColors; vocab: number }) {
  const [chosen, setChosen] = useState(0);
  const selectId = useId();
  const steps = msg.tracked.flatMap((t, k) => (t.role === 'step' ? [k] : []));
  const many = msg.tracked.length > ALL_AT_ONCE;
  const step = steps.includes(chosen) ? chosen : (steps[0] ?? -1);
  const shown = many ? msg.tracked.flatMap((t, k) => (k === step || t.role === 'answer' ? [k] : [])) : msg.tracked.map((_, k) => k);
  return (
    <div className="lens-panel" data-testid="logit-lens" data-tour="logit-lens" data-arm={msg.arm}>
      <strong style={{ color: msg.arm === 'cot' ? colors.cot : colors.direct }}>{msg.arm === 'cot' ? 'CoT arm' : 'Direct arm'}</strong>
      {msg.tracked.length === 0 ? (
        <p className="muted">The data gives no true answer for this query, so there is nothing to track.</p>
      ) : (
        <>
          {many && (
            <p className="small">
              <label htmlFor={selectId}>Intermediate result: </label>
              <select id={selectId} value={step} onChange={(e) => setChosen(Number(e.target.value))} data-testid="lens-step">
                {steps.map((k) => (
                  <option key={k} value={k}>
                    {msg.tracked[k].name}: {msg.tracked[k].label}
                  </option>
                ))}
              </select>
            </p>
          )}
          <div className="lens-grids">
            {shown.map((k) => (
              <Grid key={k} msg={msg} k={k} colors={colors} vocab={vocab} />
            ))}
          </div>
        </>
      )}
      {msg.trace?.every((t) => t.restored.every((r) => r.every((v) => v === null))) && (
        <p className="muted small">
          Tracing this query: the clean run barely prefers the{' '}
          {msg.trace.map((t) => `${t.label} (p ${t.pClean.toFixed(2)} vs ${t.pCorrupt.toFixed(2)} in the counterfactual)`).join(' or the ')} yet, so there is
          nothing to restore.
        </p>
      )}
      {msg.trace && (
        <div className="lens-grids" data-testid="query-trace">
          {msg.trace.map((t) => (
            <Heatmap
              key={t.target}
              title={`tracing: ${t.label} restored (%)`}
              grid={t.restored}
              positions={t.positions}
              mark={t.position}
              colors={colors}
              what={`of the clean ${t.label}'s probability restored when this state is copied into a counterfactual query (p ${t.pClean.toFixed(2)} clean, ${t.pCorrupt.toFixed(2)} counterfactual)`}
            />
          ))}
        </div>
      )}
    </div>
  );
});
