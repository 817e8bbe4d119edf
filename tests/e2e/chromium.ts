/**
 * How the browser tests (harness.ts) and the UI benchmark (cli/benchUi.ts) start Chromium: Debian's
 * /usr/bin/chromium through playwright-core (no downloaded browsers), headless, with WebGPU on (SwiftShader,
 * a CPU emulation, on a machine without a GPU) and Chromium's background traffic off. No vitest imports here.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
