/** The third-party notices (build/licenses.ts), on the packages actually installed. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencyClosure, licenseHeader, packageDirOf, packagesOf, readmeLicenseSection, renderNotices } from '../build/licenses';

const root = resolve(__dirname, '..');
const nm = (p: string) => resolve(root, 'node_modules', p);

describe('third-party notices', () => {
  it('finds the package of a module id', () => {
    expect(packageDirOf(`${nm('react/index.js')}?commonjs-es-import`, root)).toBe(nm('react'));
    expect(packageDirOf(`\0${nm('@tensorflow/tfjs-core/dist/index.js')}`, root)).toBe(nm('@tensorflow/tfjs-core'));
    expect(packageDirOf('node_modules/@tensorflow/tfjs-backend-wasm/dist/x.wasm', root)).toBe(nm('@tensorflow/tfjs-backend-wasm'));
    expect(packageDirOf(resolve(root, 'src/main.tsx'), root)).toBeNull();
    expect(packageDirOf('\0vite/modulepreload-polyfill.js', root)).toBeNull();
  });

  it('reads a licence section of a README and a @license header', () => {
    const readme = ['# x', '', 'text', '', 'License', '-------', '', 'Copyright 1', 'a', 'b', 'c', 'd', '', 'Other', '-----', 'no'].join('\n');
    const section = readmeLicenseSection(readme);
    expect(section).toContain('Copyright 1');
    expect(section).not.toContain('Other');
    expect(readmeLicenseSection('# x\n## License\nMIT, see LICENSE.\n')).toBeNull();
    expect(licenseHeader('/**\n * @license\n * Copyright 2020 A.\n * ====\n */\ncode')).toBe('Copyright 2020 A.');
  });

  it('lists bundled packages with their licences and texts', () => {
    const ids = [nm('@tensorflow/tfjs-core/dist/index.js'), nm('react/index.js'), nm('seedrandom/index.js'), '\0rolldown/runtime.js'];
    const packages = packagesOf(ids, root);
    expect(packages.map((p) => p.name)).toEqual(['@tensorflow/tfjs-core', 'react', 'rolldown', 'seedrandom']);
    const by = Object.fromEntries(packages.map((p) => [p.name, p]));
    expect(by['@tensorflow/tfjs-core'].license).toBe('Apache-2.0');
    expect(by['@tensorflow/tfjs-core'].texts[0].text).toMatch(/Copyright \d+ Google LLC/); // no LICENSE file: the header
    expect(by.react.license).toBe('MIT');
    expect(by.seedrandom.texts[0].text).toContain('Permission is hereby granted'); // from its README
    const text = renderNotices(packages, { root, title: 'T', intro: 'I' });
    expect(text).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION'); // Apache-2.0 given once, from LICENSE
    expect(text).not.toContain('The CoT Playground authors'); // only the terms, not our own copyright line
  });

  it('follows the production dependencies for the dev server', () => {
    const names = packagesOf(dependencyClosure(root), root).map((p) => p.name);
    for (const n of ['@tensorflow/tfjs-core', 'react', 'recharts', 'zustand', 'zod', 'seedrandom']) expect(names).toContain(n);
    expect(names).not.toContain('vitest');
  });
});
