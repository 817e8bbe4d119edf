/**
 * `npm run bench -- --browser [wasm,webgpu]`: builds speedPage/ with vite, serves it, and runs the bench in a
 * Worker of Debian's headless Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core. Returns what the
 * page reports: per backend, whether our wasm kernels are active, steps/s, kernels per preset step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const root = resolve(import.meta.dirname, 'speedPage');

export async function runBrowserBench(backends: string[], log: (s: string) => void): Promise<Record<string, unknown>> {
  const outDir = await mkdtemp(join(tmpdir(), 'cot-bench-browser-'));
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  try {
    await build({ root, configFile: false, logLevel: 'warn', worker: { format: 'es' }, build: { outDir, emptyOutDir: true, target: 'es2022' } });
    const server = await preview({ root, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'] });
    try {
      const page = await browser.newPage();
      page.on('console', (m) => log(`  [browser] ${m.text()}`));
      const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1/';
      await page.goto(`${base}?backends=${encodeURIComponent(backends.join(','))}`);
      await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 600_000 });
      return (await page.evaluate(() => (window as unknown as { benchResult: Record<string, unknown> }).benchResult)) ?? {};
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
