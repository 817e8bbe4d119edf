// AssemblyScript (compiled by build.ts). Causal attention for short sequences, the embedding, masked
// cross-entropy and the AdamW update. Pointers are byte offsets into the tfjs wasm heap.
import { axpy, dot, exp4, fill, hsum, ptr } from './nn';

// ---------------------------------------------------------------- causal self-attention
// qkv [B·T, 3d]: each row is q (d), k (d), v (d), and each of those is H heads of hd values.
// probs [B, H, T, T]: softmax(q·kᵀ·scale) over j ≤ i, zero above the diagonal.
// mask (optional, 0 = none) [B, H, T, T]: dropout multipliers applied to probs before mixing v.

export function attention(qkv: usize, B: i32, T: i32, H: i32, hd: i32, scale: f32, mask: usize, out: usize, probs: usize): void {
  const d = H * hd;
  const stride = 3 * d;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const q = ptr(qkv, (b * T + i) * stride + h * hd);
        const pr = ptr(probs, ((b * H + h) * T + i) * T);
        let mx: f32 = -Infinity;
        for (let j = 0; j <= i; j++) {
          const s = dot(q, ptr(qkv, (b * T + j) * stride + d + h * hd), hd) * scale;
          store<f32>(ptr(pr, j), s);
          if (s > mx) mx = s;
        }
        let sum: f32 = 0;
        for (let j = 0; j <= i; j++) {
          const e = Mathf.exp(load<f32>(ptr(pr, j)) - mx);
          store<f32>(ptr(pr, j), e);
          sum += e;
        }
        const inv = <f32>1 / sum;
        const o = ptr(out, (b * T + i) * d + h * hd);
        fill(o, 0, hd);
        for (let j = 0; j < T; j++) {
          if (j > i) {
            store<f32>(ptr(pr, j), 0);
            continue;
          }
          const p = load<f32>(ptr(pr, j)) * inv;
          store<f32>(ptr(pr, j), p);
          const pm = mask != 0 ? p * load<f32>(ptr(mask, ((b * H + h) * T + i) * T + j)) : p;
          axpy(o, pm, ptr(qkv, (b * T + j) * stride + 2 * d + h * hd), hd);
        }
      }
    }
  }
}

/** Backward of attention: dqkv [B·T, 3d] from dout [B·T, d]. tmp: T floats. */
export function attentionGrad(
  dout: usize, qkv: usize, probs: usize, mask: usize, B: i32, T: i32, H: i32, hd: i32, scale: f32, dqkv: usize, tmp: usize,
): void {
  const d = H * hd;
  const stride = 3 * d;
  fill(dqkv, 0, B * T * stride);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const row = b * T + i;
        const doi = ptr(dout, row * d + h * hd);
        const pr = ptr(probs, ((b * H + h) * T + i) * T);
        const mr = mask != 0 ? ptr(mask, ((b * H + h) * T + i) * T) : 0;
        // dP_ij (through the dropout mask) and dv_j += p'_ij · dout_i
        let sum: f32 = 0;
        for (let j = 0; j <= i; j++) {
          const vj = (b * T + j) * stride + 2 * d + h * hd;
          const m: f32 = mr != 0 ? load<f32>(ptr(mr, j)) : 1;
          const p = load<f32>(ptr(pr, j));
          const dp = dot(doi, ptr(qkv, vj), hd) * m;
          store<f32>(ptr(tmp, j), dp);
          sum += p * dp;
          axpy(ptr(dqkv, vj), p * m, doi, hd);
        }
        // dS_ij = p_ij (dP_ij − Σ_k p_ik dP_ik); dq_i += scale·dS·k_j; dk_j += scale·dS·q_i
        const qi = row * stride + h * hd;
        for (let j = 0; j <= i; j++) {
          const ds = load<f32>(ptr(pr, j)) * (load<f32>(ptr(tmp, j)) - sum) * scale;
          const kj = (b * T + j) * stride + d + h * hd;
          axpy(ptr(dqkv, qi), ds, ptr(qkv, kj), hd);
          axpy(ptr(dqkv, kj), ds, ptr(qkv, qi), hd);
        }
      }
    }
  }
}

// ---------------------------------------------------------------- embedding
/** x[n] = wte[tokens[n]] + wpe[n mod T]; tokens int32 [N]; an out-of-range token embeds as its position only. */
export function embed(tokens: usize, N: i32, T: i32, wte: usize, V: i32, wpe: usize, d: i32, x: usize): void {
  for (let n = 0; n < N; n++) {
    const t = load<i32>(ptr(tokens, n));
    const xr = ptr(x, n * d);
    const pr = ptr(wpe, (n % T) * d);
    if (t < 0 || t >= V) {
      memory.copy(xr, pr, <usize>d << 2);
      continue;
    }
    const er = ptr(wte, t * d);
    let j = 0;
    for (; j + 4 <= d; j += 4) v128.store(ptr(xr, j), f32x4.add(v128.load(ptr(er, j)), v128.load(ptr(pr, j))));
    for (; j < d; j++) store<f32>(ptr(xr, j), load<f32>(ptr(er, j)) + load<f32>(ptr(pr, j)));
  }
}

