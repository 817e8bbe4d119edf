/**
 * Weights as a file, by parameter name: what `npm run export -- LINK --out DIR --weights` writes (init.json) and
 * python/train.py's `--init` reads, so that the PyTorch run starts from the very weights the playground's
 * engine starts from. Names follow the Weights structure (gpt.ts): `tokenEmbedding`, `positionEmbedding`,
 * `blocks.{l}.ln1.gain`, `blocks.{l}.wQKV`, …, `lnFinal.bias`; shapes as stored here ([in, out] matrices);
 * values little-endian float32, base64.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig, Weights } from './gpt';

export const WEIGHTS_FORMAT = 'cot-playground-weights';

export interface WeightsFile {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  model: Omit<ModelConfig, 'seed' | 'dropout'>;
  params: Record<string, { shape: number[]; data: string }>;
}

/** Every parameter with its name, in allVariables' order. */
export function namedParameters(w: Weights): [string, tf.Variable][] {
  const out: [string, tf.Variable][] = [
    ['tokenEmbedding', w.tokenEmbedding],
    ['positionEmbedding', w.positionEmbedding],
  ];
  w.blocks.forEach((b, l) => {
    const p = `blocks.${l}.`;
    out.push(
      [`${p}ln1.gain`, b.ln1.gain],
      [`${p}ln1.bias`, b.ln1.bias],
      [`${p}wQKV`, b.wQKV],
      [`${p}bQKV`, b.bQKV],
      [`${p}wOut`, b.wOut],
      [`${p}bOut`, b.bOut],
      [`${p}ln2.gain`, b.ln2.gain],
      [`${p}ln2.bias`, b.ln2.bias],
      [`${p}wUp`, b.wUp],
      [`${p}bUp`, b.bUp],
      [`${p}wDown`, b.wDown],
      [`${p}bDown`, b.bDown],
    );
  });
  out.push(['lnFinal.gain', w.lnFinal.gain], ['lnFinal.bias', w.lnFinal.bias]);
  return out;
}

/** Base64 of bytes, in chunks (a whole model is too long for one String.fromCharCode call). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The weights file of a model's current values (one readback per parameter). */
export async function weightsFileOf(config: ModelConfig, w: Weights): Promise<WeightsFile> {
  if (!littleEndian) throw new Error('weights files are little-endian float32; this machine is big-endian');
  const params: WeightsFile['params'] = {};
  for (const [name, v] of namedParameters(w)) {
    const values = Float32Array.from((await v.data()) as Float32Array);
    params[name] = { shape: v.shape.slice(), data: bytesToBase64(new Uint8Array(values.buffer)) };
  }
  const { vocabSize, maxLength, layers, heads, dModel, mlpRatio } = config;
  return { format: WEIGHTS_FORMAT, version: 1, model: { vocabSize, maxLength, layers, heads, dModel, mlpRatio }, params };
}
