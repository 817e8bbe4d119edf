/**
 * The designer's sample rows for any task whose continuation is its steps, then the answer span, then </a>: each
 * token a chip, each written token checked against the truth (noise shows as a corrupted token).
 */
import type { EvalItem, PreviewChip, PreviewRow, Sequence } from './types';

export interface ChipStyle {
  names: readonly string[];
  eos: number;
  tone(token: number, part: PreviewChip['part']): PreviewChip['tone'];
  /** The tooltip of a written token: intermediate step k, or token k of the answer. */
  title?(part: 'step' | 'answer', k: number): string | undefined;
}

export function previewChips(style: ChipStyle) {
  const chip = (t: number, part: PreviewChip['part'], truth?: number, k = 0): PreviewChip => {
    const title = part === 'step' || part === 'answer' ? style.title?.(part, k) : undefined;
    return {
      text: style.names[t] ?? '?',
      part,
      tone: style.tone(t, part),
      ...(title ? { title } : {}),
      ...(truth !== undefined && t !== truth ? { corrupted: true } : {}),
    };
  };
  const chipsOf = (s: Sequence, truth: EvalItem): PreviewChip[] => {
    const p = s.promptLength;
    const answerFrom = s.tokens.length - 1 - truth.answer.length;
    return s.tokens.map((t, i) => {
      if (i < p) return chip(t, 'prompt');
      if (i === s.tokens.length - 1 && t === style.eos) return chip(t, 'eos');
      if (i >= answerFrom) return chip(t, 'answer', truth.answer[i - answerFrom], i - answerFrom);
      return chip(t, 'step', truth.steps[i - p], i - p);
    });
  };
  const rowOf = (source: string, cot: Sequence, direct: Sequence, truth: EvalItem, highlight = false): PreviewRow => ({
    source,
    highlight,
    direct: chipsOf(direct, truth),
    cot: chipsOf(cot, truth),
  });
  return { chip, chipsOf, rowOf };
}
