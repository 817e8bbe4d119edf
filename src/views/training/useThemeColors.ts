/**
 * The theme's colours as concrete values (from the CSS variables of src/app/styles.css), re-read when the
 * theme changes. Charts need concrete colours: an exported SVG/PNG carries no stylesheet.
 */
import { useEffect, useState } from 'react';
import type { SplitSpec } from '../../tasks/types';

/** Split colours by the split's role (the task's splits get theirs by role and order: splitColors). */
export interface SplitPalette {
  /** The first and second prerequisite split (more alternate). */
  prerequisite: readonly [string, string];
  train: string;
  test: string;
  headline: string;
}

export interface ThemeColors {
  dark: boolean;
  fg: string;
  muted: string;
  border: string;
  panel: string;
  cot: string;
  direct: string;
  split: SplitPalette;
}

const FALLBACK: ThemeColors = {
  dark: false,
  fg: '#1d2330',
  muted: '#5d6676',
  border: '#d9dde4',
  panel: '#ffffff',
  cot: '#2f6fd6',
  direct: '#d9711c',
  split: { prerequisite: ['#6aa886', '#d27bb0'], train: '#8a94a6', test: '#2d8a5f', headline: '#b83280' },
};

/** The colour of each split (by id): by its role, the n-th prerequisite or test split alternating between two. */
export function splitColors(colors: Pick<ThemeColors, 'split'>, splits: readonly SplitSpec[]): Record<string, string> {
  const p = colors.split;
  const tests = [p.test, p.prerequisite[0]];
  let nPre = 0;
  let nTest = 0;
  const out: Record<string, string> = {};
  for (const s of splits) {
    if (s.role === 'headline') out[s.id] = p.headline;
    else if (s.role === 'train') out[s.id] = p.train;
    else if (s.role === 'prerequisite') out[s.id] = p.prerequisite[nPre++ % 2];
    else out[s.id] = tests[nTest++ % 2];
  }
  return out;
}

function read(): ThemeColors {
  if (typeof document === 'undefined') return FALLBACK;
  const cs = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const theme = document.documentElement.dataset.theme;
  const dark = theme ? theme === 'dark' : typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    dark,
    fg: v('--fg', FALLBACK.fg),
    muted: v('--muted', FALLBACK.muted),
    border: v('--border', FALLBACK.border),
    panel: v('--panel', FALLBACK.panel),
    cot: v('--cot', FALLBACK.cot),
    direct: v('--direct', FALLBACK.direct),
    split: {
      prerequisite: [v('--split-id-atomic', FALLBACK.split.prerequisite[0]), v('--split-ood-atomic', FALLBACK.split.prerequisite[1])],
      train: v('--split-train', FALLBACK.split.train),
      test: v('--split-id-test', FALLBACK.split.test),
      headline: v('--split-ood-test', FALLBACK.split.headline),
    },
  };
}

export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(read);
  useEffect(() => {
    // a new object only when a colour changed, so memoised charts do not redraw for nothing
    const update = () => {
      const next = read();
      setColors((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    const obs = new MutationObserver(update);
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    mq?.addEventListener('change', update);
    update();
    return () => {
      obs.disconnect();
      mq?.removeEventListener('change', update);
    };
  }, []);
  return colors;
}
