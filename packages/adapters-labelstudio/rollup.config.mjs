// Builds the `simpleclick-labelstudio` executable (dist/cli.mjs), the library (dist/index.mjs + .d.ts) and the
// browser plugin (dist/browser.mjs + .d.ts, `@simpleclick/adapters-labelstudio/browser`, compiled with the DOM
// library) (scripts/rollup-package-config.mjs).
import { rollupPackageConfig } from '../../scripts/rollup-package-config.mjs';

export default [
  ...rollupPackageConfig({
    packageUrl: import.meta.url,
    entries: { cli: 'src/bin.ts', index: 'src/index.ts' },
    executable: 'cli',
    typeEntries: { index: 'src/index.ts' },
  }),
  ...rollupPackageConfig({
    packageUrl: import.meta.url,
    entries: { browser: 'src/browser/index.ts' },
    buildTsconfig: './tsconfig.browser-build.json',
  }),
];
