import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 3000 },
  // tfjs-backend-wasm is pre-bundled like the rest: excluded, its CommonJS worker file breaks the training
  // worker under `vite` (dev); the .wasm binaries are located through `?url` imports in the worker
});
