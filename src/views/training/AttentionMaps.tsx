/**
 * Attention weights of one arm on the chosen query: one small heatmap per layer (rows) × head (columns);
 * a row of a map is the position reading (query), a column the position read (key). Hover a cell for its weight.
 */
import { memo } from 'react';
import { interpolateBlues, interpolateInferno } from 'd3-scale-chromatic';
import type { AttentionMessage } from '../../store/reduce';
import type { ThemeColors } from './useThemeColors';

const ARM_TITLE = { cot: 'CoT arm', direct: 'Direct arm' } as const;

export function attentionColor(w: number, dark: boolean): string {
  const x = Math.min(1, Math.max(0, w));
  return dark ? interpolateInferno(0.06 + 0.94 * x) : interpolateBlues(0.04 + 0.96 * x);
}

export function AttentionMap({ msg, colors }: { msg: AttentionMessage; colors: ThemeColors }) {
  const { layers, heads, labels, weights } = msg;
  const T = labels.length;
  // both arms should fit side by side in the main column (~860 px at 1280 wide)
  const cell = heads <= 2 ? (T <= 5 ? 20 : 16) : heads <= 4 ? (T <= 5 ? 15 : 12) : T <= 5 ? 11 : 9;
  const map = T * cell;
  const gap = heads <= 4 ? 10 : 6;
  const layerW = 26;
  const tokW = 34;
  const headH = 16;
  const xLabH = 34;
  const left = layerW + tokW;
  const width = left + heads * map + (heads - 1) * gap + 4;
  const height = headH + layers * map + (layers - 1) * gap + xLabH;
  const cells = [];
  for (let l = 0; l < layers; l++) {
    for (let h = 0; h < heads; h++) {
      const x0 = left + h * (map + gap);
      const y0 = headH + l * (map + gap);
      const base = (l * heads + h) * T * T;
      for (let q = 0; q < T; q++) {
        for (let k = 0; k <= q; k++) {
          const w = weights[base + q * T + k];
          cells.push(
            <rect
              key={`${l}-${h}-${q}-${k}`}
              className="attn-cell"
              x={x0 + k * cell}
              y={y0 + q * cell}
              width={cell - 1}
              height={cell - 1}
              fill={attentionColor(w, colors.dark)}
            >
              <title>{`layer ${l + 1}, head ${h + 1}: ${labels[q]} (position ${q + 1}) reads ${labels[k]} (position ${k + 1}) with weight ${w.toFixed(3)}`}</title>
            </rect>,
          );
        }
      }
    }
  }
  const text = { fill: colors.muted, fontSize: 10, fontFamily: 'var(--mono, monospace)' };
  return (
    <svg
      className="attn-svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${ARM_TITLE[msg.arm]} attention, ${layers} layers × ${heads} heads`}
    >
      {Array.from({ length: heads }, (_, h) => (
        <text key={`h${h}`} x={left + h * (map + gap) + map / 2} y={11} textAnchor="middle" {...text} fill={colors.fg}>
          head {h + 1}
        </text>
      ))}
      {Array.from({ length: layers }, (_, l) => {
        const y0 = headH + l * (map + gap);
        return (
          <g key={`l${l}`}>
            <text x={2} y={y0 + map / 2 + 4} {...text} fill={colors.fg}>
              L{l + 1}
            </text>
            {labels.map((lab, q) => (
              <text key={q} x={left - 4} y={y0 + q * cell + cell / 2 + 3} textAnchor="end" {...text}>
                {lab}
              </text>
            ))}
            {Array.from({ length: heads }, (_, h) => (
              <rect key={h} x={left + h * (map + gap) - 0.5} y={y0 - 0.5} width={map} height={map} fill="none" stroke={colors.border} />
            ))}
          </g>
        );
      })}
      {Array.from({ length: heads }, (_, h) =>
        labels.map((lab, k) => {
          const x = left + h * (map + gap) + k * cell + cell / 2 + 3;
          const y = headH + layers * map + (layers - 1) * gap + 4;
          return (
            <text key={`${h}-${k}`} x={x} y={y} transform={`rotate(-90 ${x} ${y})`} textAnchor="end" {...text}>
              {lab}
            </text>
          );
        }),
      )}
      {cells}
    </svg>
  );
}

export const AttentionPanel = memo(function AttentionPanel({ msg, colors }: { msg: AttentionMessage; colors: ThemeColors }) {
  const ok = msg.correct;
  return (
    <div className="attn-panel" data-testid="attention-map" data-arm={msg.arm}>
      <div className="attn-head">
        <strong style={{ color: msg.arm === 'cot' ? colors.cot : colors.direct }}>{ARM_TITLE[msg.arm]}</strong>
        <span className="muted"> at step {msg.step}</span>
        <div className="attn-says">
          says <code>{msg.generated.join(' ')}</code> {ok === null ? null : ok ? <span className="ok">✓ right</span> : <span className="bad">✗ wrong</span>}
        </div>
      </div>
      <div className="attn-scroll">
        <AttentionMap msg={msg} colors={colors} />
      </div>
    </div>
  );
});
