/**
 * The knowledge graph as it was before tasks were plug-ins, pinned: dataset hashes of a few links (v1, v2, no
 * `task` key; version 3 changed the default λ and steps, so the links say v=2) and the per-step losses of a short run on wasm, recorded from commit ebc2f3b (before the move into
 * src/tasks/kg). Any change to the generator, the sequences or the engine's reading of them shows here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/data/dataset';
import { datasetHash } from '../../src/data/hash';
import { queryToConfig } from '../../src/experiment/link';
import { Experiment } from '../../src/train/experimentLoop';

const HASHES: Record<string, string> = {
  'v=2': '290e21f9559146a4',
  'v=2&seed=3': '06ca933e3a15419c',
  'v=1&seed=7': '114c06cc4499f3c9',
  'v=2&hops=3&entities=100&seed=2': '37d1cf1a7bc4fa67',
  'v=2&noise=0.2&noiseKind=both&cotShare=0.5&entities=120': '67b3c105c51b1831',
  'v=2&entities=60&relations=6&degree=4&layers=2&dModel=32&heads=2&batch=32&steps=30&evalEvery=10': 'e3eb6931d9ef1b5b',
};

const LOSSES = {
  cot: [
    4.244363784790039, 4.240668296813965, 4.267532825469971, 4.245927810668945, 4.229187965393066, 4.202963352203369, 4.219191074371338, 4.179283142089844,
    4.187075138092041, 4.180771827697754, 4.1723952293396, 4.145151615142822, 4.104846000671387, 4.100902080535889, 4.084009170532227, 4.090265274047852,
    4.068211078643799, 4.0439629554748535, 4.040524959564209, 4.037272930145264, 4.010775566101074, 3.9889543056488037, 3.985700845718384, 3.9563748836517334,
    3.960466146469116, 3.95721697807312, 3.9619388580322266, 3.9347777366638184, 3.9435954093933105, 3.9013254642486572,
  ],
  direct: [
    4.215518474578857, 4.222069263458252, 4.215691089630127, 4.217726230621338, 4.1945343017578125, 4.185492038726807, 4.184206485748291, 4.137310981750488,
    4.128530979156494, 4.116719722747803, 4.0969624519348145, 4.075695037841797, 4.056304454803467, 4.033549785614014, 4.0232954025268555, 4.011801242828369,
    3.999335765838623, 3.970468282699585, 3.9554781913757324, 3.953508138656616, 3.954944372177124, 3.9227352142333984, 3.907621145248413, 3.8998470306396484,
    3.897925853729248, 3.8743019104003906, 3.8671255111694336, 3.8394761085510254, 3.850834369659424, 3.8250021934509277,
  ],
};

describe('the knowledge graph, pinned from before the move', () => {
  it('every link opens the same dataset (same hash)', () => {
    for (const [link, hash] of Object.entries(HASHES)) {
      const { config, corrections } = queryToConfig(link);
      expect(corrections, link).toEqual([]);
      expect(config.task, link).toBe('kg');
      expect(datasetHash(generateDataset(config)), link).toBe(hash);
    }
  });

  describe('a short run on wasm', () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      await tf.ready();
    });
    it('has the same per-step losses, bit for bit', async () => {
      const { config } = queryToConfig('v=2&entities=60&relations=6&degree=4&layers=2&dModel=32&heads=2&batch=32&steps=30&evalEvery=10&evalEarly=off');
      const losses: Record<string, number[]> = { cot: [], direct: [] };
      const e = new Experiment(config, (ev) => {
        if (ev.type === 'loss') losses[ev.arm].push(...ev.losses);
      });
      await e.run();
      e.dispose();
      expect(losses).toEqual(LOSSES);
    });
  });
});
