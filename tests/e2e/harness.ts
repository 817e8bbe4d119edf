/**
 * Browser-test helpers (vitest + playwright-core + Debian's /usr/bin/chromium; no downloaded browsers).
 *
 *   const app = useBrowser();                       // the run's one Chromium (beforeAll/afterAll)
 *   const p = await app.open('/?entities=300', { width: 1280, height: 800, colorScheme: 'dark' });
 *   await p.page.getByTestId('param-entities').fill('400');
 *   await p.screenshot('designer-400');             // → test-results/screenshots/designer-400.png
 *   expect(p.errors()).toEqual([]);                 // console errors + uncaught page errors
 *   await p.close();
 *
 * The app is built and served once per run by tests/e2e/setup.ts (globalSetup); baseURL() is its address.
 * Each open() gets a fresh browser context, so localStorage and permissions start empty.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { connectBrowser } from '../../tools/browser/chromium';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

/** Address of the served build, e.g. http://127.0.0.1:41234/ */
export function baseURL(): string {
  return inject('baseURL');
}

export interface OpenOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** Selector to wait for before open() resolves; default: the app has rendered something into #root. */
  waitFor?: string;
  /** Grant clipboard permissions (for copy-link tests). */
  clipboard?: boolean;
  /** Console error texts matching any of these are not counted by errors(). */
  ignoreErrors?: RegExp[];
  /** Runs in the page before its own scripts (page.addInitScript), e.g. to wrap window.Worker. */
  init?: () => void;
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** console.error messages, in order. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
  /** Messages of alert/confirm/prompt dialogs (each is dismissed automatically). */
  dialogs: string[];
  /** consoleErrors + pageErrors, minus ignored ones. */
  errors(): string[];
  /** Saves a full-viewport PNG to test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string, opts?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, path = '/', opts: OpenOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    colorScheme: opts.colorScheme ?? 'light',
    baseURL: baseURL(),
  });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  if (opts.init) await page.addInitScript(opts.init);
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e?.stack ?? e)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => {});
  });
  await page.goto(new URL(path, baseURL()).toString(), { waitUntil: 'load' });
  if (opts.waitFor) await page.waitForSelector(opts.waitFor, { timeout: 20_000 });
  else await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, { timeout: 20_000 });
  const ignore = opts.ignoreErrors ?? [];
  return {
    page,
    context,
    consoleErrors,
    pageErrors,
    dialogs,
    errors: () => [...consoleErrors, ...pageErrors].filter((e) => !ignore.some((r) => r.test(e))),
    async screenshot(name, o = {}) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: o.fullPage ?? false });
      return file;
    },
    close: () => context.close(),
  };
}

/**
 * Connects the current test file to the run's Chromium (tests/e2e/setup.ts) and disconnects afterwards, which
 * closes every context the file left open.
 */
export function useBrowser(): { open: (path?: string, opts?: OpenOptions) => Promise<AppPage>; browser: () => Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await connectBrowser(inject('browserWSEndpoint'));
  });
  afterAll(async () => {
    await browser?.close();
  });
  const get = () => {
    if (!browser) throw new Error('useBrowser(): the browser is not running (call open() inside a test)');
    return browser;
  };
  return { open: (path, opts) => openPage(get(), path, opts), browser: get };
}

/** The address bar's query of a page, parsed. */
export function queryOf(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

/** Switches the page's theme as a user does, with the header's toggle (which remembers it), and waits for it to apply. */
export async function switchTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await current()) !== theme) await page.locator('.theme-toggle').click();
  await expect.poll(current).toBe(theme);
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/** A download's file, saved here (the browser runs as a server: its own copy is out of reach). */
export async function savedDownload(download: Download): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'cot-download-')), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}
