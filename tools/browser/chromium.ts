/**
 * How the browser tests (tests/e2e/harness.ts) and the browser benchmarks (bench/servedBuild.ts, bench/browserGap.ts)
 * start Chromium: Debian's /usr/bin/chromium through playwright-core (no downloaded browsers), headless, with WebGPU
 * on (SwiftShader, a CPU emulation, on a machine without a GPU) and Chromium's background traffic off. No vitest
 * imports here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';

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

/** The same Chromium as a server that several processes connect to (connectBrowser). */
export function launchBrowserServer(executablePath = CHROMIUM_PATH): Promise<BrowserServer> {
  return chromium.launchServer({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export function connectBrowser(wsEndpoint: string): Promise<Browser> {
  return chromium.connect(wsEndpoint);
}

/** Busy CPU seconds of the whole machine since boot, all cores (/proc/stat: everything but idle and iowait); null off Linux. */
export function machineBusySeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, x) => a + x, 0);
    return (total - f[3] - f[4]) / 100; // ticks of 10 ms; fields 4 and 5 are idle and iowait
  } catch {
    return null;
  }
}

/** CPU seconds of every thread of Chromium's renderer processes, by "pid/tid name" (empty off Linux). */
export function rendererThreads(): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        out.set(`${pid}/${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, ticks of 10 ms
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}
