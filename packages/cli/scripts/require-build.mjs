// `npm run bench` runs the built CLI; say how to build it instead of failing with "Cannot find module".
import { existsSync } from 'node:fs';

const missing = [
  ['packages/cli/dist/cli.mjs', new URL('../dist/cli.mjs', import.meta.url)],
  ['packages/core/dist/node.mjs', new URL('../../core/dist/node.mjs', import.meta.url)],
  [
    'packages/adapters-labelstudio/dist/index.mjs',
    new URL('../../adapters-labelstudio/dist/index.mjs', import.meta.url),
  ],
].filter(([, url]) => !existsSync(url));
if (missing.length > 0) {
  console.error(
    `error: ${missing.map(([name]) => name).join(' and ')} missing: run "npm run build" at the repository root first`,
  );
  process.exit(1);
}
