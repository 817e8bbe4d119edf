/**
 * GEMM threads in the browser: the preview server sends the cross-origin isolation headers (vite.config.ts), so
 * a one-arm run splits its GEMMs over the cores (src/model/kernels/threads.ts) and the backend badge says how
 * many threads; the same build served without the headers (a proxy that drops them, as a plain static host
 * would) trains on one thread and says why. The split keeps every sum's order, so both give the same losses, bit
 * for bit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseURL, useBrowser, type AppPage } from './harness';

const app = useBrowser();
// wide enough that every GEMM is split (320 tokens × 128 × 384 multiply-adds and up), small enough to be quick
const CONFIG = 'entities=40&relations=8&degree=4&layers=1&dModel=128&heads=2&batch=64&evalSize=50&steps=20&evalEvery=20&arms=cot&backend=wasm';
const TRAINING_MS = 120_000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const badge = (p: AppPage) =>
  p.page
    .getByTestId('backend-threads')
    .innerText()
    .then((t) => t.replace(/^\s*·\s*/, ''));

/** The same files without the isolation headers. */
let plain: Server;
let plainURL = '';
beforeAll(async () => {
  const target = baseURL();
  plain = createServer((req, res) => {
    fetch(new URL(req.url ?? '/', target))
      .then(async (r) => {
        const headers: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          if (!/^(cross-origin-(opener|embedder)-policy|content-encoding|content-length|transfer-encoding)$/i.test(k)) headers[k] = v;
        });
        res.writeHead(r.status, headers);
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
  await new Promise<void>((ok) => plain.listen(0, '127.0.0.1', ok));
  plainURL = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((ok) => plain.close(() => ok())));

/** Records the losses the training worker sends (before the page's scripts run). */
function recordLosses(): void {
  const losses: number[] = [];
  (window as unknown as { __losses: number[] }).__losses = losses;
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      if (!opts?.name?.startsWith('training')) return;
      this.addEventListener('message', (e: MessageEvent<{ type: string; losses?: number[] }>) => {
        if (e.data.type === 'loss') losses.push(...(e.data.losses ?? []));
      });
    }
  };
}

async function trainOnce(url: string): Promise<{ p: AppPage; isolated: boolean; cores: number; threads: string; helpers: number; losses: number[] }> {
  const p = await app.open(`${url}?${CONFIG}`, { init: recordLosses });
  const toggle = p.page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: TRAINING_MS }).toBe(true);
  await toggle.click();
  await expect.poll(() => p.page.getByTestId('train-status').innerText(), { timeout: TRAINING_MS }).toMatch(/^Finished 20 steps/);
  await expect(p.page.getByTestId('backend').innerText()).resolves.toBe('wasm');
  const threads = await badge(p);
  const isolated = await p.page.evaluate(() => globalThis.crossOriginIsolated);
  const cores = await p.page.evaluate(() => navigator.hardwareConcurrency);
  const losses = await p.page.evaluate(() => (window as unknown as { __losses: number[] }).__losses);
  // the GEMM helpers are Blob-URL workers started by the training worker (threads.ts)
  const helpers = p.page.workers().filter((w) => w.url().startsWith('blob:')).length;
  return { p, isolated, cores, threads, helpers, losses };
}

describe('GEMM threads', () => {
  test(
    'isolated: one arm splits its GEMMs and the badge says so; not isolated: one thread, the badge says why; the same losses',
    async () => {
      const on = await trainOnce(baseURL());
      expect(on.isolated).toBe(true);
      const want = Math.min(8, on.cores);
      expect(on.threads).toBe(want > 1 ? `${want} threads` : `1 thread (${plural(on.cores, 'core')} for 1 arm)`);
      expect(on.helpers).toBe(want - 1);
      expect(on.p.errors()).toEqual([]);
      await on.p.close();

      const off = await trainOnce(plainURL);
      expect(off.isolated).toBe(false);
      expect(off.threads).toBe('1 thread (page not cross-origin isolated)');
      expect(off.helpers).toBe(0);
      expect(off.p.errors()).toEqual([]);
      await off.p.close();

      expect(on.losses.length).toBe(20);
      expect(on.losses.every(Number.isFinite)).toBe(true);
      expect(on.losses).toEqual(off.losses);
    },
    3 * TRAINING_MS,
  );

  test('isolated, both arms: the cores are shared between the two workers', async () => {
    const p = await app.open(`/?${CONFIG.replace('arms=cot', 'arms=both')}&steps=2&evalEvery=2`);
    const cores = await p.page.evaluate(() => navigator.hardwareConcurrency);
    const each = Math.min(8, Math.floor(cores / 2));
    await expect.poll(() => badge(p), { timeout: TRAINING_MS }).toBe(each > 1 ? `${each} threads` : `1 thread (${plural(cores, 'core')} for 2 arms)`);
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});
