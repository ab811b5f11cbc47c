import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the built bundles.
    alias: [
      { find: /^@simpleclick\/core\/node$/, replacement: fromRoot('./packages/core/src/node/index.ts') },
      { find: /^@simpleclick\/core\/web$/, replacement: fromRoot('./packages/core/src/web/index.ts') },
      { find: /^@simpleclick\/core\/formats$/, replacement: fromRoot('./packages/core/src/formats/index.ts') },
      { find: /^@simpleclick\/core\/eval$/, replacement: fromRoot('./packages/core/src/eval/index.ts') },
      { find: /^@simpleclick\/core\/internal$/, replacement: fromRoot('./packages/core/src/internal/index.ts') },
      { find: /^@simpleclick\/core$/, replacement: fromRoot('./packages/core/src/index.ts') },
      // adapters-labelstudio (also used by the CLI)
      {
        find: /^@simpleclick\/adapters-labelstudio$/,
        replacement: fromRoot('./packages/adapters-labelstudio/src/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
