// Builds the `simpleclick-cvat` executable (dist/cli.mjs) and the library (dist/index.mjs + .d.ts), which the
// nuclio handler (nuclio/handler.js) imports. @simpleclick/core, the other dependencies and Node built-ins stay
// external: npm installs them.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencyNames = Object.keys(pkg.dependencies ?? {});
const external = (id) =>
  id.startsWith('node:') || dependencyNames.some((name) => id === name || id.startsWith(`${name}/`));

export default [
  {
    input: { cli: 'src/bin.ts', index: 'src/index.ts' },
    external,
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        compilerOptions: { composite: false, declaration: false, emitDeclarationOnly: false, noEmit: false, outDir: 'dist', rootDir: 'src' },
        // Patterns are relative to rootDir (src), the plugin's default filterRoot.
        include: ['**/*.ts'],
        exclude: ['**/*.test.ts', 'test-support/**'],
      }),
    ],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/[name]-[hash].mjs',
      // Only the executable gets the shebang (npm links bin files as they are).
      banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  {
    input: { index: 'src/index.ts' },
    external,
    plugins: [dts({ tsconfig: './tsconfig.json', compilerOptions: { composite: false } })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
];
