/** Small remembered UI choices (localStorage; silently forgotten where storage is blocked). */
const PREFIX = 'cot-playground-';

export function loadFlag(name: string, fallback: boolean): boolean {
  try {
    const v = localStorage.getItem(PREFIX + name);
    return v === null ? fallback : v === '1';
  } catch {
    return fallback;
  }
}

export function saveFlag(name: string, value: boolean): void {
  try {
    localStorage.setItem(PREFIX + name, value ? '1' : '0');
  } catch {
    /* not remembered */
  }
}
