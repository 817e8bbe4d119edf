/**
 * The value, but changing at most once per `ms` and never sooner than `lag` ms after it changed (the latest
 * value always arrives, late by < max(ms, lag)). Different lags put the redraws of different views into
 * different tasks, so that one batch of worker messages never redraws every chart in one long task.
 */
import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number, lag = 0): T {
  const [shown, setShown] = useState(value);
  const last = useRef(-Infinity);
  const latest = useRef(value);
  const pending = useRef<{ due: number; id: ReturnType<typeof setTimeout> } | null>(null);
  useEffect(() => {
    latest.current = value;
    const now = performance.now();
    const due = Math.max(now + lag, last.current + ms);
    // an update already due no later picks up this value too
    if (pending.current && pending.current.due <= due) return;
    if (pending.current) clearTimeout(pending.current.id);
    pending.current = null;
    const show = () => {
      pending.current = null;
      last.current = performance.now();
      setShown(latest.current);
    };
    if (due <= now) show();
    else pending.current = { due, id: setTimeout(show, due - now) };
  }, [value, ms, lag]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current.id);
      pending.current = null;
    },
    [],
  );
  return shown;
}
