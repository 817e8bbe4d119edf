/**
 * The theme's colours as concrete values (from the CSS variables of src/app/styles.css), re-read when the
 * theme changes. Charts need concrete colours: an exported SVG/PNG carries no stylesheet.
 */
import { useEffect, useState } from 'react';
import type { SplitName } from '../../experiment/domain';

export interface ThemeColors {
  dark: boolean;
  fg: string;
  muted: string;
  border: string;
  panel: string;
  cot: string;
  direct: string;
  split: Record<SplitName, string>;
}

const FALLBACK: ThemeColors = {
  dark: false,
  fg: '#1d2330',
  muted: '#5d6676',
  border: '#d9dde4',
  panel: '#ffffff',
  cot: '#2f6fd6',
  direct: '#d9711c',
  split: { idAtomic: '#6aa886', oodAtomic: '#d27bb0', trainTwoHop: '#8a94a6', idTwoHop: '#2d8a5f', oodTwoHop: '#b83280' },
};

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
      idAtomic: v('--split-id-atomic', FALLBACK.split.idAtomic),
      oodAtomic: v('--split-ood-atomic', FALLBACK.split.oodAtomic),
      trainTwoHop: v('--split-train', FALLBACK.split.trainTwoHop),
      idTwoHop: v('--split-id-test', FALLBACK.split.idTwoHop),
      oodTwoHop: v('--split-ood-test', FALLBACK.split.oodTwoHop),
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
