/**
 * The small knowledge-graph configs the engine's tests train on, one definition each: TINY_KG trains in a few
 * seconds (one block, 32 wide); SMALL_KG (two blocks, wasm) is large enough to learn the
 * two-hop task in a few hundred steps. A test states only what it changes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src/experiment/schema';

export const TINY_KG: Config = {
  ...DEFAULT_CONFIG,
  entities: 30,
  relations: 6,
  degree: 3,
  layers: 1,
  heads: 2,
  dModel: 32,
  batch: 32,
  lr: 3e-3,
  warmup: 5,
  evalSize: 50,
  backend: 'cpu',
};

export const SMALL_KG: Config = {
  ...DEFAULT_CONFIG,
  entities: 40,
  relations: 6,
  degree: 4,
  layers: 2,
  heads: 2,
  dModel: 32,
  lr: 3e-3,
  backend: 'wasm',
};

/**
 * The file's tests run on tfjs' wasm backend with our kernels: the browser's default path, reproducible bit for bit
 * run to run, and several times faster than the cpu backend (the PyTorch and fast-path tests compare it with cpu).
 */
export function onWasmBackend(): void {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
}
