import { describe, expect, it } from 'vitest';
import { buildReport } from './report';
import { summaryRow } from './summarize';
import { generateDataset } from '../src/data/distribution';
import { DEFAULT_CONFIG } from '../src/experiment/schema';
import { type MetricRow } from '../src/experiment/domain';

const row = (step: number, ood: number, idTest = 0): MetricRow => {
  const acc = { idAtomic: 1, oodAtomic: 1, trainTwoHop: 1, idTwoHop: idTest, oodTwoHop: ood };
  return { step, loss: 1, acc, answerAcc: acc };
};

describe('summaryRow', () => {
  it('finds the first step over 0.9, the peak, the slide after it and the direct maximum', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3, seed: 7 };
    const r = buildReport({
      link: 'v=1',
      config,
      backend: 'wasm',
      data: generateDataset(config),
      hash: 'h',
      arms: ['cot', 'direct'],
      history: {
        cot: [row(0, 0), row(100, 0.5), row(200, 0.92), row(300, 0.97), row(400, 0.91)],
        direct: [row(0, 0), row(100, 0.02), row(200, 0.05, 0.3), row(300, 0.01, 0.4), row(400, 0.0, 0.45)],
      },
      stepsPerSec: { cot: 5, direct: 6 },
      wallSeconds: 123.4,
    });
    const cells = summaryRow('f.json', r).split(' | ');
    expect(cells).toEqual(['f.json', '7', '200', '0.970 (300)', '0.910', '0.910 (400)', '0.050', '0.450', '123', '5.0 / 6.0', 'wasm']);
  });

  it('says never when the CoT arm did not reach 0.9', () => {
    const config = { ...DEFAULT_CONFIG, entities: 30, relations: 6, degree: 3 };
    const r = buildReport({
      link: 'v=1', config, backend: 'cpu', data: generateDataset(config), hash: 'h', arms: ['cot'],
      history: { cot: [row(0, 0), row(100, 0.4)], direct: [] }, stepsPerSec: { cot: 1 },
    });
    expect(summaryRow('g.json', r).split(' | ')[2]).toBe('never');
  });
});
