/**
 * The reading of a sampled continuation most tasks share (src/train/rl.ts rewards it): up to the first </a>,
 * zero or more intermediate steps, then the answer span. Well formed: </a> comes after at least the answer and at
 * most every step and the answer, and every token before it is one the task outputs. Reward 1: well formed and
 * the tokens just before </a> are the answer.
 */
import type { EvalItem, Judgement } from './types';

export function judgeSpan(cont: ArrayLike<number>, item: Pick<EvalItem, 'answer' | 'steps'>, eos: number, isOutput: (token: number) => boolean): Judgement {
  let end = -1;
  for (let i = 0; i < cont.length; i++) {
    if (cont[i] === eos) {
      end = i;
      break;
    }
  }
  const length = end >= 0 ? end + 1 : cont.length;
  const A = item.answer.length;
  let wellFormed = end >= A && end <= item.steps.length + A;
  for (let i = 0; wellFormed && i < end; i++) wellFormed = isOutput(cont[i]);
  let right = wellFormed;
  for (let j = 0; right && j < A; j++) right = cont[end - A + j] === item.answer[j];
  const cot = wellFormed && end > A;
  let stepsRight = cot;
  for (let i = 0; stepsRight && i < end - A; i++) stepsRight = cont[i] === item.steps[i];
  return { reward: right ? 1 : 0, wellFormed, cot, stepsRight, length };
}
