import { describe, expect, it } from 'vitest';
import { checkBrowserBudget, parameterCountOf } from './memoryBudget';
import { PAPER_CONFIG } from '../experiment/presets';

describe('the paper preset and the browser budget', () => {
  it('is refused by the browser budget on every backend (it is meant for the PyTorch export)', () => {
    expect(parameterCountOf(PAPER_CONFIG)).toBeGreaterThan(50e6);
    for (const backend of ['auto', 'wasm', 'webgpu'] as const) expect(checkBrowserBudget({ ...PAPER_CONFIG, backend }).ok, backend).toBe(false);
  });
});
