/** Multiplication's own parameters (src/experiment/schema.ts reads this table through src/tasks/params.ts). */
import type { Param } from '../../experiment/paramTypes';

export const MULTIPLY_PARAMS = [
  {
    key: 'digitsA',
    group: 'data',
    task: 'multiply',
    type: 'int',
    default: 3,
    min: 1,
    max: 5,
    label: 'Digits of a',
    hint: 'm: the first factor a has up to m digits (written as m digits, least significant first, leading zeros kept).',
  },
  {
    key: 'digitsB',
    group: 'data',
    task: 'multiply',
    type: 'int',
    default: 3,
    min: 2,
    max: 5,
    label: 'Digits of b',
    hint: 'n: the second factor b has up to n digits; the CoT arm writes one partial product per digit of b, and a running sum after each from the second on.',
  },
  {
    key: 'trainPairs',
    group: 'data',
    task: 'multiply',
    type: 'int',
    default: 20_000,
    min: 10,
    max: 200_000,
    step: 100,
    label: 'Training pairs',
    hint: 'Distinct pairs a × b trained on; at most half of all 10^(m+n) pairs are (a larger number is cut to half), so that the test pairs are unseen.',
  },
] as const satisfies readonly Param[];
