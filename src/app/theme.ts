/** Light/dark theme: remembered in localStorage, otherwise the system's prefers-color-scheme. */
export type Theme = 'light' | 'dark';
export const THEME_KEY = 'cot-playground-theme';

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null; // storage may be blocked (private mode, sandboxed iframes)
  }
}

export function initialTheme(): Theme {
  const s = stored();
  if (s) return s;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

export function saveTheme(theme: Theme): void {
  applyTheme(theme);
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    /* not remembered; the toggle still works for this visit */
  }
}
