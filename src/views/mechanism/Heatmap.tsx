/**
 * A small share heatmap (rows × positions), drawn as plain SVG: the aggregated logit lens (share of queries with
 * the token top-1) and causal tracing (share of the clean target's probability restored). Row 0 (the embedding)
 * at the bottom, the last layer on top, as in the single-query lens. An outlined cell marks where the arm must
 * say the token. Labels come from our own data (token roles), rendered as text, never as HTML.
 */
import { memo } from 'react';
import { interpolateViridis, interpolateYlGnBu } from 'd3-scale-chromatic';
import type { ThemeColors } from '../training/useThemeColors';

export interface HeatmapProps {
  title: string;
  /** [rows][positions]; null = not measured. */
  grid: readonly (readonly (number | null)[])[];
  positions: readonly string[];
  /** The position outlined (where the token is said). */
  mark?: number;
  colors: ThemeColors;
  /** What a cell's value is, for its tooltip ("of queries have the result top-1"). */
  what: string;
  testId?: string;
}

const CELL = 30;
const LEFT = 34;
const TOP = 4;
const BOTTOM = 18;

export const Heatmap = memo(function Heatmap({ title, grid, positions, mark, colors, what, testId }: HeatmapProps) {
  const rows = grid.length;
  const T = positions.length;
  const width = LEFT + T * CELL + 2;
  const height = TOP + rows * CELL + BOTTOM;
  const text = { fill: colors.muted, fontSize: 10, fontFamily: 'var(--mono, monospace)' };
  const cells = [];
  for (let r = 0; r < rows; r++) {
    const y = TOP + (rows - 1 - r) * CELL;
    for (let p = 0; p < T; p++) {
      const v = grid[r][p];
      const s = v === null ? 0 : Math.max(0, Math.min(1, v));
      const fill = v === null ? 'none' : colors.dark ? interpolateViridis(0.1 + 0.9 * s) : interpolateYlGnBu(0.05 + 0.9 * s);
      const ink = colors.dark ? (s > 0.55 ? '#111' : '#eee') : s > 0.55 ? '#fff' : '#222';
      const x = LEFT + p * CELL;
      const where = `${r === 0 ? 'after the embedding' : `after layer ${r}`}, at ${positions[p]}`;
      cells.push(
        <g key={`${r}-${p}`}>
          <rect
            x={x}
            y={y}
            width={CELL - 1}
            height={CELL - 1}
            fill={fill}
            stroke={p === mark ? colors.fg : v === null ? colors.border : 'none'}
            strokeWidth={p === mark ? 2 : 1}
          />
          <text x={x + CELL / 2 - 0.5} y={y + CELL / 2 + 3.5} textAnchor="middle" fontSize={10} fill={v === null ? colors.muted : ink}>
            {v === null ? '–' : Math.round(100 * v)}
          </text>
          <title>{v === null ? `${where}: not measured` : `${where}: ${Math.round(100 * v)}% ${what}`}</title>
        </g>,
      );
    }
  }
  return (
    <figure className="mech-heatmap" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {Array.from({ length: rows }, (_, r) => (
          <text key={r} x={LEFT - 4} y={TOP + (rows - 1 - r) * CELL + CELL / 2 + 3} textAnchor="end" {...text}>
            {r === 0 ? 'emb' : `L${r}`}
          </text>
        ))}
        {positions.map((lab, p) => (
          <text key={p} x={LEFT + p * CELL + CELL / 2} y={TOP + rows * CELL + 12} textAnchor="middle" {...text}>
            {lab}
          </text>
        ))}
        {cells}
      </svg>
    </figure>
  );
});
