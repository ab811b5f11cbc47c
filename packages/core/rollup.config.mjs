// Builds ESM + CommonJS bundles and bundled type declarations for each entry point (scripts/rollup-package-config.mjs).
import { rollupPackageConfig } from '../../scripts/rollup-package-config.mjs';

export default rollupPackageConfig({
  packageUrl: import.meta.url,
  entries: { index: 'src/index.ts', node: 'src/node/index.ts', web: 'src/web/index.ts' },
  commonJs: true,
  // tsconfig.build.json covers every entry; the tsc -b projects split runtime-agnostic and Node code.
  buildTsconfig: './tsconfig.build.json',
});
