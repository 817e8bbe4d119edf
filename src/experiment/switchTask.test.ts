import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, PARAMS, taskDefaults, type Config } from './schema';
import { switchTask } from './switchTask';

// a measured preset for parity, whatever src/tasks/params.ts holds today
vi.mock('../tasks/params', async (importOriginal) => {
  const real = await importOriginal<typeof import('../tasks/params')>();
  return { ...real, TASK_PRESETS: { ...real.TASK_PRESETS, parity: { ...real.TASK_PRESETS.parity, layers: 3, steps: 1234 } } };
});

describe('switchTask', () => {
  it('sets the task and its own data parameters to their defaults, and resets the old task’s', () => {
    const kg: Config = { ...DEFAULT_CONFIG, entities: 400, hops: '3', lambda: 4 };
    const parity = switchTask(kg, 'parity');
    expect(parity.task).toBe('parity');
    expect(parity.bits).toBe(taskDefaults('parity').bits);
    expect(parity.entities).toBe(DEFAULT_CONFIG.entities);
    expect(parity.hops).toBe(DEFAULT_CONFIG.hops);
    expect(switchTask(parity, 'kg')).toEqual(DEFAULT_CONFIG);
  });

  it('keeps the model, training, run and common data values the user set', () => {
    const kg: Config = { ...DEFAULT_CONFIG, layers: 2, lr: 0.002, arms: 'cot', seed: 7, noise: 0.2 };
    const parity = switchTask(kg, 'parity');
    expect(parity).toMatchObject({ layers: 2, lr: 0.002, arms: 'cot', seed: 7, noise: 0.2 });
  });

  it('a value still at the old task’s default takes the new task’s default (its preset)', () => {
    const parity = switchTask(DEFAULT_CONFIG, 'parity');
    expect(parity).toMatchObject({ layers: 3, steps: 1234 });
    const defaults = taskDefaults('parity');
    for (const p of PARAMS) expect(parity[p.key], p.key).toBe(defaults[p.key]);
    // a value the user set is kept; back on kg, the preset's values return to kg's defaults
    const custom = switchTask({ ...DEFAULT_CONFIG, steps: 900 }, 'parity');
    expect(custom).toMatchObject({ layers: 3, steps: 900 });
    expect(switchTask(parity, 'kg')).toEqual(DEFAULT_CONFIG);
  });

  it('switching to the same task changes nothing', () => {
    const c: Config = { ...DEFAULT_CONFIG, entities: 400 };
    expect(switchTask(c, 'kg')).toBe(c);
  });
});
