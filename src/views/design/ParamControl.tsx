/**
 * One labelled control per schema parameter, generated from its table row: numbers get a range slider (log
 * scale when the row says so) plus an editable number box, enums a select. Everything writes through
 * experimentStore.setParam, which validates and turns corrections into notices.
 * Test hook: data-testid="param-<key>" (and data-value, the parameter's value) on the slider or select.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import type { EnumParam, FloatParam, IntParam, Param } from '../../experiment/schema';

/** Friendlier names for enum options; the value in the link stays the option itself. */
export const OPTION_LABELS: Record<string, Record<string, string>> = {
  hops: { '2': '2 (one bridge)', '3': '3 (two bridges)' },
  noiseKind: { t: 't (answer)', b: 'b (bridge)', both: 'both' },
  arms: { both: 'both', cot: 'CoT only', direct: 'direct only' },
  backend: { auto: 'auto (best)', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JS)' },
};

const LOG_STEPS = 1000;

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
  return p.type === 'int' && v >= 10_000 ? compact.format(v) : formatValue(p, v);
}

/** Log slider: position 0…LOG_STEPS ↔ value min…max. */
export function logToValue(p: FloatParam, pos: number): number {
  const v = p.min * (p.max / p.min) ** (pos / LOG_STEPS);
  const rounded = +v.toPrecision(2);
  return Math.min(p.max, Math.max(p.min, Math.round(rounded / p.step) * p.step));
}
export function valueToLog(p: FloatParam, v: number): number {
  return Math.round((LOG_STEPS * Math.log(v / p.min)) / Math.log(p.max / p.min));
}

interface Props {
  param: Param;
  value: string | number;
  /** A tighter upper bound than the table's, set by another parameter (degree ≤ relations). */
  max?: number;
  onChange: (value: string | number) => void;
}

export function ParamControl({ param, value, max, onChange }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`param param-${param.type}`}>
      {param.type === 'enum' ? (
        <EnumControl id={id} hintId={hintId} param={param} value={String(value)} onChange={onChange} />
      ) : (
        <NumberControl id={id} hintId={hintId} param={param} value={Number(value)} max={max} onChange={onChange} />
      )}
      <p className="param-hint" id={hintId}>
        {param.hint}
      </p>
    </div>
  );
}

function EnumControl(props: { id: string; hintId: string; param: EnumParam; value: string; onChange: (v: string) => void }) {
  const { id, hintId, param, value, onChange } = props;
  const names = OPTION_LABELS[param.key] ?? {};
  return (
    <div className="param-head">
      <label htmlFor={id}>{param.label}</label>
      <select
        id={id}
        data-testid={`param-${param.key}`}
        data-value={value}
        aria-describedby={hintId}
        value={value}
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
  onChange: (v: number | string) => void;
}) {
  const { id, hintId, param: p, value, onChange } = props;
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
        />
      </div>
      <div className="param-slider">
        <span className="param-min" aria-hidden="true">
          {formatEnd(p, p.min)}
        </span>
        <input
          id={id}
          type="range"
          data-testid={`param-${p.key}`}
          data-value={value}
          aria-describedby={hintId}
          aria-valuetext={formatValue(p, value)}
          min={log ? 0 : p.min}
          max={log ? LOG_STEPS : max}
          step={log ? 1 : step}
          value={sliderValue}
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
