import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { thirdPartyLicenses } from './build/licenses.js';
import { scienceDoc } from './build/science.js';

// THIRD_PARTY_LICENSES.txt: the packages bundled into the page and into its workers (separate builds)
const licenses = thirdPartyLicenses();

// cross-origin isolation: SharedArrayBuffer, so each arm's GEMMs can use more than one core
// (src/model/kernels/threads.ts); static hosts: public/_headers, or see README.md "Performance"
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // relative: the built page works from any sub-path (GitHub Pages, a school's server), not only a domain's root
  base: './',
  plugins: [react(), scienceDoc(), licenses.page],
  worker: { format: 'es', plugins: () => [licenses.worker] },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 3000 },
  // tfjs-backend-wasm is pre-bundled like the rest: excluded, its CommonJS worker file breaks the training
  // worker under `vite` (dev); the .wasm binaries are located through `?url` imports in the worker
});
