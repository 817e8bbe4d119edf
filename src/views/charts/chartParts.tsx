/**
 * Axis parts for the recharts plots that draw plain SVG text. Recharts' own tick and label text measures every
 * new string in the DOM (a forced layout of the whole page, in the middle of a redraw) to wrap it and to
 * thin out overlapping ticks; our ticks are few, short and given explicitly (`interval={0}`, and
 * `niceTicks="none"` skips its arbitrary-precision nice-tick search), so none of that is needed.
 */
import type { ReactElement } from 'react';

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value: unknown };
  textAnchor?: string;
  verticalAnchor?: string;
}

/** dy that puts the text where recharts' Text would for this vertical anchor (one line). */
function dyOf(anchor: string | undefined): string {
  return anchor === 'start' ? '0.71em' : anchor === 'end' ? '0' : '0.355em';
}

/** A tick renderer: `format(value)` as one plain <text>. */
export function plainTick(fill: string, format: (v: number) => string, fontSize = 12): (p: TickProps) => ReactElement<SVGElement> {
  return function PlainTick(p: TickProps) {
    const v = p.payload?.value;
    return (
      <text
        x={p.x}
        y={p.y}
        dy={dyOf(p.verticalAnchor)}
        textAnchor={p.textAnchor === 'start' || p.textAnchor === 'end' ? p.textAnchor : 'middle'}
        fill={fill}
        fontSize={fontSize}
        className="recharts-cartesian-axis-tick-value"
      >
        {typeof v === 'number' ? format(v) : String(v ?? '')}
      </text>
    );
  };
}

/** An axis label drawn as plain text at the position recharts computed (bottom right, baseline there). */
export function plainLabel(text: string, fill: string, fontSize = 12): (p: { x?: number | string; y?: number | string }) => ReactElement<SVGElement> {
  return function PlainLabel(p) {
    return (
      <text x={p.x} y={p.y} textAnchor="end" fill={fill} fontSize={fontSize}>
        {text}
      </text>
    );
  };
}

/** A label for a marked step's line: plain text just right of the line, at the top. */
export function markerLabel(text: string, fill: string) {
  return function MarkerLabel(p: { viewBox?: { x?: number; y?: number } }) {
    const x = (p.viewBox?.x ?? 0) + 4;
    const y = (p.viewBox?.y ?? 0) + 12;
    return (
      <text x={x} y={y} fill={fill} fontSize={11}>
        {text}
      </text>
    );
  };
}
