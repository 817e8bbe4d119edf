import { describe, expect, it } from 'vitest';
import { generateDataset, trainingSequences } from '../data/dataset';
import { DEFAULT_CONFIG } from '../experiment/schema';
import { kgOf } from '../tasks/kg';
import { BatchSampler, packSequences } from './batches';

describe('packSequences', () => {
  it('inputs are tokens[0..L-2], labels tokens[1..L-1] with −1 on the prompt and the padding', () => {
    const p = packSequences(
      [
        { tokens: [1, 2, 3, 9], promptLength: 2 },
        { tokens: [1, 2, 4, 5, 9], promptLength: 3 },
      ],
      0,
      4,
    );
    expect(Array.from(p.inputs)).toEqual([1, 2, 3, 0, 1, 2, 4, 5]);
    expect(Array.from(p.labels)).toEqual([-1, 3, 9, -1, -1, -1, 5, 9]);
  });
});

describe('BatchSampler', () => {
  const d = generateDataset({ ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3 });
  const pack = (cot: boolean) => packSequences(trainingSequences(d, cot), d.vocab.pad, 5);

  it('same seed → both arms draw the same examples in the same order (CoT rows = direct rows + bridge)', () => {
    const cot = new BatchSampler(pack(true), 32, 7);
    const direct = new BatchSampler(pack(false), 32, 7);
    const w = 5;
    for (let b = 0; b < 30; b++) {
      const x = cot.next();
      const y = direct.next();
      expect(x.rows).toBe(32);
      for (let r = 0; r < x.rows; r++) {
        const c = Array.from(x.inputs.subarray(r * w, r * w + w));
        const t = Array.from(y.inputs.subarray(r * w, r * w + w));
        if (c[2] < kgOf(d).vocab.entities)
          expect(c).toEqual(t); // atomic: h r t </a> <pad>
        else expect([...c.slice(0, 3), ...c.slice(4)]).toEqual(t.slice(0, 4)); // h r1 r2 b t vs h r1 r2 t </a>
      }
    }
  });

  it('each epoch visits every example at most once; another seed gives another order', () => {
    const data = pack(true);
    const s = new BatchSampler(data, 32, 1);
    const perEpoch = Math.floor(data.count / 32);
    const seen = new Set<string>();
    for (let b = 0; b < perEpoch; b++) {
      const x = s.next();
      for (let r = 0; r < x.rows; r++) seen.add(Array.from(x.inputs.subarray(r * 5, r * 5 + 5)).join(','));
    }
    // rows are distinct sequences, so distinct rows = rows drawn
    expect(seen.size).toBe(perEpoch * 32);
    const a = new BatchSampler(data, 32, 1).next().inputs;
    const b = new BatchSampler(data, 32, 2).next().inputs;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('a batch larger than the data is cut to the data', () => {
    const data = packSequences([{ tokens: [1, 2, 3], promptLength: 1 }], 0, 2);
    const x = new BatchSampler(data, 8, 0).next();
    expect(x.rows).toBe(1);
    expect(Array.from(x.inputs)).toEqual([1, 2]);
  });
});
