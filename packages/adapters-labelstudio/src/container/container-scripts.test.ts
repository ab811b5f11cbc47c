import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypointRegion, makeTestImage, pngDataUrl, predictBody } from '../test-support/fake-model';
import { DEFAULT_MODEL_NAME, REPO_ROOT } from '../test-support/test-images';

// Issue 9 item 4: no container engine here, so the container's steps are scripts that this test runs for real:
// assemble.sh (the half of the image build that follows `npm ci && npm run build`) lays out a self-contained
// folder from the repository's own build, and start.sh (the image's command) starts the backend from it, as the
// container would: on 0.0.0.0, explicitly. The Dockerfiles are checked to call exactly these scripts.

const run = promisify(execFile);
const PACKAGE = join(REPO_ROOT, 'packages/adapters-labelstudio');
const DOCKER = join(PACKAGE, 'docker');
const BUILT = existsSync(join(PACKAGE, 'dist/cli.mjs')) && existsSync(join(REPO_ROOT, 'packages/core/dist/index.mjs'));
const NOT_BUILT = 'the container scripts run the build: run `npm run build` first';

interface Started {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs start.sh with only the environment given (plus PATH), and waits for its "listening on" line. */
async function start(appDir: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(join(appDir, 'start.sh'), ['--no-preload'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stderr);
      if (match !== null) resolve(Number(match[1]));
    });
    // `void`: `exited` never rejects (it resolves with the exit code).
    void exited.then((code) => reject(new Error(`start.sh exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, port, stderr: () => stderr, exited };
}

describe.skipIf(!BUILT)('container build and start scripts', () => {
  let work: string;
  let appDir: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'simpleclick-ls-container-'));
    appDir = join(work, 'app');
    await run('bash', [join(DOCKER, 'assemble.sh'), appDir], { cwd: REPO_ROOT, timeout: 120_000 });
  });
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('start.sh serves /health from the assembled folder on 0.0.0.0, warns without auth, and stops on SIGTERM', async () => {
    expect(existsSync(join(appDir, `models/${DEFAULT_MODEL_NAME}.onnx`))).toBe(true);
    const started = await start(appDir, {});
    try {
      const health = await fetch(`http://127.0.0.1:${started.port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'UP',
        model_version: DEFAULT_MODEL_NAME,
      });
      expect(started.stderr()).toMatch(/warn .*without authentication/);
      const check = await run('node', [join(appDir, 'healthcheck.mjs')], {
        env: { PATH: process.env.PATH ?? '', PORT: String(started.port) },
      });
      expect(check.stderr).toBe('');
      // A click runs the model: onnxruntime-node and sharp work from the assembled node_modules alone.
      const image = makeTestImage(64, 48);
      const predict = await fetch(`http://127.0.0.1:${started.port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(predictBody(pngDataUrl(image), [keypointRegion(50, 50, true, 64, 48)])),
      });
      expect(predict.status).toBe(200);
      expect((await predict.json()).results[0].model_version).toBe(DEFAULT_MODEL_NAME);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
    expect(started.stderr()).toMatch(/SIGTERM: stopping/);
  });

  it('with BASIC_AUTH_USER / BASIC_AUTH_PASS, the backend requires them and the health check sends them', async () => {
    const credentials = { BASIC_AUTH_USER: 'ls', BASIC_AUTH_PASS: 'secret' };
    const started = await start(appDir, credentials);
    try {
      expect((await fetch(`http://127.0.0.1:${started.port}/health`)).status).toBe(401);
      expect(started.stderr()).not.toMatch(/without authentication/);
      await run('node', [join(appDir, 'healthcheck.mjs')], {
        env: { PATH: process.env.PATH ?? '', PORT: String(started.port), ...credentials },
      });
      await expect(
        run('node', [join(appDir, 'healthcheck.mjs')], {
          env: { PATH: process.env.PATH ?? '', PORT: String(started.port) },
        }),
      ).rejects.toMatchObject({ code: 1 });
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  });
});

if (!BUILT) {
  describe('container build and start scripts', () => {
    it.skip(NOT_BUILT, () => undefined);
  });
}

describe('the container definitions call the tested scripts', () => {
  const read = (name: string) => readFileSync(join(PACKAGE, name), 'utf8');

  it('both Dockerfiles: a Node 20 base, the model baked in by install.sh (which ends with assemble.sh), start.sh as the command', () => {
    for (const name of ['Dockerfile', 'Dockerfile.gpu']) {
      const text = read(name);
      expect(text).toMatch(/^ARG NODE_IMAGE=node:20-/m);
      expect(text).toMatch(
        /^RUN ONNXRUNTIME_NODE_INSTALL=\S+ packages\/adapters-labelstudio\/docker\/install\.sh \/app "\$MODEL"$/m,
      );
      expect(text).toMatch(/^CMD \["\/app\/start\.sh"\]$/m);
      expect(text).toMatch(/HOST=0\.0\.0\.0/);
      expect(text).toMatch(/CMD \["node", "\/app\/healthcheck\.mjs"\]/);
    }
    expect(read('Dockerfile.gpu')).toMatch(/SIMPLECLICK_DEVICE=cuda/);
    expect(read('docker/install.sh')).toMatch(/^"\$here\/assemble\.sh" "\$dest" "\$model"$/m);
  });

  it('install.sh is valid shell, and start.sh listens on 0.0.0.0 unless HOST says otherwise', async () => {
    await run('bash', ['-n', join(DOCKER, 'install.sh')]);
    await run('bash', ['-n', join(DOCKER, 'assemble.sh')]);
    expect(readFileSync(join(DOCKER, 'start.sh'), 'utf8')).toMatch(
      /--host "\$\{HOST:-0\.0\.0\.0\}" --port "\$\{PORT:-9090\}"/,
    );
  });

  it('docker-compose.yml: port 9090, Label Studio URL and key, Basic auth from the environment, 0.0.0.0 inside', () => {
    const text = read('docker-compose.yml');
    expect(text).toMatch(/- "9090:9090"/);
    for (const name of ['LABEL_STUDIO_URL', 'LABEL_STUDIO_API_KEY', 'BASIC_AUTH_USER', 'BASIC_AUTH_PASS']) {
      expect(text).toMatch(new RegExp(`- ${name}=\\$\\{${name}:-\\}`));
    }
    expect(text).toMatch(/- HOST=0\.0\.0\.0/);
    expect(text).toMatch(/dockerfile: packages\/adapters-labelstudio\/Dockerfile$/m);
    expect(text).toMatch(/dockerfile: packages\/adapters-labelstudio\/Dockerfile\.gpu$/m);
  });
});
