/**
 * What the browser benchmarks (browserGap.ts, ui.ts) share: a production build of the app in a temporary
 * folder, served by vite's preview server on a free port, and Debian's Chromium to open it; all three torn down
 * when `use` returns or throws.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, launchBrowser } from '../tools/browser/chromium';

export async function withServedBuild<T>(name: string, log: (s: string) => void, use: (base: string, browser: Browser) => Promise<T>): Promise<T> {
  const root = resolve(import.meta.dirname, '..');
  const outDir = await mkdtemp(join(tmpdir(), `cot-${name}-`));
  try {
    const t0 = Date.now();
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    log(`built the app in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    try {
      const base = server.resolvedUrls?.local[0] ?? '';
      if (!base) throw new Error('vite preview gave no address');
      const browser = await launchBrowser(process.env.CHROMIUM ?? CHROMIUM_PATH);
      try {
        return await use(base, browser);
      } finally {
        await browser.close();
      }
    } finally {
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
