import { describe, expect, it } from 'vitest';
import { foldArms } from './armsProgress';

const arm = (
  step: number,
  backend: string | null = 'wasm',
  o: { stopped?: boolean; fallbacks?: string[]; threads?: string | null; adapter?: string | null } = {},
) => ({
  step,
  backend,
  stopped: o.stopped ?? false,
  fallbacks: o.fallbacks ?? [],
  threads: o.threads ?? null,
  adapter: o.adapter ?? null,
});

describe('foldArms', () => {
  it("the run's step is the slowest arm still training; a stopped arm no longer holds it back; once all stopped, the furthest", () => {
    expect(foldArms([arm(40), arm(35)]).step).toBe(35);
    expect(foldArms([arm(40), arm(12, 'wasm', { stopped: true })]).step).toBe(40);
    expect(foldArms([arm(40, 'wasm', { stopped: true }), arm(12, 'wasm', { stopped: true })]).step).toBe(40);
    expect(foldArms([]).step).toBe(0);
  });

  it('one backend name when the arms agree, else joined in their order; each fallback once', () => {
    expect(foldArms([arm(0), arm(0)]).backend).toBe('wasm');
    expect(foldArms([arm(0, 'webgpu'), arm(0, 'wasm')]).backend).toBe('webgpu / wasm');
    expect(foldArms([arm(0, null), arm(0, null)]).backend).toBeNull();
    expect(foldArms([arm(0, 'wasm', { fallbacks: ['a', 'b'] }), arm(0, 'wasm', { fallbacks: ['b', 'c'] })]).fallbacks).toEqual(['a', 'b', 'c']);
    expect(foldArms([arm(0, 'wasm', { threads: '2 threads' }), arm(0, 'wasm', { threads: '1 thread' })]).threads).toBe('2 threads / 1 thread');
    expect(foldArms([arm(0, 'webgpu', { adapter: 'GPU A' }), arm(0, 'webgpu', { adapter: 'GPU A' })]).adapter).toBe('GPU A');
    expect(foldArms([arm(0, 'wasm'), arm(0, 'wasm')]).adapter).toBeNull();
  });
});
