import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cvatLambdaBody, frameBase64, HAVE_DEFAULT_MODEL, noisyFrame, REPO_ROOT } from '../test-support/fixtures';
import { NuclioProcessorHarness } from '../test-support/nuclio/nuclio-processor';

// The function's build and start steps, run as the image build and nuclio run them, without a container engine:
// deploy_cpu.sh (prepare-nuclio.mjs, then nuctl, here a recording stand-in), install.sh on the prepared folder
// (the very RUN step of function.yaml; npm is a stand-in that installs offline from the repository), then nuclio's
// start (the wrapper loads main.py from the folder, main.py starts the installed service) and one CVAT request.

const PACKAGE_DIR = `${REPO_ROOT}packages/adapters-cvat/`;
const PYTHON = '/usr/bin/python3';
const BUILT = existsSync(`${PACKAGE_DIR}dist/cli.mjs`) && existsSync(`${REPO_ROOT}packages/core/dist/node.mjs`);
const READY = BUILT && HAVE_DEFAULT_MODEL && existsSync(PYTHON);
if (!READY) console.warn('function build test skipped: needs "npm run build", the default model and /usr/bin/python3');

describe.skipIf(!READY)('the nuclio function build and start steps (deploy_cpu.sh, install.sh, main.py)', () => {
  const work = mkdtempSync(join(tmpdir(), 'simpleclick-function-'));
  const functionDir = join(work, 'function');
  const bin = join(work, 'bin');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('deploy_cpu.sh prepares the folder with the model baked in and deploys it as CVAT deploys its functions', () => {
    execFileSync('mkdir', ['-p', bin]);
    const calls = join(work, 'nuctl-calls.txt');
    // A recording nuctl: the project does not exist yet; deploy checks what --path and --file name.
    writeFileSync(
      join(bin, 'nuctl'),
      `#!/bin/sh\necho "$@" >> ${calls}\n` +
        'if [ "$1 $2" = "get project" ]; then exit 1; fi\n' +
        'if [ "$1" = deploy ]; then test -f "$5/main.py" && test -f "$5/install.sh" && test -f "$5/model.onnx" || exit 1; fi\n',
    );
    chmodSync(join(bin, 'nuctl'), 0o755);
    execFileSync(`${PACKAGE_DIR}deploy_cpu.sh`, [], {
      env: { ...process.env, NUCTL: join(bin, 'nuctl'), SIMPLECLICK_FUNCTION_DIR: functionDir },
      stdio: 'pipe',
    });
    const lines = readFileSync(calls, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('get project cvat --platform local');
    expect(lines[1]).toBe('create project cvat --platform local');
    expect(lines[2]).toBe(
      `deploy --project-name cvat --path ${functionDir} --file ${functionDir}/function.yaml --platform local ` +
        '--platform-config {"attributes": {"network": "cvat_cvat"}}',
    );
    expect(lines[3]).toBe('get function --platform local');
    expect(readdirSync(functionDir).sort()).toEqual([
      'function-gpu.yaml',
      'function.yaml',
      'install.sh',
      'main.py',
      'model.md',
      'model.onnx',
      'package.json',
      'vendor',
    ]);
    const config = parse(readFileSync(join(functionDir, 'function.yaml'), 'utf8'));
    expect(config.spec.build.directives.postCopy).toEqual([{ kind: 'RUN', value: 'sh /opt/nuclio/install.sh' }]);
  }, 120_000);

  it('install.sh installs the service into the folder (the RUN step of the image build)', () => {
    writeFileSync(
      join(bin, 'npm'),
      `#!/bin/sh\nexec "${process.execPath}" "${PACKAGE_DIR}src/test-support/nuclio/fake-npm.mjs" "$@"\n`,
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const output = execFileSync('sh', [join(functionDir, 'install.sh')], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, REPO_NODE_MODULES: `${REPO_ROOT}node_modules` },
      encoding: 'utf8',
    });
    expect(output).toMatch(/simpleclick: service installed in /);
    expect(existsSync(join(functionDir, 'node_modules/@simpleclick/adapters-cvat/dist/cli.mjs'))).toBe(true);
  }, 120_000);

  it('starts as nuclio starts it (wrapper loads main.py, main.py starts the installed service), answers CVAT, and the service dies with the handler', async () => {
    const harness = await NuclioProcessorHarness.start({
      python: PYTHON,
      wrapperPath: `${PACKAGE_DIR}src/test-support/nuclio/standin-wrapper.py`,
      functionDir,
      handler: 'main:handler',
      // function.yaml's env, with the model path of this folder instead of /opt/nuclio.
      env: {
        SIMPLECLICK_MODEL: join(functionDir, 'model.onnx'),
        SIMPLECLICK_THREADS: '2',
        PATH: process.env.PATH ?? '',
      },
    });
    try {
      const frame = frameBase64(noisyFrame(1280, 960, 8));
      const answer = await harness.send({ body: Buffer.from(cvatLambdaBody(frame, [[640, 480]], [])) });
      expect(answer.status_code, answer.body.slice(0, 300)).toBe(200);
      expect(JSON.parse(answer.body).bounds).toHaveLength(4);
    } finally {
      await harness.stop({ kill: true });
    }
    // main.py logged the service's pid; its stdin pipe closed with the killed handler, so it stops too.
    const servicePid = Number(/\(pid (\d+)\)/.exec(harness.logs.join('\n'))?.[1]);
    expect(servicePid).toBeGreaterThan(0);
    const running = () => {
      try {
        process.kill(servicePid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(running, { timeout: 20_000 }).toBe(false);
  }, 120_000);
});
