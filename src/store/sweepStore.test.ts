import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { configToQuery } from '../experiment/link';
import { DEFAULT_CONFIG, type Config } from '../experiment/schema';
import { createSweepStore } from './sweepStore';

/** A training store that builds data and trains at once, as the workers would (later, in turns). */
function fakeTraining() {
  const played: Config[] = [];
  const store = createStore<{
    status: string;
    runConfig: Config | null;
    error: string | null;
    refused?: string | null;
    play: () => void;
    pause: () => void;
    reset: () => void;
  }>((set, get) => ({
    status: 'idle',
    runConfig: null,
    error: null,
    play: () => {
      played.push(get().runConfig!);
      set({ status: 'running' });
      setTimeout(() => set({ status: 'done' }), 0);
    },
    pause: () => set({ status: 'paused' }),
    reset: () => {
      set({ status: 'idle', runConfig: null });
      setTimeout(() => set({ runConfig: pending }), 0);
    },
  }));
  let pending: Config = DEFAULT_CONFIG;
  return { store, played, setPending: (c: Config) => (pending = c) };
}

describe('sweep store', () => {
  it('trains every combination in turn from the current experiment, tags the current run, counts down', async () => {
    const t = fakeTraining();
    const notices: string[] = [];
    const base = { ...DEFAULT_CONFIG, entities: 40 };
    const tags: unknown[] = [];
    const sweep = createSweepStore({
      getConfig: () => base,
      setConfig: (c) => {
        t.setPending(c);
        tags.push(sweep.getState().tagFor(c));
      },
      training: t.store as never,
      notify: (text) => notices.push(text),
      clock: () => 0,
    });
    sweep.getState().define({ key: 'noise', values: [0, 0.4], seeds: [0, 1] });
    await sweep.getState().start();
    expect(t.played.map((c) => [c.noise, c.seed, c.entities])).toEqual([
      [0, 0, 40],
      [0, 1, 40],
      [0.4, 0, 40],
      [0.4, 1, 40],
    ]);
    expect(sweep.getState()).toMatchObject({ status: 'done', index: 4, total: 4, current: null });
    expect(tags.map((x) => (x as { value: number; seed: number }).value)).toEqual([0, 0, 0.4, 0.4]);
    expect(new Set(tags.map((x) => (x as { id: string }).id)).size).toBe(1);
    expect(sweep.getState().tagFor({ ...base, noise: 0.4, seed: 1 })).toBeUndefined(); // not running any more
    expect(notices.at(-1)).toBe('Sweep over noise finished: 4 of 4 runs.');
  });

  it('cancel pauses the current run and stops the queue', async () => {
    const t = fakeTraining();
    t.store.setState({
      play: () => {
        t.played.push(t.store.getState().runConfig!);
        t.store.setState({ status: 'running' }); // never finishes by itself
      },
    });
    const sweep = createSweepStore({ getConfig: () => DEFAULT_CONFIG, setConfig: (c) => t.setPending(c), training: t.store as never, notify: () => {} });
    sweep.getState().define({ key: 'lambda', values: [1.8, 3.6, 7.2], seeds: [0] });
    const running = sweep.getState().start();
    for (let i = 0; i < 50 && t.played.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
    expect(sweep.getState()).toMatchObject({ status: 'running', index: 1, total: 3 });
    expect(sweep.getState().tagFor(t.store.getState().runConfig!)).toMatchObject({ key: 'lambda', value: 1.8, seed: 0 });
    sweep.getState().cancel();
    await running;
    expect(sweep.getState().status).toBe('cancelled');
    expect(t.store.getState().status).toBe('paused');
    expect(t.played.map((c) => configToQuery(c))).toEqual([configToQuery({ ...DEFAULT_CONFIG, lambda: 1.8 })]);
  });

  it('stops when the experiment is changed under it (a reset to another config), with a notice', async () => {
    const t = fakeTraining();
    t.store.setState({
      play: () => {
        t.played.push(t.store.getState().runConfig!);
        t.store.setState({ status: 'running' });
      },
    });
    const notices: string[] = [];
    const sweep = createSweepStore({
      getConfig: () => DEFAULT_CONFIG,
      setConfig: (c) => t.setPending(c),
      training: t.store as never,
      notify: (n) => notices.push(n),
    });
    sweep.getState().define({ key: 'lambda', values: [1.8, 3.6], seeds: [0] });
    const running = sweep.getState().start();
    for (let i = 0; i < 50 && t.played.length === 0; i++) await new Promise((r) => setTimeout(r, 0));
    t.store.setState({ status: 'idle', runConfig: { ...DEFAULT_CONFIG, entities: 300 } }); // the user moved a slider
    await running;
    expect(sweep.getState().status).toBe('cancelled');
    expect(t.played).toHaveLength(1);
    expect(notices.at(-1)).toBe('Sweep over lambda stopped at run 1 of 2: the experiment was changed during the sweep, so it stopped.');
  });
});
