import { describe, expect, it } from 'vitest';
import { PARAM_BY_KEY, type FloatParam, type IntParam } from '../../experiment/schema';
import { formatEnd, formatValue, logStops, logToValue, valueToLog } from './ParamControl';

const lr = PARAM_BY_KEY.lr as FloatParam;

describe('log slider', () => {
  it('has round stops from min to max, each a distinct step up', () => {
    const stops = logStops(lr);
    expect(stops[0]).toBe(lr.min);
    expect(stops.at(-1)).toBe(lr.max);
    expect(stops).toContain(0.001);
    expect(stops).toContain(0.003);
    for (let i = 1; i < stops.length; i++) expect(stops[i]).toBeGreaterThan(stops[i - 1]);
  });

  it('moves one stop per position (arrow keys never get stuck) and maps values back', () => {
    const stops = logStops(lr);
    for (let i = 0; i < stops.length; i++) {
      expect(logToValue(lr, i)).toBe(stops[i]);
      expect(valueToLog(lr, stops[i])).toBe(i);
    }
    expect(logToValue(lr, valueToLog(lr, 0.003) + 1)).toBeGreaterThan(0.003);
    expect(valueToLog(lr, 0.0013)).toBe(valueToLog(lr, 0.0012)); // an exact value sits at its nearest stop
  });
});

describe('value formatting', () => {
  it('shows floats to their step, ints with separators, small rates in exponent form', () => {
    expect(formatValue(PARAM_BY_KEY.oodShare as FloatParam, 0.15)).toBe('0.15');
    expect(formatValue(PARAM_BY_KEY.idTestShare as FloatParam, 0.005)).toBe('0.005');
    expect(formatValue(PARAM_BY_KEY.entities as IntParam, 2000)).toBe('2,000');
    expect(formatValue(lr, 0.001)).toBe('1.0e−3');
    expect(formatEnd(PARAM_BY_KEY.seed as IntParam, 999_999)).toBe('1M');
    expect(formatEnd(PARAM_BY_KEY.entities as IntParam, 2000)).toBe('2,000');
    expect(formatEnd(lr, 1e-5)).toBe('1e−5');
  });
});
