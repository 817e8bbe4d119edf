/**
 * Vitest globalSetup of the e2e project: builds the app once (vite build, into a fresh temporary folder so
 * that parallel runs in one checkout never share a half-written dist), serves it with vite's preview server
 * on a free port, and provides its address to the tests as inject('baseURL').
 *
 * E2E_DIST=<folder> serves an existing build instead of building (quick reruns while editing tests).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { launchBrowserServer } from '../../tools/browser/chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    /** The same build served from a sub-path (as a static host would), e.g. http://127.0.0.1:41235/school/cot-playground/ */
    subpathURL: string;
    /** One Chromium for every test file (each connects, and its contexts close with its connection). */
    browserWSEndpoint: string;
  }
}

const root = resolve(import.meta.dirname, '../..');
const SUBPATH = '/school/cot-playground/';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let outDir = process.env.E2E_DIST ? resolve(root, process.env.E2E_DIST) : '';
  let temporary = false;
  if (!outDir) {
    outDir = await mkdtemp(join(tmpdir(), 'cot-e2e-dist-'));
    temporary = true;
    const t0 = Date.now();
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    console.log(`[e2e] built the app in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const port = await freePort();
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  project.provide('baseURL', url);
  // the build has a relative base: the very same files must work from any sub-path
  const subPort = await freePort();
  const sub = await preview({
    root,
    base: SUBPATH,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: subPort, strictPort: false, open: false },
  });
  project.provide('subpathURL', sub.resolvedUrls?.local[0] ?? `http://127.0.0.1:${subPort}${SUBPATH}`);
  // launching Chromium costs seconds of CPU: once per run, not once per file
  const browser = await launchBrowserServer();
  project.provide('browserWSEndpoint', browser.wsEndpoint());
  return async () => {
    await browser.close();
    await sub.close();
    await server.close();
    if (temporary) await rm(outDir, { recursive: true, force: true });
  };
}
