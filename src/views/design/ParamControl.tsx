/**
 * One labelled control per schema parameter, generated from its table row: numbers get a range slider (log
 * scale when the row says so) plus an editable number box, enums a select, a file's hash a file input. Everything writes through
 * experimentStore.setParam, which validates and turns corrections into notices.
 * Test hook: data-testid="param-<key>" (and data-value, the parameter's value) on the slider or select.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import type { EnumParam, FloatParam, IntParam, Param } from '../../experiment/schema';
import { SourceFileControl } from './SourceFileControl';

/** Friendlier names for the common enum options (a task's own are in its parameter table); the value in the link stays the option itself. */
export const OPTION_LABELS: Record<string, Record<string, string>> = {
  noiseKind: { t: 't (answer)', b: 'b (a step)', both: 'both' },
  arms: { both: 'both', cot: 'CoT only', direct: 'direct only' },
  backend: { auto: 'auto (best)', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JS)' },
};

function decimalsOf(step: number): number {
  if (Number.isInteger(step)) return 0;
  const [mant, exp] = step.toExponential().split('e');
  const mantDecimals = mant.split('.')[1]?.length ?? 0;
  return Math.max(0, mantDecimals - Number(exp));
}

/** The value as shown next to the slider. */
export function formatValue(p: IntParam | FloatParam, v: number): string {
  if (p.type === 'float' && p.log) return v >= 0.01 ? String(+v.toPrecision(3)) : v.toExponential(1).replace('e-', 'e−');
  if (p.type === 'int') return v.toLocaleString('en-US');
  return v.toFixed(decimalsOf(p.step));
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** Shorter, for the ends of a slider: 999,999 → 1M. */
export function formatEnd(p: IntParam | FloatParam, v: number): string {
  if (p.type === 'float' && p.log && v < 0.01) return v.toExponential(0).replace('e-', 'e−');
  return p.type === 'int' && v >= 10_000 ? compact.format(v) : formatValue(p, v);
}

/** Mantissas of the log slider's stops: about ten per decade, each a round number. */
const NICE = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8];
/** The stops of a log slider, from min to max. */
export function logStops(p: FloatParam): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(p.min)); e <= Math.ceil(Math.log10(p.max)); e++) {
    for (const m of NICE) {
      const v = +(m * 10 ** e).toPrecision(2);
      if (v >= p.min * (1 - 1e-9) && v <= p.max * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}
/** Log slider: position → value. */
export function logToValue(p: FloatParam, pos: number): number {
  const stops = logStops(p);
  return stops[Math.min(stops.length - 1, Math.max(0, Math.round(pos)))];
}
/** Log slider: value → nearest position (in log space). */
export function valueToLog(p: FloatParam, v: number): number {
  const stops = logStops(p);
  let best = 0;
  for (let i = 1; i < stops.length; i++) if (Math.abs(Math.log(stops[i] / v)) < Math.abs(Math.log(stops[best] / v))) best = i;
  return best;
}

interface Props {
  param: Param;
  value: string | number;
  /** A tighter upper bound than the table's, set by another parameter (degree ≤ relations). */
  max?: number;
  /** Shown but not changeable (a classroom link's lock). */
  locked?: boolean;
  onChange: (value: string | number) => void;
}

export function ParamControl({ param, value, max, locked = false, onChange }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`param param-${param.type}${locked ? ' locked' : ''}`}>
      {param.type === 'enum' ? (
        <EnumControl id={id} hintId={hintId} param={param} value={String(value)} disabled={locked} onChange={onChange} />
      ) : param.type === 'hex' ? (
        <SourceFileControl id={id} param={param} value={String(value)} disabled={locked} onChange={onChange} />
      ) : (
        <NumberControl id={id} hintId={hintId} param={param} value={Number(value)} max={max} disabled={locked} onChange={onChange} />
      )}
      <p className="param-hint" id={hintId}>
        {locked && <span className="param-locked-note">Locked by this link. </span>}
        {param.hint}
      </p>
    </div>
  );
}

function EnumControl(props: { id: string; hintId: string; param: EnumParam; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const { id, hintId, param, value, disabled, onChange } = props;
  const names: Record<string, string> = param.optionLabels ?? OPTION_LABELS[param.key] ?? {};
  return (
    <div className="param-head">
      <label htmlFor={id}>{param.label}</label>
      <select
        id={id}
        data-testid={`param-${param.key}`}
        data-value={value}
        aria-describedby={hintId}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        {param.options.map((o) => (
          <option key={o} value={o}>
            {names[o] ?? o}
          </option>
        ))}
      </select>
    </div>
  );
}

function NumberControl(props: {
  id: string;
  hintId: string;
  param: IntParam | FloatParam;
  value: number;
  max?: number;
  disabled: boolean;
  onChange: (v: number | string) => void;
}) {
  const { id, hintId, param: p, value, disabled, onChange } = props;
  const max = Math.min(p.max, props.max ?? p.max);
  const [draft, setDraft] = useState<string | null>(null);
  const log = p.type === 'float' && p.log === true;
  const step = p.step ?? 1;
  const commit = () => {
    if (draft === null) return;
    setDraft(null);
    const n = Number(draft.trim().replace('−', '-'));
    // an empty or unreadable box just goes back to the current value
    if (draft.trim() === '' || !Number.isFinite(n)) return;
    if (n !== value) onChange(draft.trim());
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') setDraft(null);
  };
  const sliderValue = log ? valueToLog(p as FloatParam, value) : value;
  // a slider's positions are min + k·step: start an int slider on the step grid (steps 100, 200, …, not 1, 101, …);
  // the box still takes any value in range
  const sliderMin = log ? 0 : p.type === 'int' ? Math.min(max, Math.ceil(p.min / step) * step) : p.min;
  return (
    <>
      <div className="param-head">
        <label htmlFor={id}>{p.label}</label>
        <input
          className="param-number"
          type="text"
          inputMode="decimal"
          aria-label={`${p.label}, exact value`}
          aria-describedby={hintId}
          value={draft ?? (log ? formatValue(p, value).replace('−', '-') : String(value))}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={onKey}
          size={7}
          disabled={disabled}
        />
      </div>
      <div className="param-slider">
        <span className="param-min" aria-hidden="true">
          {formatEnd(p, log ? p.min : sliderMin)}
        </span>
        <input
          id={id}
          type="range"
          data-testid={`param-${p.key}`}
          data-value={value}
          aria-describedby={hintId}
          aria-valuetext={formatValue(p, value)}
          min={sliderMin}
          max={log ? logStops(p as FloatParam).length - 1 : max}
          step={log ? 1 : step}
          value={sliderValue}
          disabled={disabled}
          onChange={(e) => {
            const pos = Number(e.target.value);
            onChange(log ? logToValue(p as FloatParam, pos) : pos);
          }}
        />
        <span className="param-max" aria-hidden="true">
          {formatEnd(p, max)}
        </span>
      </div>
    </>
  );
}
