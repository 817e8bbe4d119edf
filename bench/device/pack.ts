/**
 * `npm run device:pack`: packs what a Linux x64 GPU machine without Node, Chromium or network needs to run the
 * device check (bench/device/run.sh) into build/device/cot-device.tar.gz (git-ignored, ≤ 60 MiB):
 *
 *   bin/node                this machine's Node binary (process.execPath), debug symbols stripped when `strip` exists
 *   app/*.mjs               the CLI (experiment, export), `npm run bench` and bench/gapTime.ts, bundled by esbuild
 *                           into ES modules sharing chunks, tfjs included; tfjs-backend-wasm's .wasm files beside them
 *   app/node_modules/webgpu Dawn's Node bindings (the `webgpu` package's linux-x64 dawn.node)
 *   lib/libvulkan.so.1      the Vulkan loader (Debian's libvulkan1), which Dawn opens
 *   lib/fallback/           libstdc++ and libgcc_s of this machine, used only if bin/node does not start without them
 *   links.env               PAPER_LINK, the paper preset's link (src/experiment/presets.ts), for run.sh
 *   MANIFEST.json           what went in, from where, and the sizes
 *
 * The worker threads of the CLI (an arm each) start as bundled modules: cli/workerThreads.ts starts a `.mjs`
 * module itself instead of through tsx. The tree's python/ is linked in by run.sh on the device, not packed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild'; // tsx's own bundler (a dependency of tsx)
import { PAPER_QUERY } from '../../src/experiment/presets';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const PACK_DIR = join(ROOT, 'build', 'device');
export const PACK_FILE = join(PACK_DIR, 'cot-device.tar.gz');
const LIMIT_BYTES = 60 * 2 ** 20;

/** The bundled entry points: name in app/ → source. */
const ENTRIES = {
  experiment: 'cli/experiment.ts',
  export: 'cli/export.ts',
  armJob: 'cli/armJob.ts',
  bench: 'bench/main.ts',
  gapTime: 'bench/gapTime.ts',
  deviceSummary: 'bench/device/deviceSummary.ts',
};

/** Shared libraries the pack carries, searched in Debian's multiarch folder. */
const VULKAN_LOADER = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';
const FALLBACK_LIBS = ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/x86_64-linux-gnu/libgcc_s.so.1'];

const say = (s: string) => process.stdout.write(`${s}\n`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** `new URL('./armJob.ts', import.meta.url)` → './armJob.mjs': a worker module is an entry of the bundle. */
const workerUrls: Plugin = {
  name: 'worker-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]cli[\\/][^\\/]+\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/new URL\('\.\/(\w+)\.ts', import\.meta\.url\)/g, (url, name: string) =>
        name in ENTRIES ? `new URL('./${name}.mjs', import.meta.url)` : url,
      ),
      loader: 'ts',
    }));
  },
};

/** ES modules have no __dirname/require; tfjs-backend-wasm's Node loader finds its .wasm files through them. */
const NODE_GLOBALS = [
  "import { createRequire as __cotRequire } from 'node:module';",
  "import { fileURLToPath as __cotPath } from 'node:url';",
  "import { dirname as __cotDirname } from 'node:path';",
  'const require = __cotRequire(import.meta.url);',
  'const __filename = __cotPath(import.meta.url);',
  'const __dirname = __cotDirname(__filename);',
].join('\n');

async function main(): Promise<number> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    process.stderr.write(`error: the device pack is for Linux x64 (this is ${process.platform}-${process.arch})\n`);
    return 2;
  }
  const stage = join(PACK_DIR, 'stage');
  rmSync(PACK_DIR, { recursive: true, force: true });
  for (const d of ['bin', 'app', 'lib/fallback']) mkdirSync(join(stage, d), { recursive: true });
  const manifest: Record<string, unknown> = { node: process.version, built: new Date().toISOString(), files: {} };
  const files = manifest.files as Record<string, { from: string; bytes: number }>;
  const put = (from: string, to: string) => {
    const target = join(stage, to);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(from, target);
    files[to] = { from, bytes: statSync(target).size };
  };

  // Node: stripped of its debug symbols (98 → ~90 MiB here) when binutils is there
  const node = realpathSync(process.execPath);
  const stripped = spawnSync('strip', ['--strip-debug', '-o', join(stage, 'bin', 'node'), node]);
  if (stripped.status === 0) files['bin/node'] = { from: `${node} (strip --strip-debug)`, bytes: statSync(join(stage, 'bin', 'node')).size };
  else put(node, 'bin/node');

  const bundled = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, join(ROOT, src)])),
    outdir: join(stage, 'app'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dawn is loaded from app/node_modules; the browser benchmarks' vite and playwright are not used on the device
    external: ['webgpu', 'vite', '@vitejs/*', 'playwright-core'],
    banner: { js: NODE_GLOBALS },
    plugins: [workerUrls],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  for (const out of Object.keys(bundled.metafile.outputs)) {
    const rel = out.slice(out.indexOf('app/'));
    files[rel] = { from: 'esbuild', bytes: statSync(resolve(out)).size };
  }
  const require = createRequire(import.meta.url);
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const f of readdirSync(join(wasmDist, 'dist')).filter((n) => n.endsWith('.wasm'))) put(join(wasmDist, 'dist', f), join('app', f));

  const webgpu = dirname(require.resolve('webgpu/package.json'));
  for (const f of ['package.json', 'index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node']) put(join(webgpu, f), join('app', 'node_modules', 'webgpu', f));

  if (!existsSync(VULKAN_LOADER)) {
    process.stderr.write(`error: ${VULKAN_LOADER} is missing (apt-get install libvulkan1)\n`);
    return 1;
  }
  put(realpathSync(VULKAN_LOADER), 'lib/libvulkan.so.1');
  for (const lib of FALLBACK_LIBS) if (existsSync(lib)) put(realpathSync(lib), join('lib', 'fallback', lib.split('/').pop()!));

  writeFileSync(join(stage, 'links.env'), `PAPER_LINK='${PAPER_QUERY}'\n`);
  writeFileSync(join(stage, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  execFileSync('tar', ['-czf', PACK_FILE, '-C', stage, '.']);
  cpSync(join(stage, 'MANIFEST.json'), join(PACK_DIR, 'MANIFEST.json'));
  rmSync(stage, { recursive: true, force: true });

  const raw = Object.values(files).reduce((s, f) => s + f.bytes, 0);
  const packed = statSync(PACK_FILE).size;
  say(`${PACK_FILE}: ${mib(packed)} compressed (${mib(raw)} unpacked; limit ${mib(LIMIT_BYTES)})`);
  for (const [name, f] of Object.entries(files)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 8))
    say(`  ${mib(f.bytes).padStart(10)}  ${name}`);
  if (packed > LIMIT_BYTES) {
    process.stderr.write(`error: the pack is ${mib(packed)}, over the ${mib(LIMIT_BYTES)} a device run can carry\n`);
    return 1;
  }
  say('on the device: bash bench/device/run.sh (carry build/device); here, its CPU half: bash bench/device/run.sh --cpu');
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
