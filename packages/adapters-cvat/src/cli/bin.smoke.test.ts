import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAVE_DEFAULT_MODEL, REPO_ROOT, DEFAULT_MODEL_PATH, UNTRAINED_TOY_MODEL_PATH } from '../test-support/fixtures';

// The built executable as npm links it (`simpleclick-cvat` -> dist/cli.mjs). Runs only after `npm run build`.
const BIN = `${REPO_ROOT}packages/adapters-cvat/dist/cli.mjs`;
const built = existsSync(BIN) && existsSync(`${REPO_ROOT}packages/core/dist/node.mjs`);
if (!built) console.warn('simpleclick-cvat smoke test skipped: run "npm run build" first');

describe.skipIf(!built)('built bin (packages/adapters-cvat/dist/cli.mjs)', () => {
  it('prints help, and exits 2 with one line for a bad command line', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: simpleclick-cvat \[--model FILE.onnx\]/);
    const bad = spawnSync(process.execPath, [BIN, '--port', 'x'], { encoding: 'utf8', timeout: 30_000, env: {} });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --port/);
    const missing = spawnSync(process.execPath, [BIN, '--model', '/no/such.onnx'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read the model file/);
  });

  it.skipIf(!HAVE_DEFAULT_MODEL).each([
    {
      name: 'the trained default model',
      modelPath: DEFAULT_MODEL_PATH,
      model: { variant: 'xtiny-narrow', trained: true },
    },
    {
      name: 'an untrained model (warns)',
      modelPath: UNTRAINED_TOY_MODEL_PATH,
      model: { variant: 'toy-disk-memory', trained: false },
    },
  ])('serves GET /health with $name on a free port and stops on SIGTERM', async ({ modelPath, model }) => {
    const child = spawn(process.execPath, [BIN, '--model', modelPath, '--port', '0', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const health = (await (await fetch(`${url}/health`)).json()) as { model: { variant: string; trained: boolean } };
      expect(health.model).toMatchObject(model);
      if (model.trained) expect(stderr).not.toMatch(/UNTRAINED/);
      else expect(stderr).toMatch(/UNTRAINED/);
    } finally {
      child.kill('SIGTERM'); // also when an expectation failed: never leave the server running
    }
    expect(await exited).toBe(0);
  });

  it.skipIf(!HAVE_DEFAULT_MODEL)(
    'runs on the CPU, saying so, when CUDA is asked for (function-gpu.yaml) but missing',
    async () => {
      const child = spawn(process.execPath, [BIN, '--model', DEFAULT_MODEL_PATH, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SIMPLECLICK_EXECUTION_PROVIDERS: 'cuda,cpu', SIMPLECLICK_THREADS: '1' },
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let stdout = '';
          child.stdout.on('data', (chunk) => {
            stdout += chunk;
            const match = /listening on (http:\/\/\S+)/.exec(stdout);
            if (match) resolve(match[1]);
          });
          child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
        });
        const health = (await (await fetch(`${url}/health`)).json()) as { executionProviders: string[] };
        // This machine has no CUDA provider installed: the model runs on the CPU and the log says why it is slow.
        expect(health.executionProviders).toEqual(['cpu']);
        expect(stderr).toMatch(/WARNING: asked for cuda, cpu, running on cpu/);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    },
  );
});
