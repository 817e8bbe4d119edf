/**
 * Keyboard shortcuts: space = play/pause, s = one step, r = reset. Ignored while typing (text inputs, selects,
 * text areas, editable content), with modifier keys held (Ctrl+R still reloads), and space is left to focused
 * buttons, links and summaries so it keeps activating them.
 */
import { useTrainingStore } from '../store/trainingStore';

const TYPING = new Set(['text', 'search', 'email', 'number', 'password', 'tel', 'url', 'date', 'time', 'datetime-local', 'month', 'week']);

export function isTyping(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return TYPING.has(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

function activatesOnSpace(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement) return true;
  if (el instanceof HTMLInputElement) return el.type === 'checkbox' || el.type === 'radio' || el.type === 'button';
  return el.tagName === 'SUMMARY' || el.getAttribute('role') === 'button';
}

export type Shortcut = 'toggle' | 'step' | 'reset';

/** Which shortcut a key event means here, or null. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'repeat'>, target: Element | null): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(target)) return null;
  if (e.key === ' ' || e.key === 'Spacebar') return e.repeat || activatesOnSpace(target) ? null : 'toggle';
  if (e.key === 's' || e.key === 'S') return 'step';
  if ((e.key === 'r' || e.key === 'R') && !e.repeat) return 'reset';
  return null;
}

export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    const s = shortcutFor(e, e.target instanceof Element ? e.target : document.activeElement);
    if (!s) return;
    e.preventDefault();
    const t = useTrainingStore.getState();
    if (s === 'toggle') t.toggle();
    else if (s === 'step') t.stepOnce();
    else t.reset();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
