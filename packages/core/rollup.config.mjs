// Builds ESM + CommonJS bundles and bundled type declarations for each entry point.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencyNames = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];
// Dependencies (and their subpaths) and Node built-ins stay external: consumers install them.
const external = (id) =>
  id.startsWith('node:') || dependencyNames.some((name) => id === name || id.startsWith(`${name}/`));

const entries = { index: 'src/index.ts', node: 'src/node/index.ts', web: 'src/web/index.ts' };

export default [
  {
    input: entries,
    external,
    plugins: [
      // tsconfig.build.json covers every entry; the tsc -b projects split runtime-agnostic and Node code.
      typescript({ tsconfig: './tsconfig.build.json' }),
    ],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', exports: 'named' },
    ],
  },
  {
    input: entries,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
];