/** dwte [V, d] = Σ over rows with that token of dx; dwpe [P, d] = Σ over rows at that position (rows ≥ T are zero). */
export function embedGrad(dx: usize, tokens: usize, N: i32, T: i32, V: i32, P: i32, d: i32, dwte: usize, dwpe: usize): void {
  fill(dwte, 0, V * d);
  fill(dwpe, 0, P * d);
  for (let n = 0; n < N; n++) {
    const t = load<i32>(ptr(tokens, n));
    const g = ptr(dx, n * d);
    if (t >= 0 && t < V) axpy(ptr(dwte, t * d), 1, g, d);
    axpy(ptr(dwpe, (n % T) * d), 1, g, d);
  }
}

// ---------------------------------------------------------------- masked cross-entropy
/**
 * Mean over rows with a label in [0, V) of −log softmax(logits)[label]; writes the loss to loss[0] and the
 * gradient of that mean to dlogits [N, V] (softmax − one-hot, divided by the count; zero for unlabelled rows).
 */
export function crossEntropy(logits: usize, labels: usize, N: i32, V: i32, loss: usize, dlogits: usize): void {
  let count = 0;
  for (let n = 0; n < N; n++) {
    const y = load<i32>(ptr(labels, n));
    if (y >= 0 && y < V) count++;
  }
  const inv: f32 = <f32>1 / <f32>max(count, 1);
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const y = load<i32>(ptr(labels, n));
    const lr = ptr(logits, n * V);
    const gr = ptr(dlogits, n * V);
    if (y < 0 || y >= V) {
      fill(gr, 0, V);
      continue;
    }
    let mxv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= V; j += 4) mxv = f32x4.max(mxv, v128.load(ptr(lr, j)));
    let mx = max(max(f32x4.extract_lane(mxv, 0), f32x4.extract_lane(mxv, 1)), max(f32x4.extract_lane(mxv, 2), f32x4.extract_lane(mxv, 3)));
    for (; j < V; j++) mx = max(mx, load<f32>(ptr(lr, j)));
    const mv = f32x4.splat(mx);
    let acc = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= V; j += 4) {
      const e = exp4(f32x4.sub(v128.load(ptr(lr, j)), mv));
      v128.store(ptr(gr, j), e);
      acc = f32x4.add(acc, e);
    }
    let sum = hsum(acc);
    for (; j < V; j++) {
      const e = Mathf.exp(load<f32>(ptr(lr, j)) - mx);
      store<f32>(ptr(gr, j), e);
      sum += e;
    }
    total += <f64>(Mathf.log(sum) + mx - load<f32>(ptr(lr, y)));
    const s = f32x4.splat(inv / sum);
    j = 0;
    for (; j + 4 <= V; j += 4) v128.store(ptr(gr, j), f32x4.mul(v128.load(ptr(gr, j)), s));
    for (; j < V; j++) store<f32>(ptr(gr, j), load<f32>(ptr(gr, j)) * (inv / sum));
    store<f32>(ptr(gr, y), load<f32>(ptr(gr, y)) - inv);
  }
  store<f32>(loss, <f32>(total * <f64>inv));
}

// ---------------------------------------------------------------- AdamW
/**
 * One AdamW step for one parameter tensor of n floats (its moments m, v: n floats each). The gradient is first
 * multiplied by `scale` (the global-norm clip factor). decay = 1 − lr·weightDecay for decayed tensors, 1
 * otherwise. bias1, bias2 = 1 − β^t.
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize, n: i32, scale: f32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, bias1: f32, bias2: f32, decay: f32,
  pOut: usize, mOut: usize, vOut: usize,
): void {
  const sv = f32x4.splat(scale);
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const ib1 = f32x4.splat(<f32>1 / bias1), ib2 = f32x4.splat(<f32>1 / bias2);
  const ev = f32x4.splat(eps), lv = f32x4.splat(lr), dv = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = f32x4.mul(v128.load(ptr(g, i)), sv);
    const mi = f32x4.add(f32x4.mul(v128.load(ptr(m, i)), b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(v128.load(ptr(v, i)), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    const upd = f32x4.div(f32x4.mul(mi, ib1), f32x4.add(f32x4.sqrt(f32x4.mul(vi, ib2)), ev));
    v128.store(ptr(mOut, i), mi);
    v128.store(ptr(vOut, i), vi);
    v128.store(ptr(pOut, i), f32x4.sub(f32x4.mul(v128.load(ptr(p, i)), dv), f32x4.mul(upd, lv)));
  }
  for (; i < n; i++) {
    const gi = load<f32>(ptr(g, i)) * scale;
    const mi = load<f32>(ptr(m, i)) * beta1 + gi * (1 - beta1);
    const vi = load<f32>(ptr(v, i)) * beta2 + gi * gi * (1 - beta2);
    const upd = (mi / bias1) / (Mathf.sqrt(vi / bias2) + eps);
    store<f32>(ptr(mOut, i), mi);
    store<f32>(ptr(vOut, i), vi);
    store<f32>(ptr(pOut, i), load<f32>(ptr(p, i)) * decay - upd * lr);
  }
}
