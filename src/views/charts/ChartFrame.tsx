/**
 * The frame around every chart of the page: the title, the legend, the chart's own tools, CSV and PNG export,
 * the row of chips (splits, series), the plot's box with its empty message, and what follows (a caption, a
 * table). A chart gives its data and its series (StepPlot.tsx); how charts look and export is decided here.
 */
import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { useThemeColors, type ThemeColors } from '../training/useThemeColors';
import { download, downloadCsv, svgToPngBlob } from './exportChart';

/** An entry of the legend: a line (solid or dashed; the text colour unless `stroke`) or a colour swatch. */
export interface LegendEntry {
  label: string;
  stroke?: string;
  dashed?: boolean;
  swatch?: boolean;
}

/** The arms' legend: CoT solid, direct dashed (the page's convention for the two arms). */
export const ARM_LEGEND: readonly LegendEntry[] = [{ label: 'CoT' }, { label: 'direct', dashed: true }];

/** A chip: a toggle when it has `onChange` (the whole chip is the checkbox's target), else a plain label. */
export interface Chip {
  id: string;
  label: string;
  on: boolean;
  swatch?: string;
  testId?: string;
  onChange?: (on: boolean) => void;
}

/** What the export buttons download; the table is read when clicked (the newest data, not the drawn copy). */
export interface ChartExport {
  png: string;
  /** The line above the chart in the PNG. */
  title: string;
  csv?: { file: string; hint: string; table: () => { fields: string[]; data: (number | string)[][] } };
}

/**
 * The export of a chart of the current run: `cot-playground-<name>-<run hash>.png` and, with a table, `.csv`
 * (named `csvName` where the CSV holds more than the chart draws).
 */
export function runExport(
  hash: string | null,
  name: string,
  title: string,
  csv?: { hint: string; table: NonNullable<ChartExport['csv']>['table']; csvName?: string },
): ChartExport {
  const id = hash ?? 'run';
  return {
    png: `cot-playground-${name}-${id}.png`,
    title,
    csv: csv && { file: `cot-playground-${csv.csvName ?? name}-${id}.csv`, hint: csv.hint, table: csv.table },
  };
}

type DataAttributes = { [name: `data-${string}`]: string | number | undefined };

function Legend({ entries, fg }: { entries: readonly LegendEntry[]; fg: string }) {
  return (
    <span className="chart-legend-arms" aria-hidden="true">
      {entries.map((e) => (
        <span key={e.label}>
          {e.swatch ? (
            <span className="swatch" style={{ background: e.stroke }} />
          ) : (
            <svg width="26" height="8">
              <line x1="0" y1="4" x2="26" y2="4" stroke={e.stroke ?? fg} strokeWidth="2" strokeDasharray={e.dashed ? '5 3' : undefined} />
            </svg>
          )}{' '}
          {e.label}
        </span>
      ))}
    </span>
  );
}

export function ChipRow({ label, chips, children }: { label: string; chips: readonly Chip[]; children?: ReactNode }) {
  return (
    <div className="split-chips" role="group" aria-label={label}>
      {chips.map((c) => {
        const className = `split-chip${c.on ? ' on' : ''}`;
        const swatch = c.swatch && <span className="swatch" style={{ background: c.swatch }} />;
        if (!c.onChange)
          return (
            <span key={c.id} className={className}>
              {swatch}
              {c.label}
            </span>
          );
        const onChange = c.onChange;
        return (
          <label key={c.id} className={className}>
            <input type="checkbox" checked={c.on} onChange={(e) => onChange(e.target.checked)} data-testid={c.testId} />
            <span className="tick" aria-hidden="true" />
            {swatch}
            {c.label}
          </label>
        );
      })}
      {children}
    </div>
  );
}

function ExportButtons({ spec, box, hasData, colors }: { spec: ChartExport; box: RefObject<HTMLDivElement | null>; hasData: boolean; colors: ThemeColors }) {
  const [busy, setBusy] = useState(false);
  const { csv } = spec;
  const exportPng = async () => {
    const svg = box.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    setBusy(true);
    try {
      const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
      download(await svgToPngBlob(svg, { background: colors.panel, fg: colors.fg, font, title: spec.title }), spec.png);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {csv && (
        <button
          type="button"
          onClick={() => {
            const { fields, data } = csv.table();
            downloadCsv(fields, data, csv.file);
          }}
          disabled={!hasData}
          title={csv.hint}
        >
          CSV
        </button>
      )}
      <button type="button" onClick={() => void exportPng()} disabled={!hasData || busy}>
        PNG
      </button>
    </>
  );
}

export function ChartFrame(props: {
  title: ReactNode;
  legend?: readonly LegendEntry[];
  /** The chart's own controls, at the right of the title (before the export buttons). */
  tools?: ReactNode;
  exportAs?: ChartExport;
  /** Whether anything is drawn: without, the export buttons are off and `empty` shows over the plot. */
  hasData: boolean;
  empty?: ReactNode;
  /** Between the title and the plot (chips, a headline). */
  above?: ReactNode;
  /** After the plot (a caption, a table). */
  below?: ReactNode;
  className?: string;
  card?: DataAttributes;
  box?: DataAttributes;
  /** The plot. */
  children: ReactNode;
}) {
  const { title, legend, tools, exportAs, hasData, empty, above, below, className = 'chart-card', card, box, children } = props;
  const colors = useThemeColors();
  const boxRef = useRef<HTMLDivElement>(null);
  return (
    <div className={className} {...card}>
      <div className="chart-head">
        <h3>{title}</h3>
        {legend && <Legend entries={legend} fg={colors.fg} />}
        {(tools || exportAs) && (
          <span className="chart-tools">
            {tools}
            {exportAs && <ExportButtons spec={exportAs} box={boxRef} hasData={hasData} colors={colors} />}
          </span>
        )}
      </div>
      {above}
      <div className="chart-box" ref={boxRef} {...box}>
        {!hasData && empty && <div className="chart-empty">{empty}</div>}
        {children}
      </div>
      {below}
    </div>
  );
}

/** The caption under a chart. */
export function ChartCaption({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="muted small chart-caption" data-testid={testId}>
      {children}
    </p>
  );
}
