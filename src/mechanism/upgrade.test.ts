/**
 * Records written before tasks were plug-ins (the knowledge graph's bridgeTop1 / bridge2Top1 / answerTop1 and
 * trace targets 'bridge' | 'answer') read as today's: the same grids under the knowledge graph task's names, at
 * the positions the task says its arms say them; records in today's format pass unchanged.
 */
import { describe, expect, it } from 'vitest';
import {
  upgradeLensSummary,
  upgradeMechanismRecord,
  upgradeTraceSummary,
  type LegacyLensSummary,
  type LegacyTraceSummary,
  type LensSummary,
} from '../experiment/mechanism';
import { DEFAULT_CONFIG, type Config } from '../experiment/schema';
import { taskOf } from '../tasks/registry';
import { mechanismLayout } from './lens';
import { measuredSplits } from './probe';
import { generateDataset } from '../data/dataset';

const grid = (rows: number, T: number, f: (r: number, p: number) => number) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: T }, (_, p) => f(r, p)));

describe('upgrading old mechanism records', () => {
  for (const hops of ['2', '3'] as const) {
    for (const cot of [true, false]) {
      it(`${hops} hops, ${cot ? 'CoT' : 'direct'}: the lens' grids under the task's names, where the task says they are said`, () => {
        const config: Config = { ...DEFAULT_CONFIG, task: 'kg', hops };
        const layout = mechanismLayout(config, cot);
        const T = layout.positions.length;
        const old: LegacyLensSummary = {
          step: 100,
          split: 'oodTwoHop',
          positions: layout.positions,
          bridgeTop1: grid(3, T, (r, p) => r * 0.1 + p * 0.01),
          ...(hops === '3' ? { bridge2Top1: grid(3, T, (r, p) => 0.5 + r * 0.1 + p * 0.01) } : {}),
          answerTop1: grid(3, T, (r, p) => 0.9 - r * 0.1 - p * 0.01),
          queries: 40,
        };
        const l = upgradeLensSummary(old);
        expect(l.tracked).toEqual(layout.tracked);
        expect(l.top1).toEqual([old.bridgeTop1, ...(old.bridge2Top1 ? [old.bridge2Top1] : []), old.answerTop1]);
        expect(l).toMatchObject({ step: 100, split: 'oodTwoHop', splitLabel: 'OOD', headline: true, positions: layout.positions, queries: 40 });
        expect(upgradeLensSummary(l)).toBe(l);

        const trace = (target: 'bridge' | 'answer'): LegacyTraceSummary => ({
          step: 100,
          split: 'idTwoHop',
          target,
          positions: layout.positions,
          restored: grid(3, T, () => 0.5),
          pClean: 0.9,
          pCorrupt: 0.1,
          queries: 30,
        });
        const bridge = upgradeTraceSummary(trace('bridge'));
        const answer = upgradeTraceSummary(trace('answer'));
        expect([bridge.target, bridge.label, bridge.position]).toEqual([layout.tracked[0].name, layout.tracked[0].label, layout.tracked[0].position]);
        expect([answer.target, answer.position]).toEqual(['answer', layout.tracked.at(-1)!.position]);
        expect(bridge).toMatchObject({ split: 'idTwoHop', splitLabel: 'ID', restored: trace('bridge').restored, pClean: 0.9, pCorrupt: 0.1, queries: 30 });
        expect(upgradeTraceSummary(bridge)).toBe(bridge);
      });
    }
  }

  it("the old split labels are the knowledge graph's measured splits' short labels, the headline the same", () => {
    const config: Config = { ...DEFAULT_CONFIG, task: 'kg', entities: 30, relations: 6, degree: 3, evalSize: 20 };
    const splits = measuredSplits(config, generateDataset(config));
    expect(splits.map((s) => [s.id, s.label, s.headline])).toEqual([
      ['idTwoHop', 'ID', false],
      ['oodTwoHop', 'OOD', true],
    ]);
    for (const s of splits) {
      const l = upgradeLensSummary({ step: 0, split: s.id, positions: ['h', 'r1', 'r2', 'b', 't'], bridgeTop1: [], answerTop1: [], queries: 0 });
      expect([l.splitLabel, l.headline]).toEqual([s.label, s.headline]);
    }
    expect(taskOf(config).id).toBe('kg');
  });

  it('a whole record: lens and trace upgraded, the rest kept; a record already new is left as it is', () => {
    const positions = ['h', 'r1', 'r2', 'b', 't'];
    const r = upgradeMechanismRecord({
      arm: 'cot',
      step: 5,
      lens: [{ step: 5, split: 'idTwoHop', positions, bridgeTop1: [[0, 0, 1, 0, 0]], answerTop1: [[0, 0, 0, 1, 0]], queries: 2 }],
      trace: [],
      ms: { lens: 1, trace: 0 },
    });
    const l: LensSummary = r.lens[0];
    expect(l.tracked.map((t) => t.name)).toEqual(['b', 'answer']);
    expect(r.ms).toEqual({ lens: 1, trace: 0 });
    expect(upgradeMechanismRecord(r)).toEqual(r);
  });
});
