import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { useExperimentStore } from './experimentStore';

describe('experimentStore.setParam', () => {
  beforeEach(() => useExperimentStore.setState({ config: DEFAULT_CONFIG, notices: [] }));

  it('validates and reports corrections as warnings', () => {
    useExperimentStore.getState().setParam('entities', 5);
    const s = useExperimentStore.getState();
    expect(s.config.entities).toBe(10);
    expect(s.notices.map((n) => n.kind)).toEqual(['warning']);
    expect(s.notices[0].text).toMatch(/^entities: /);
  });

  it('keeps only the latest correction per parameter (a slider drag repeats it)', () => {
    const { setParam, notify } = useExperimentStore.getState();
    notify('Training on wasm: webgpu is not available.');
    for (const r of [9, 8, 7]) setParam('relations', r); // degree 10 → 9 → 8 → 7
    const s = useExperimentStore.getState();
    expect(s.config.degree).toBe(7);
    const degree = s.notices.filter((n) => n.text.startsWith('degree:'));
    expect(degree).toHaveLength(1);
    expect(degree[0].text).toMatch(/using 7/);
    expect(s.notices.some((n) => n.text.startsWith('Training on wasm'))).toBe(true);
  });
});

describe('experimentStore.setTask', () => {
  beforeEach(() => useExperimentStore.setState({ config: DEFAULT_CONFIG, notices: [] }));

  it('switches to the task’s defaults and keeps the model and training values set', () => {
    const { setParam, setTask } = useExperimentStore.getState();
    setParam('entities', 400);
    setParam('layers', 3);
    setTask('parity');
    let s = useExperimentStore.getState();
    expect(s.config).toMatchObject({ task: 'parity', entities: DEFAULT_CONFIG.entities, bits: DEFAULT_CONFIG.bits, layers: 3 });
    expect(s.notices).toEqual([]);
    setParam('bits', 20); // a parameter of the new task, set without complaint about the others' keys
    setTask('kg');
    s = useExperimentStore.getState();
    expect(s.config).toEqual({ ...DEFAULT_CONFIG, layers: 3 });
    expect(s.notices).toEqual([]);
  });
});
