// The packages as a stranger gets them: `npm pack` every workspace package, install the tarballs into an empty
// folder outside the repository (their third-party dependencies come from the npm registry, or npm's cache), and
// run from there, on the default model of @simpleclick/model-default, with nothing of the checkout:
//   1. the README's "SDK in ten lines", as written (its ```ts block, run as a module), and `require()` of core's
//      CommonJS entries;
//   2. `simpleclick segment` (the CLI's bin);
//   3. `simpleclick-labelstudio` (the Label Studio ML backend): GET /health and a POST /predict with one click;
//   4. `simpleclick-cvat` (the CVAT interactor service): GET /health and a POST / with one click.
// Needs `npm run build` first. Usage: node scripts/test-packed-install.mjs [--keep] (--keep leaves the folder).
// Run by CI (.ci/run) as `npm run test:packed`; onnxruntime-node's download step is skipped as in .ci/run.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['model-default', 'core', 'adapters-labelstudio', 'adapters-cvat', 'cli'];
const EXAMPLE_IMAGE = join(REPO_ROOT, 'examples/images/fruit.png');
const DEFAULT_MODEL_FILE = 'simpleclick-xtiny-narrow-finetuned-384-fp16.onnx';
const keep = process.argv.includes('--keep');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function step(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

function fail(message) {
  throw new Error(message);
}

for (const name of PACKAGES.filter((name) => name !== 'model-default')) {
  if (!existsSync(join(REPO_ROOT, 'packages', name, 'dist')))
    fail(`packages/${name}/dist is missing: run "npm run build" first`);
}

// realpath: the checks below compare resolved module paths with this folder (/tmp may be a link).
const root = realpathSync(mkdtempSync(join(tmpdir(), 'simpleclick-packed-')));
const children = new Set();
try {
  // 1. Pack. model-default's prepack copies the model from models/ (its `model/` folder is git-ignored).
  const tarballs = join(root, 'tarballs');
  mkdirSync(tarballs);
  const packed = [];
  for (const name of PACKAGES) {
    const output = execFileSync(npm, ['pack', '--json', '--pack-destination', tarballs], {
      cwd: join(REPO_ROOT, 'packages', name),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [info] = JSON.parse(output);
    packed.push(join(tarballs, info.filename));
    step(`packed ${info.name}@${info.version}: ${info.entryCount} files, ${(info.size / 1e6).toFixed(2)} MB`);
  }

  // 2. Install into an empty project. The tarballs satisfy each other's @simpleclick/* dependencies.
  const app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'packed-install-check', private: true, type: 'module' }, null, 2),
  );
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed], {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  step('installed the tarballs');
  const installedModel = join(app, 'node_modules/@simpleclick/model-default/model', DEFAULT_MODEL_FILE);
  if (!existsSync(installedModel)) fail(`${installedModel} is missing: the model package ships no model`);
  // Nothing may come from the checkout: every @simpleclick package is a real folder of the installed tree.
  for (const name of PACKAGES) {
    const folder = realpathSync(join(app, 'node_modules/@simpleclick', name));
    if (!folder.startsWith(app)) fail(`@simpleclick/${name} resolves outside the install folder: ${folder}`);
  }
  copyFileSync(EXAMPLE_IMAGE, join(app, 'photo.jpg')); // the README's file name; the decoder sniffs the format
  const env = { ...process.env, SIMPLECLICK_MODEL: '', SIMPLECLICK_MODELS_DIR: '' };

  // 3. The README's SDK example, verbatim.
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const example = /## The SDK in ten lines\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (example === undefined) fail('README.md has no "## The SDK in ten lines" ```ts block');
  writeFileSync(join(app, 'readme-example.mjs'), example);
  const exampleOutput = execFileSync(process.execPath, ['readme-example.mjs'], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (!/^revision 1: /m.test(exampleOutput) || !/counts/.test(exampleOutput))
    fail(`the README example printed:\n${exampleOutput}`);
  step('README example: ran');

  // 3b. CommonJS consumers: core's .cjs entries and the model package's require entry.
  writeFileSync(
    join(app, 'require-check.cjs'),
    `const { ClickPredictor } = require('@simpleclick/core/node');
const { encodeCocoRle } = require('@simpleclick/core/formats');
const { defaultModelPath } = require('@simpleclick/model-default');
if (typeof ClickPredictor.create !== 'function' || typeof encodeCocoRle !== 'function') throw new Error('core entries incomplete');
require('node:fs').accessSync(defaultModelPath());
`,
  );
  execFileSync(process.execPath, ['require-check.cjs'], { cwd: app, env, stdio: 'inherit', timeout: 60_000 });
  step('require(): @simpleclick/core/node, /formats and @simpleclick/model-default load');

  // 4. The CLI's segment, on the default model.
  const bin = (name) => join(app, 'node_modules/.bin', name);
  const segment = execFileSync(
    bin('simpleclick'),
    ['segment', 'photo.jpg', '--click', '300,270', '--click', '520,280,neg', '--out', 'mask.png'],
    { cwd: app, env, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const maskBytes = readFileSync(join(app, 'mask.png'));
  if (maskBytes.subarray(1, 4).toString('latin1') !== 'PNG') fail('simpleclick segment wrote no PNG');
  step(
    `simpleclick segment: mask.png (${maskBytes.length} bytes)${segment.trim() === '' ? '' : `, ${segment.trim()}`}`,
  );

  const imageBytes = readFileSync(EXAMPLE_IMAGE);

  // 5. The Label Studio ML backend.
  await withServer(bin('simpleclick-labelstudio'), ['--port', '0', '--host', '127.0.0.1'], app, env, async (url) => {
    const health = await getJson(`${url}/health`);
    if (health.status !== 'UP') fail(`simpleclick-labelstudio /health: ${JSON.stringify(health)}`);
    const response = await postJson(
      `${url}/predict`,
      labelStudioPredictBody(`data:image/png;base64,${imageBytes.toString('base64')}`),
    );
    const region = response.results?.[0]?.result?.[0];
    if (region?.type !== 'brushlabels' || typeof region.value?.rle?.length !== 'number') {
      fail(`simpleclick-labelstudio /predict answered ${JSON.stringify(response).slice(0, 300)}`);
    }
    step(
      `simpleclick-labelstudio: /health UP, /predict a brush region (model_version ${response.results[0].model_version})`,
    );
  });

  // 6. The CVAT interactor service.
  await withServer(
    bin('simpleclick-cvat'),
    ['--port', '0', '--host', '127.0.0.1', '--threads', '2'],
    app,
    env,
    async (url) => {
      const health = await getJson(`${url}/health`);
      if (health.model?.trained !== true) fail(`simpleclick-cvat /health: ${JSON.stringify(health)}`);
      const response = await postJson(`${url}/`, {
        image: imageBytes.toString('base64'),
        pos_points: [[300, 270]],
        neg_points: [],
      });
      if (!Array.isArray(response.mask) || response.mask.length === 0 || !Array.isArray(response.bounds)) {
        fail(`simpleclick-cvat answered ${JSON.stringify(response).slice(0, 300)}`);
      }
      step(
        `simpleclick-cvat: /health trained ${health.model.variant}, POST / a ${response.mask[0].length} x ${response.mask.length} mask`,
      );
    },
  );

  console.log(`packed install: all checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  for (const child of children) child.kill('SIGKILL');
  if (keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

/**
 * Starts a server bin with `--port 0`, waits for its "listening on http://..." line (on stdout or stderr), runs
 * `check`, stops it.
 */
async function withServer(executable, args, cwd, env, check) {
  const child = spawn(executable, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${executable} did not start in 60 s:\n${output}`)), 60_000);
      const read = (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${executable} exited with ${code}:\n${output}`));
      });
    });
    await check(url);
  } finally {
    const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
  }
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) fail(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) fail(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A `/predict` request as Label Studio's frontend sends it for one smart keypoint (positive) on the image. */
function labelStudioPredictBody(imageUrl) {
  const labelConfig = `<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="tag" toName="image"><Label value="Fruit"/></BrushLabels>
  <KeyPointLabels name="point" toName="image" smart="true"><Label value="Fruit" smart="true"/></KeyPointLabels>
</View>`;
  // fruit.png is 640 x 480; the click at (300, 270) px, in percent of the image as Label Studio sends it.
  const keypoint = {
    id: 'kp-1',
    type: 'keypointlabels',
    from_name: 'point',
    to_name: 'image',
    original_width: 640,
    original_height: 480,
    image_rotation: 0,
    is_positive: true,
    value: { x: (300 / 640) * 100, y: (270 / 480) * 100, width: 0.5, keypointlabels: ['Fruit'] },
    origin: 'manual',
  };
  return {
    tasks: [{ id: 1, data: { image: imageUrl } }],
    model_version: 'x',
    project: '1.1700000000',
    label_config: labelConfig,
    params: { login: null, password: null, context: { result: [keypoint] } },
  };
}
