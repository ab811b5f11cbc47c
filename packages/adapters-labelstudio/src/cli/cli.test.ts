import { readFileSync } from 'node:fs';
import { defaultModelPath } from '@simpleclick/model-default';
import { describe, expect, it } from 'vitest';
import { makeJwt } from '../test-support/fake-label-studio';
import { REPO_ROOT, UNTRAINED_TOY_MODEL_PATH } from '../test-support/test-images';
import { ADAPTER_VERSION } from '../version';
import { parseCliArgs, UsageError } from './parse-cli-args';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './run-cli';

function captureIo(env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
      cwd: REPO_ROOT,
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

describe('parseCliArgs', () => {
  it('maps flags to serve options', () => {
    const command = parseCliArgs([
      '--model',
      'models/x.onnx',
      '--port',
      '9091',
      '--host',
      '127.0.0.1',
      '--ls-url',
      'http://ls:8080',
      '--ls-api-key',
      'abc',
      '--basic-auth',
      'u:p:w',
      '--regions',
      'both',
      '--max-vertices',
      '12',
      '--polygon-epsilon',
      '0.5',
      '--keep-clicked-components',
      '--fill-holes',
      'all',
      '--remove-islands',
      '20',
      '--preset',
      'parity',
      '--threshold',
      '0.6',
      '--threads',
      '2',
      '--max-image-pixels',
      '1000000',
      '--image-cache-mb',
      '64',
      '--state-cache-mb',
      '32',
      '--model-version',
      'v9',
      '--no-preload',
      '-q',
    ]);
    expect(command).toEqual({
      kind: 'serve',
      quiet: true,
      options: {
        model: 'models/x.onnx',
        port: 9091,
        host: '127.0.0.1',
        basicAuth: { username: 'u', password: 'p:w' },
        labelStudio: { url: 'http://ls:8080', apiKey: 'abc' },
        regions: 'both',
        polygon: { maxVertices: 12, epsilonPx: 0.5 },
        postProcessing: { keepClickedComponents: true, fillHolesMaxAreaPx: Infinity, removeIslandsMaxAreaPx: 20 },
        predictor: { preset: 'parity', maskThreshold: 0.6 },
        runtime: { intraOpNumThreads: 2 },
        maxImagePixels: 1_000_000,
        imageCacheBytes: 64 * 1024 * 1024,
        stateCacheBytes: 32 * 1024 * 1024,
        modelVersion: 'v9',
        preloadModel: false,
      },
    });
  });

  it('serves the model of @simpleclick/model-default when neither --model nor SIMPLECLICK_MODEL names one', () => {
    expect(parseCliArgs([])).toMatchObject({ kind: 'serve', options: { model: defaultModelPath() } });
  });

  it('takes what the flags leave out from the environment, as the Python ML backends do', () => {
    const pat = makeJwt({ token_type: 'refresh' });
    const command = parseCliArgs([], {
      SIMPLECLICK_MODEL: 'm.onnx',
      PORT: '9100',
      LABEL_STUDIO_URL: 'http://ls',
      LABEL_STUDIO_API_KEY: pat,
      BASIC_AUTH_USER: 'a',
      BASIC_AUTH_PASS: 'b',
      LOCAL_FILES_DOCUMENT_ROOT: '/srv/files',
    });
    expect(command.kind).toBe('serve');
    if (command.kind !== 'serve') return;
    expect(command.options).toMatchObject({
      model: 'm.onnx',
      port: 9100,
      labelStudio: { url: 'http://ls', apiKey: pat },
      basicAuth: { username: 'a', password: 'b' },
      localFilesRoot: '/srv/files',
      preloadModel: true,
    });
    expect(
      parseCliArgs(['-m', 'x', '--ls-url', 'http://ls', '--ls-access-token', pat], { LABEL_STUDIO_API_KEY: 'k' }),
    ).toMatchObject({
      options: { labelStudio: { url: 'http://ls', personalAccessToken: pat } },
    });
  });

  it('reads the allow-list and the shutdown grace period', () => {
    expect(
      parseCliArgs(['-m', 'x', '--allow-hosts', 'minio.internal:9000, 10.0.0.7', '--shutdown-grace', '2.5']),
    ).toMatchObject({
      options: { allowedHosts: ['minio.internal:9000', '10.0.0.7'], shutdownGraceMs: 2500 },
    });
    expect(parseCliArgs(['-m', 'x'], { SIMPLECLICK_ALLOWED_HOSTS: 'a.internal' })).toMatchObject({
      options: { allowedHosts: ['a.internal'] },
    });
    const plain = parseCliArgs(['-m', 'x']);
    expect(plain.kind === 'serve' ? plain.options.host : 'not serve').toBeUndefined(); // serve's default: 127.0.0.1
    expect(() => parseCliArgs(['-m', 'x', '--shutdown-grace', '-1'])).toThrow(/--shutdown-grace/);
    expect(parseCliArgs(['-m', 'x'], { SIMPLECLICK_DEVICE: 'cuda' })).toMatchObject({
      options: { runtime: { executionProviders: ['cuda', 'cpu'], fallbackToCpu: true } },
    });
    expect(() => parseCliArgs(['-m', 'x', '--device', 'tpu'])).toThrow(/--device/);
    expect(parseCliArgs(['-m', 'x', '--image-timeout', '90', '--max-image-mb', '250'])).toMatchObject({
      options: { imageFetch: { timeoutMs: 90_000, maxBytes: 250 * 1024 * 1024 } },
    });
  });

  it('reads --boundary-refinement, else SIMPLECLICK_BOUNDARY_REFINEMENT, into the predictor options', () => {
    const predictor = (argv: string[], env: Record<string, string> = {}) => {
      const command = parseCliArgs(['-m', 'x', ...argv], env);
      return command.kind === 'serve' ? command.options.predictor : undefined;
    };
    expect(predictor([])).toEqual({ preset: 'interactive' }); // the preset's default: on
    expect(predictor(['--boundary-refinement', 'off'])).toEqual({ preset: 'interactive', boundaryRefinement: false });
    expect(predictor(['--preset', 'parity', '--boundary-refinement', 'ON'])).toEqual({
      preset: 'parity',
      boundaryRefinement: true,
    });
    expect(predictor(['--boundary-refinement', 'r=8,eps=1e-3,guide=gray,s=1'])).toEqual({
      preset: 'interactive',
      boundaryRefinement: { radiusPx: 8, eps: 1e-3, guide: 'gray', subsample: 1 },
    });
    expect(predictor([], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'off' })).toMatchObject({ boundaryRefinement: false });
    expect(predictor([], { SIMPLECLICK_BOUNDARY_REFINEMENT: ' ' })).toEqual({ preset: 'interactive' });
    expect(predictor(['--boundary-refinement', 's=4'], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'off' })).toMatchObject({
      boundaryRefinement: { subsample: 4 },
    });
  });

  it('refuses a boundary refinement spec that does not parse or is out of range, naming the flag or variable', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--boundary-refinement', 'yes'], {}, /--boundary-refinement "yes": expected "on", "off"/],
      [['--boundary-refinement', 'r=1.5'], {}, /--boundary-refinement/],
      [['--boundary-refinement', 'guide=lab'], {}, /--boundary-refinement/],
      [['--boundary-refinement', 'r=0'], {}, /--boundary-refinement "r=0": .*radiusPx/],
      [['--boundary-refinement', 's=9'], {}, /subsample/],
      [['--boundary-refinement', 'eps=2'], {}, /eps/],
      [[], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'maybe' }, /SIMPLECLICK_BOUNDARY_REFINEMENT "maybe"/],
    ];
    for (const [argv, env, message] of bad) {
      expect(() => parseCliArgs(['-m', 'x', ...argv], env)).toThrow(UsageError);
      expect(() => parseCliArgs(['-m', 'x', ...argv], env)).toThrow(message);
    }
  });

  it('refuses malformed command lines', () => {
    const bad: [string[], RegExp][] = [
      [['-m', 'x', '--port', '70000'], /--port/],
      [['-m', 'x', '--port', 'abc'], /--port/],
      [['-m', 'x', '--regions', 'mask'], /--regions/],
      [['-m', 'x', '--preset', 'fast'], /--preset/],
      [['-m', 'x', '--basic-auth', 'nopass'], /user:password/],
      [['-m', 'x', '--ls-api-key', 'k'], /--ls-url/],
      [['-m', 'x', '--ls-url', 'http://h', '--ls-api-key', 'k', '--ls-access-token', 't'], /not both/],
      [['-m', 'x', '--max-vertices', '2'], /--max-vertices/],
      [['-m', 'x', '--threshold', '1.5'], /--threshold/],
      [['-m', 'x', '--bogus'], /bogus/],
      [['-m', 'x', 'positional'], /positional/i],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseCliArgs(argv)).toThrow(UsageError);
      expect(() => parseCliArgs(argv)).toThrow(message);
    }
  });
});

