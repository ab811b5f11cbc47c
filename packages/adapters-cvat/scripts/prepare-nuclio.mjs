// Makes the folder `nuctl deploy --path` takes for the SimpleClick CVAT interactor:
//   npm run nuclio:prepare -w @simpleclick/adapters-cvat -- --model models/NAME.onnx [--out DIR]
// (paths relative to where the command is typed; default DIR packages/adapters-cvat/build/nuclio-function). The
// folder holds function.yaml, function-gpu.yaml, main.py (the Python handler) and install.sh (from nuclio/), the
// @simpleclick/core, @simpleclick/model-default and @simpleclick/adapters-cvat packages packed by `npm pack`, a
// package.json that installs them
// (the function's build runs install.sh, which runs `npm install` on it), and the model as model.onnx: the image
// then holds everything it needs. Needs the built packages: run `npm run build` at the repository root first.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(PACKAGE_DIR, '../..');

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: { model: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  console.log('usage: npm run nuclio:prepare -w @simpleclick/adapters-cvat -- --model FILE.onnx [--out DIR]');
  process.exit(0);
}
// npm runs workspace scripts in the package folder; INIT_CWD is where the command was typed.
const cwd = process.env.INIT_CWD ?? process.cwd();
if (values.model === undefined)
  fail('--model FILE.onnx is required (e.g. --model models/simpleclick-xtiny-narrow-finetuned-384.onnx)');
const modelPath = resolve(cwd, values.model);
if (!existsSync(modelPath) || !statSync(modelPath).isFile()) fail(`model file not found: ${modelPath}`);
const outDir = resolve(cwd, values.out ?? join(PACKAGE_DIR, 'build/nuclio-function'));

for (const built of ['packages/core/dist/node.mjs', 'packages/adapters-cvat/dist/index.mjs']) {
  if (!existsSync(join(REPO_ROOT, built)))
    fail(`${built} is missing: run "npm run build" at the repository root first`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'vendor'), { recursive: true });

// npm pack writes each workspace's tarball (only its "files") and reports the names.
const packed = JSON.parse(
  execFileSync(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      join(outDir, 'vendor'),
      '-w',
      '@simpleclick/core',
      '-w',
      '@simpleclick/model-default',
      '-w',
      '@simpleclick/adapters-cvat',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  ),
);
const tarballOf = (name) => {
  const entry = packed.find((item) => item.name === name);
  if (entry === undefined) fail(`npm pack did not pack ${name}`);
  return `file:vendor/${entry.filename}`;
};

// The function folder is /opt/nuclio in the image; install.sh installs these there.
const functionPackage = {
  name: 'simpleclick-cvat-nuclio-function',
  private: true,
  description: 'SimpleClick CVAT interactor: the nuclio function folder made by scripts/prepare-nuclio.mjs',
  dependencies: {
    '@simpleclick/adapters-cvat': tarballOf('@simpleclick/adapters-cvat'),
    '@simpleclick/core': tarballOf('@simpleclick/core'),
    // A dependency of the adapter (its default model); not on the registry either, so it comes from vendor/ too.
    '@simpleclick/model-default': tarballOf('@simpleclick/model-default'),
  },
};
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(functionPackage, null, 2)}\n`);
for (const file of ['main.py', 'install.sh', 'function.yaml', 'function-gpu.yaml']) {
  copyFileSync(join(PACKAGE_DIR, 'nuclio', file), join(outDir, file));
}
copyFileSync(modelPath, join(outDir, 'model.onnx'));
const modelCard = modelPath.replace(/\.onnx$/, '.md');
if (existsSync(modelCard)) copyFileSync(modelCard, join(outDir, 'model.md'));

console.log(`nuclio function folder: ${outDir}
  model: ${basename(modelPath)} -> model.onnx
  packages: ${packed.map((item) => item.filename).join(', ')}
Deploy it with packages/adapters-cvat/deploy_cpu.sh (or deploy_gpu.sh), CVAT running with its serverless components.`);
