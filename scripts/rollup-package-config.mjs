// The rollup build every workspace package shares (each package's rollup.config.mjs calls it with its entries):
// ESM bundles dist/<entry>.mjs (and CommonJS dist/<entry>.cjs where asked), bundled type declarations
// dist/<entry>.d.ts (and dist/<entry>.d.cts beside each .cjs: under "type": "module" a .d.ts describes an ES module,
// so CommonJS consumers need declarations of their own), and a shebang on the executable. The package's
// dependencies and peer dependencies (and their subpaths) and Node built-ins stay external: npm installs them for
// the package's users.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { readFileSync, rmSync } from 'node:fs';

/**
 * @param {object} options
 * @param {string | URL} options.packageUrl - A URL inside the package folder (its config's `import.meta.url`).
 * @param {Record<string, string>} options.entries - Bundles to build: output name -> source file (relative to
 *   the package folder), e.g. `{ cli: 'src/bin.ts', index: 'src/index.ts' }`.
 * @param {string} [options.executable] - The entry that is the package's `bin`: it alone gets `#!/usr/bin/env node`.
 * @param {Record<string, string>} [options.typeEntries] - The entries that get a bundled `.d.ts` (default: all).
 * @param {boolean} [options.commonJs] - Also write CommonJS bundles (`.cjs`) and their declarations (`.d.cts`)
 *   beside the ESM ones.
 * @param {string} [options.buildTsconfig] - A tsconfig written for this build (emits JavaScript to dist). Without
 *   it, the package's tsconfig.json (a `tsc -b` project that emits declarations only) is used with its emit
 *   options overridden.
 * @returns {import('rollup').RollupOptions[]}
 */
export function rollupPackageConfig({
  packageUrl,
  entries,
  executable,
  typeEntries = entries,
  commonJs = false,
  buildTsconfig,
}) {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', packageUrl), 'utf8'));
  // Every build starts from an empty dist/ (when the config is loaded, before any bundle is written): rollup never
  // deletes, and the hash-named chunks of earlier builds would otherwise pile up there and ship in the tarball.
  rmSync(new URL('./dist/', packageUrl), { recursive: true, force: true });
  const dependencyNames = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  const external = (id) =>
    id.startsWith('node:') || dependencyNames.some((name) => id === name || id.startsWith(`${name}/`));

  const typescriptOptions =
    buildTsconfig !== undefined
      ? { tsconfig: buildTsconfig }
      : {
          tsconfig: './tsconfig.json',
          compilerOptions: {
            composite: false,
            declaration: false,
            emitDeclarationOnly: false,
            noEmit: false,
            outDir: 'dist',
            rootDir: 'src',
          },
          // Patterns are relative to rootDir (src), the plugin's default filterRoot.
          include: ['**/*.ts'],
          exclude: ['**/*.test.ts', 'test-support/**'],
        };
  const dtsOptions =
    buildTsconfig !== undefined
      ? { tsconfig: buildTsconfig }
      : { tsconfig: './tsconfig.json', compilerOptions: { composite: false } };

  const esm = {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].mjs',
    chunkFileNames: 'chunks/[name]-[hash].mjs',
    // Only the executable gets the shebang (npm links bin files as they are).
    ...(executable !== undefined
      ? { banner: (chunk) => (chunk.name === executable ? '#!/usr/bin/env node' : '') }
      : {}),
  };
  const cjs = {
    dir: 'dist',
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: 'chunks/[name]-[hash].cjs',
    exports: 'named',
  };
  // Declarations are ES syntax in both; the .d.cts files import each other as './x.cjs' (rollup names imports after
  // the output files), which TypeScript resolves to './x.d.cts'.
  const dtsEsm = {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].d.ts',
    chunkFileNames: 'chunks/[name]-[hash].d.ts',
  };
  const dtsCjs = {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].d.cts',
    chunkFileNames: 'chunks/[name]-[hash].d.cts',
  };

  return [
    {
      input: entries,
      external,
      plugins: [typescript(typescriptOptions)],
      output: commonJs ? [esm, cjs] : esm,
    },
    {
      input: typeEntries,
      external,
      plugins: [dts(dtsOptions)],
      output: commonJs ? [dtsEsm, dtsCjs] : dtsEsm,
    },
  ];
}
