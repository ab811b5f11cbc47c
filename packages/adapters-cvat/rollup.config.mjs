// Builds the `simpleclick-cvat` executable (dist/cli.mjs) and the library (dist/index.mjs + .d.ts), which the
// nuclio handler (nuclio/handler.js) imports (scripts/rollup-package-config.mjs).
import { rollupPackageConfig } from '../../scripts/rollup-package-config.mjs';

export default rollupPackageConfig({
  packageUrl: import.meta.url,
  entries: { cli: 'src/bin.ts', index: 'src/index.ts' },
  executable: 'cli',
  typeEntries: { index: 'src/index.ts' },
});
