/**
 * A task's small node-link picture (`TaskPicture`; the knowledge graph around one OOD test path): the chain of
 * the highlighted query in a row, a couple of other nodes fanned out above it. Highlighted edges (OOD facts) are
 * dashed; the chain is drawn heavier.
 */
import { Fragment } from 'react';
import type { PictureEdge, PictureNode, TaskPicture } from '../../tasks/types';

const W = 470;
const H = 190;
const R = 18;
const MARGIN = 48;

interface Placed extends PictureNode {
  x: number;
  y: number;
}

export function layout(g: Pick<TaskPicture, 'nodes' | 'edges'>): Placed[] {
  const chain = g.nodes.filter((n) => n.chain >= 0).sort((a, b) => a.chain - b.chain);
  const mid = H - 62;
  const gap = chain.length > 1 ? (W - 2 * MARGIN) / (chain.length - 1) : 0;
  const pos = new Map<number, { x: number; y: number }>();
  chain.forEach((n, i) => pos.set(n.id, { x: MARGIN + i * gap, y: mid }));
  const count = new Map<number, number>();
  for (const e of g.edges) {
    if (e.chain || pos.has(e.to)) continue;
    const from = pos.get(e.from);
    if (!from) continue;
    const k = count.get(e.from) ?? 0;
    count.set(e.from, k + 1);
    // other nodes fan out above the chain; the row below holds the role labels
    pos.set(e.to, { x: from.x + (k % 2 === 0 ? -30 : 30) * (1 + Math.floor(k / 2)), y: 26 });
  }
  return g.nodes.map((n) => ({ ...n, ...(pos.get(n.id) ?? { x: W / 2, y: mid }) }));
}

function edgeLine(a: Placed, b: Placed) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  return { x1: a.x + ux * R, y1: a.y + uy * R, x2: b.x - ux * (R + 4), y2: b.y - uy * (R + 4) };
}

function Edge({ e, a, b }: { e: PictureEdge; a: Placed; b: Placed }) {
  const l = edgeLine(a, b);
  const mx = (l.x1 + l.x2) / 2;
  const my = (l.y1 + l.y2) / 2;
  const steep = Math.abs(l.x2 - l.x1) < Math.abs(l.y2 - l.y1);
  const left = l.x2 < l.x1;
  return (
    <g className={`edge${e.highlight ? ' highlight' : ' plain'}${e.chain ? ' chain' : ''}`}>
      <line {...l} markerEnd={`url(#arrow-${e.highlight ? 'highlight' : 'plain'})`} />
      <text x={steep ? mx + (left ? -7 : 7) : mx} y={steep ? my + 4 : my - 8} textAnchor={steep ? (left ? 'end' : 'start') : 'middle'}>
        {e.label}
      </text>
    </g>
  );
}

export function GraphPicture({ g }: { g: TaskPicture }) {
  const placed = layout(g);
  const at = new Map(placed.map((n) => [n.id, n]));
  return (
    <figure className="graph-picture">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={g.title}>
        <defs>
          {(['plain', 'highlight'] as const).map((k) => (
            <marker
              key={k}
              id={`arrow-${k}`}
              viewBox="0 0 10 10"
              refX="8"
              refY="5"
              markerUnits="userSpaceOnUse"
              markerWidth="9"
              markerHeight="9"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className={`arrow-${k}`} />
            </marker>
          ))}
        </defs>
        {g.edges
          .slice()
          .sort((x, y) => Number(x.chain) - Number(y.chain))
          .map((e, i) => {
            const a = at.get(e.from);
            const b = at.get(e.to);
            return a && b ? <Edge key={i} e={e} a={a} b={b} /> : null;
          })}
        {placed.map((n) => (
          <g key={n.id} className={`node${n.chain >= 0 ? ' chain' : ''}${n.step ? ' step' : ''}`}>
            <circle cx={n.x} cy={n.y} r={R} />
            <text x={n.x} y={n.y + 4} textAnchor="middle">
              {n.label}
            </text>
            {n.role && (
              <text className="role" x={n.x} y={n.y + R + 16} textAnchor="middle">
                {n.role}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="small">
        <span className="legend-line highlight" aria-hidden="true" /> {g.legend.highlight} <span className="legend-line plain" aria-hidden="true" />{' '}
        {g.legend.plain}
        <span className="muted">
          {' · '}
          {g.caption.map((part, i) => (part.code ? <code key={i}>{part.text}</code> : <Fragment key={i}>{part.text}</Fragment>))}
        </span>
      </figcaption>
    </figure>
  );
}
