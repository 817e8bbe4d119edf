/**
 * Ships docs/science.md with the page as `science.md` beside index.html (the explanation panel links to it),
 * so that the link works wherever the build is hosted. The dev server answers the same URL from the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export const SCIENCE_FILE = 'science.md';

export function scienceDoc(source = 'docs/science.md'): Plugin {
  let root = process.cwd();
  return {
    name: 'cot:science-doc',
    configResolved(c) {
      root = c.root;
    },
    buildStart() {
      this.addWatchFile(join(root, source));
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SCIENCE_FILE, source: readFileSync(join(root, source), 'utf8') });
    },
    configureServer(server) {
      server.middlewares.use(`${server.config.base}${SCIENCE_FILE}`, (_req, res) => {
        // plain text: browsers show it rather than offer a download, and the charset keeps λ and ξ intact
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(readFileSync(join(root, source), 'utf8'));
      });
    },
  };
}