describe('runCli', () => {
  it('help, version and usage errors', async () => {
    const help = captureIo();
    expect((await runCli(['--help'], help.io)).status).toBe(EXIT_OK);
    expect(help.stdout()).toMatch(/--ls-access-token/);
    const version = captureIo();
    expect((await runCli(['--version'], version.io)).status).toBe(EXIT_OK);
    expect(version.stdout().trim()).toBe(ADAPTER_VERSION);
    const usage = captureIo();
    expect((await runCli(['--port', 'abc'], usage.io)).status).toBe(EXIT_USAGE);
    expect(usage.stderr()).toMatch(/^error: --port/);
  });

  it('the version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ADAPTER_VERSION).toBe(pkg.version);
  });

  it('a model file that does not exist is exit status 1 with one error line', async () => {
    const missing = captureIo();
    expect((await runCli(['--model', 'models/nope.onnx', '--port', '0'], missing.io)).status).toBe(EXIT_FAILURE);
    expect(missing.stderr()).toMatch(/^error: cannot read the model file/);
  });

  // Issue 10 item 3: the default is loopback, and the log names the address really bound.
  it('starts the server on 127.0.0.1 by default (warning about an untrained model) and stops it', async () => {
    const captured = captureIo();
    const outcome = await runCli(['--model', UNTRAINED_TOY_MODEL_PATH, '--port', '0', '--no-preload'], captured.io);
    expect(outcome.status).toBe(EXIT_OK);
    try {
      expect(captured.stderr()).toMatch(/UNTRAINED/);
      expect(captured.stderr()).toMatch(
        new RegExp(`listening on http://127\\.0\\.0\\.1:${outcome.running?.port} \\(model_version`),
      );
      expect(captured.stderr()).not.toMatch(/without authentication/);
      const health = await fetch(`${outcome.running?.url}/health`);
      expect(((await health.json()) as { model_version: string }).model_version).toBe('toy-disk-memory-448');
    } finally {
      await outcome.running?.close();
    }
  });

  it('--host 0.0.0.0 is logged as 0.0.0.0, with the no-auth warning', async () => {
    const captured = captureIo();
    const outcome = await runCli(
      ['--model', UNTRAINED_TOY_MODEL_PATH, '--port', '0', '--host', '0.0.0.0', '--no-preload', '-q'],
      captured.io,
    );
    try {
      expect(captured.stderr()).toMatch(
        new RegExp(
          `listening on http://0\\.0\\.0\\.0:${outcome.running?.port} \\(all interfaces; from this machine http://127\\.0\\.0\\.1:`,
        ),
      );
      expect(captured.stderr()).toMatch(/warn .*without authentication/);
    } finally {
      await outcome.running?.close();
    }
  });
});
