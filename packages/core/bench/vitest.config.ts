// Runs the benchmark scripts of this folder with vitest (for TypeScript and the @simpleclick/core aliases).
// They print numbers and assert nothing; they are not part of `npm test`. From the repository root:
//     npx vitest run --config packages/core/bench/vitest.config.ts [name filter]
import { defineConfig, mergeConfig } from 'vitest/config';
import rootConfig from '../../../vitest.config';

export default mergeConfig(
  rootConfig,
  defineConfig({
    test: {
      include: ['packages/core/bench/**/*.bench.ts'],
      root: new URL('../../..', import.meta.url).pathname,
      testTimeout: 30 * 60_000,
      hookTimeout: 10 * 60_000,
      // One file at a time: the numbers would be meaningless with two benchmarks competing for the CPU.
      fileParallelism: false,
    },
  }),
);
