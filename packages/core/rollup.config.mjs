// Builds ESM + CommonJS bundles and bundled type declarations for each entry point (scripts/rollup-package-config.mjs),
// and the SDK's Web Worker script.
import typescript from '@rollup/plugin-typescript';
import { rollupPackageConfig } from '../../scripts/rollup-package-config.mjs';

const packageBuild = rollupPackageConfig({
  packageUrl: import.meta.url,
  entries: {
    index: 'src/index.ts',
    node: 'src/node/index.ts',
    web: 'src/web/index.ts',
    formats: 'src/formats/index.ts',
    eval: 'src/eval/index.ts',
    // Shared by the adapters and the CLI; not semver-stable (src/internal/index.ts).
    internal: 'src/internal/index.ts',
  },
  commonJs: true,
  // tsconfig.build.json covers every entry; the tsc -b projects split runtime-agnostic and Node code.
  buildTsconfig: './tsconfig.build.json',
});

// dist/web-worker.mjs: the script `createWorkerPredictor` starts (next to web.mjs, found through import.meta.url).
// A separate build, so that it is one self-contained module (no chunks shared with web.mjs that a worker would
// have to fetch), ESM only (module workers); its dependencies stay bare imports like web.mjs's, for the
// application's bundler (or the demo server) to resolve.
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
const workerBuild = {
  input: { 'web-worker': 'src/web/worker/worker-entry.ts' },
  external,
  plugins: [typescript({ tsconfig: './tsconfig.build.json', declaration: false })],
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs' },
};

export default [...packageBuild, workerBuild];
