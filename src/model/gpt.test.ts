/**
 * forward's named intermediates and patching hooks, on both op paths (our wasm kernels and plain tfjs):
 * the record holds what its names say (the residual stream adds up, the last state unembeds to the logits),
 * an identity hook changes nothing, a replaced state carries its replacement through, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_HOOKS,
  allVariables,
  blockHook,
  createModel,
  disposeWeights,
  forward,
  initWeights,
  modelOf,
  residName,
  unembed,
  type HookName,
  type Hooks,
  type Model,
  type ModelConfig,
} from './gpt';
import { pickOps } from './ops';

const config: ModelConfig = { vocabSize: 23, maxLength: 7, layers: 2, heads: 2, dModel: 16, mlpRatio: 4, dropout: 0, seed: 5 };
let weights: ReturnType<typeof initWeights>;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  weights = tf.tidy(() => initWeights(config) as unknown as tf.TensorContainer) as unknown as ReturnType<typeof initWeights>;
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
const tokensA = () =>
  tf.tensor2d(
    [
      [1, 4, 9, 2, 7],
      [3, 3, 0, 22, 5],
      [8, 1, 2, 3, 4],
    ],
    undefined,
    'int32',
  );
const tokensB = () =>
  tf.tensor2d(
    [
      [6, 4, 9, 2, 7],
      [11, 3, 0, 22, 5],
      [12, 1, 2, 3, 4],
    ],
    undefined,
    'int32',
  );
const ALL: HookName[] = [...Array.from({ length: config.layers }, (_, l) => BLOCK_HOOKS.map((h) => blockHook(l, h))).flat(), 'ln_final.hook_normalized'];

for (const path of ['fast', 'reference'] as const) {
  describe(`named activations and hooks (${path} path)`, () => {
    const model = (): Model => modelOf(config, weights, pickOps(path));

    it('the record holds every name with its shape, and the residual stream adds up', () => {
      tf.tidy(() => {
        const m = model();
        expect(m.ops.path).toBe(path);
        const { logits, cache } = forward(m, tokensA(), { keep: ALL });
        const [B, T, d, H] = [3, 5, config.dModel, config.heads];
        for (const n of ALL) expect(cache[n], n).toBeDefined();
        expect(cache['blocks.0.attn.hook_pattern']!.shape).toEqual([B, H, T, T]);
        expect(cache['blocks.1.attn.hook_q']!.shape).toEqual([B, T, H, d / H]);
        expect(cache['blocks.1.attn.hook_z']!.shape).toEqual([B, T, H, d / H]);
        expect(cache['blocks.0.mlp.hook_pre']!.shape).toEqual([B, T, 4 * d]);
        expect(cache['blocks.1.hook_resid_post']!.shape).toEqual([B, T, d]);
        // pattern rows sum to 1, nothing above the diagonal
        const p = cache['blocks.1.attn.hook_pattern']!;
        expect(maxDiff(tf.sum(p, -1), tf.onesLike(tf.sum(p, -1)))).toBeLessThan(1e-5);
        expect(p.arraySync()[0][0][0][4]).toBeLessThan(1e-6);
        for (let l = 0; l < config.layers; l++) {
          const c = (h: (typeof BLOCK_HOOKS)[number]) => cache[blockHook(l, h)]!;
          expect(maxDiff(c('hook_resid_mid'), tf.add(c('hook_resid_pre'), c('hook_attn_out')))).toBeLessThan(1e-5);
          expect(maxDiff(c('hook_resid_post'), tf.add(c('hook_resid_mid'), c('hook_mlp_out')))).toBeLessThan(1e-5);
          if (l > 0) expect(maxDiff(c('hook_resid_pre'), cache[blockHook(l - 1, 'hook_resid_post')]!)).toBe(0);
        }
        expect(residName(0)).toBe('blocks.0.hook_resid_pre');
        expect(residName(2)).toBe('blocks.1.hook_resid_post');
        // the last residual state, unembedded, is the model's output (the logit lens at the last layer)
        const last = cache[residName(config.layers)]!.reshape([B * T, d]) as tf.Tensor2D;
        expect(maxDiff(unembed(m, last), logits.reshape([B * T, config.vocabSize]))).toBeLessThan(1e-5);
      });
    });

    it('identity hooks (returning nothing, or the same tensor, or a copy) change nothing', () => {
      tf.tidy(() => {
        const m = model();
        const plain = forward(m, tokensA()).logits;
        const none: Hooks = Object.fromEntries(ALL.map((n) => [n, () => undefined]));
        const same = Object.fromEntries(ALL.map((n) => [n, (x: tf.Tensor) => x])) as Hooks;
        const copy = Object.fromEntries(ALL.map((n) => [n, (x: tf.Tensor) => tf.add(x, 0)])) as Hooks;
        expect(maxDiff(forward(m, tokensA(), { hooks: none }).logits, plain)).toBe(0);
        expect(maxDiff(forward(m, tokensA(), { hooks: same }).logits, plain)).toBe(0);
        // a copied pattern makes the values be mixed by plain matmul: float32 rounding only
        expect(maxDiff(forward(m, tokensA(), { hooks: copy }).logits, plain)).toBeLessThan(1e-4);
      });
    });

    it("a patched state is carried through: B with all of A's last residual stream gives A's logits; a patch elsewhere changes them", () => {
      tf.tidy(() => {
        const m = model();
        const a = forward(m, tokensA(), { keep: [residName(config.layers), 'blocks.1.hook_resid_pre', 'blocks.0.attn.hook_pattern'] });
        const b = forward(m, tokensB()).logits;
        expect(maxDiff(a.logits, b)).toBeGreaterThan(1e-3); // another head entity: other logits
        const patched = forward(m, tokensB(), { hooks: { [residName(config.layers)]: () => a.cache[residName(config.layers)] } as Hooks }).logits;
        expect(maxDiff(patched, a.logits)).toBe(0);
        // the whole state entering block 1: A's logits again (block 1 sees A's stream; computed afresh)
        const mid = forward(m, tokensB(), { hooks: { 'blocks.1.hook_resid_pre': () => a.cache['blocks.1.hook_resid_pre'] } }).logits;
        expect(maxDiff(mid, a.logits)).toBeLessThan(1e-5);
        // uniform attention in block 0 changes the output
        const uniform = forward(m, tokensA(), {
          hooks: { 'blocks.0.attn.hook_pattern': (p) => tf.div(tf.onesLike(p), 5) as tf.Tensor4D },
        }).logits;
        expect(maxDiff(uniform, a.logits)).toBeGreaterThan(1e-4);
      });
    });

    it('a hook of the wrong shape is refused', () => {
      tf.tidy(() => {
        const m = model();
        expect(() => forward(m, tokensA(), { hooks: { 'blocks.0.hook_resid_post': () => tf.zeros([1, 5, config.dModel]) as tf.Tensor3D } })).toThrow(/shape/);
      });
    });

    it('keeping and patching leak no tensor', () => {
      const m = model();
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const a = forward(m, tokensA(), { keep: ALL });
        return forward(m, tokensB(), {
          keep: (n) => n.endsWith('resid_post'),
          hooks: { 'blocks.0.hook_resid_post': () => a.cache['blocks.0.hook_resid_post'] },
        }).logits;
      });
      expect(tf.memory().numTensors).toBe(before + 1);
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

it('the fast path cannot be asked for where our kernels do not run', async () => {
  await tf.setBackend('cpu');
  try {
    expect(() => pickOps('fast')).toThrow(/wasm/);
    expect(pickOps().path).toBe('reference');
  } finally {
    await tf.setBackend('wasm');
  }
});

it('createModel keeps only its variables (the random values they came from are released)', () => {
  const before = tf.memory().numTensors;
  const m = createModel(config);
  expect(m.ops.path).toBe('fast');
  expect(tf.memory().numTensors - before).toBe(allVariables(m.weights).length);
  disposeWeights(m.weights);
  expect(tf.memory().numTensors).toBe(before);
});
