/** Parity's own parameters (src/experiment/schema.ts reads this table through src/tasks/params.ts). */
import type { Param } from '../../experiment/paramTypes';

export const PARITY_PARAMS = [
  {
    key: 'bits',
    group: 'data',
    task: 'parity',
    type: 'int',
    default: 12,
    min: 2,
    max: 48,
    label: 'Bits',
    hint: 'Length n of each bit string; the answer is the parity of its bits (even or odd number of ones).',
  },
  {
    key: 'trainSize',
    group: 'data',
    task: 'parity',
    type: 'int',
    default: 2000,
    min: 2,
    max: 200_000,
    step: 100,
    label: 'Training strings',
    hint: 'Distinct bit strings trained on; at most half of the 2ⁿ strings are (a larger number is cut to half), so that the test strings are unseen.',
  },
  {
    key: 'testBits',
    group: 'data',
    task: 'parity',
    type: 'int',
    default: 0,
    min: 0,
    max: 48,
    label: 'Other length',
    hint: 'Also test on strings of this many bits (shorter or longer than trained); 0 = off. The model is sized for the longer of the two.',
  },
] as const satisfies readonly Param[];
