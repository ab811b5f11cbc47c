// Checks every workspace package as npm would publish it: arethetypeswrong (`attw --pack`: do the type
// declarations resolve, and describe the right module system, for every entry point under Node's ESM and CommonJS
// resolution and bundlers?) and publint (`publint --strict`: do package.json's fields and exports match the packed
// files?). Needs `npm run build` first. Run by CI (.ci/run) as `npm run check:packages`.
//
// attw profiles, per package:
// - "node16" for the dual packages (@simpleclick/core, @simpleclick/model-default: `import` and `require` each get
//   their own declarations, .d.ts and .d.cts): every Node 16+ resolution and bundlers must be green. Only the
//   pre-exports "node10" resolution is ignored (it cannot see subpaths; the packages need Node >= 20).
// - "esm-only" for the ES-module-only packages (the adapters, the CLI): CommonJS `require` is not offered.
// - core's "./web-worker" is the Web Worker script the SDK starts itself (a file, not a module to import): no types.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = [
  { name: 'model-default', profile: 'node16' },
  { name: 'core', profile: 'node16', excludeEntrypoints: ['./web-worker'] },
  { name: 'adapters-labelstudio', profile: 'esm-only' },
  { name: 'adapters-cvat', profile: 'esm-only' },
  { name: 'cli', profile: 'esm-only' },
];
const bin = (name) => join(REPO_ROOT, 'node_modules/.bin', name);

const failures = [];
for (const { name, profile, excludeEntrypoints = [] } of PACKAGES) {
  const folder = join(REPO_ROOT, 'packages', name);
  /** @type {[string, string[]][]} */
  const checks = [
    [
      'attw',
      [
        bin('attw'),
        '--pack',
        folder,
        '--profile',
        profile,
        '--format',
        'table-flipped',
        ...(excludeEntrypoints.length > 0 ? ['--exclude-entrypoints', ...excludeEntrypoints] : []),
      ],
    ],
    ['publint', [bin('publint'), '--strict', folder]],
  ];
  for (const [tool, [command, ...args]] of checks) {
    console.log(`\n== ${tool}: packages/${name}`);
    const result = spawnSync(command, args, {
      cwd: folder,
      stdio: 'inherit',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    if (result.status !== 0) failures.push(`${tool} packages/${name} (exit ${result.status ?? result.signal})`);
  }
}
if (failures.length > 0) {
  console.error(`\ncheck:packages failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ncheck:packages: attw and publint pass for ${PACKAGES.length} packages`);
