import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cvatLambdaBody,
  DEFAULT_MODEL_PATH,
  frameBase64,
  HAVE_DEFAULT_MODEL,
  NO_MODEL_MESSAGE,
  noisyFrame,
  REPO_ROOT,
} from '../test-support/fixtures';
import { NuclioProcessorHarness, type WrapperLaunch } from '../test-support/nuclio/nuclio-processor';

// The shipped function (nuclio/main.py) behind nuclio's processor <-> wrapper protocol for the Python runtime:
// our processor side (test-support/nuclio) writes length-prefixed MessagePack events of 1-5 MiB with CVAT's exact
// lambda-manager body; main.py, as the wrapper loads it, starts the SimpleClick service (the built dist/cli.mjs)
// and forwards. The wrapper is our stand-in (standard library only) unless SIMPLECLICK_NUCLIO_WRAPPER names
// nuclio's own _nuclio_wrapper.py (with SIMPLECLICK_NUCLIO_PYTHONPATH holding nuclio_sdk and msgpack): then the
// same tests run under nuclio's real wrapper code. SIMPLECLICK_NUCLIO_FUNCTION_DIR runs them against a prepared and
// installed function folder (deploy_cpu.sh / prepare-nuclio.mjs, then install.sh) instead of the sources.

const PYTHON = '/usr/bin/python3';
const PACKAGE_DIR = `${REPO_ROOT}packages/adapters-cvat/`;
const SERVICE_SCRIPT = `${PACKAGE_DIR}dist/cli.mjs`;
const BUILT = existsSync(SERVICE_SCRIPT) && existsSync(`${REPO_ROOT}packages/core/dist/node.mjs`);
const MIB = 1024 * 1024;

const wrappers: { name: string; wrapperPath: string; pythonPath: string[] }[] = [
  { name: 'stand-in wrapper', wrapperPath: `${PACKAGE_DIR}src/test-support/nuclio/standin-wrapper.py`, pythonPath: [] },
];
const realWrapper = process.env.SIMPLECLICK_NUCLIO_WRAPPER;
if (realWrapper !== undefined && realWrapper !== '') {
  const pythonPath = (process.env.SIMPLECLICK_NUCLIO_PYTHONPATH ?? '').split(':').filter((p) => p !== '');
  wrappers.push({ name: `nuclio's wrapper (${realWrapper})`, wrapperPath: realWrapper, pythonPath });
} else {
  console.warn("nuclio wrapper test: stand-in wrapper only (set SIMPLECLICK_NUCLIO_WRAPPER to run nuclio's own)");
}
const READY = existsSync(PYTHON) && BUILT && HAVE_DEFAULT_MODEL;
if (!READY)
  console.warn(
    `nuclio wrapper test skipped: needs ${PYTHON}, "npm run build" and the default model (${NO_MODEL_MESSAGE})`,
  );

const installedDir = process.env.SIMPLECLICK_NUCLIO_FUNCTION_DIR;
const launch = (wrapper: (typeof wrappers)[number], env: Record<string, string> = {}): WrapperLaunch => ({
  python: PYTHON,
  wrapperPath: wrapper.wrapperPath,
  pythonPath: wrapper.pythonPath,
  functionDir: installedDir || `${PACKAGE_DIR}nuclio`,
  handler: 'main:handler',
  env: {
    PATH: process.env.PATH ?? '',
    // An installed folder starts its own service and model, as in the image; the sources use the build.
    ...(installedDir
      ? { SIMPLECLICK_MODEL: `${installedDir}/model.onnx` }
      : {
          SIMPLECLICK_NODE: process.execPath,
          SIMPLECLICK_SERVICE_SCRIPT: SERVICE_SCRIPT,
          SIMPLECLICK_MODEL: DEFAULT_MODEL_PATH,
        }),
    SIMPLECLICK_THREADS: '2',
    ...env,
  },
});

describe.skipIf(!READY).each(wrappers)('nuclio/main.py under $name', (wrapper) => {
  let harness: NuclioProcessorHarness;
  const stderr: string[] = [];
  const large = frameBase64(noisyFrame(3840, 2160, 2)); // a 4K frame
  const medium = frameBase64(noisyFrame(1280, 960, 8));
  const json = (answer: { body: string }) => JSON.parse(answer.body);

  beforeAll(async () => {
    harness = await NuclioProcessorHarness.start(launch(wrapper), stderr);
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it('answers a 4K frame sent as CVAT sends it (a 3.9 MiB event) with mask, bounds and points', async () => {
    const body = Buffer.from(cvatLambdaBody(large, [[1920, 1080]], []));
    expect(body.length).toBeGreaterThan(3.5 * MIB);
    expect(body.length).toBeLessThan(5 * MIB);
    const answer = await harness.send({ body });
    expect(answer.status_code, answer.body.slice(0, 300)).toBe(200);
    expect(answer.content_type).toBe('application/json');
    const result = json(answer);
    const [x1, y1, x2, y2] = result.bounds;
    expect(result.mask).toHaveLength(y2 - y1 + 1);
    expect(result.mask[0]).toHaveLength(x2 - x1 + 1);
    expect(x1 <= 1920 && 1920 <= x2 && y1 <= 1080 && 1080 <= y2).toBe(true);
    expect(result.points.length).toBeGreaterThan(3);
  }, 120_000);

  it('serves the next clicks of a 1.5 MiB frame, an edge click CVAT sends at x = -0.4 included', async () => {
    const first = await harness.send({ body: Buffer.from(cvatLambdaBody(medium, [[640, 480]], [])) });
    expect(first.status_code).toBe(200);
    const body = Buffer.from(cvatLambdaBody(medium, [[640, 480]], [[-0.4, 12.5]]));
    expect(body.length).toBeGreaterThan(1 * MIB);
    const second = await harness.send({ body });
    expect(second.status_code, second.body.slice(0, 300)).toBe(200);
    expect(json(second).bounds).toHaveLength(4);
  }, 120_000);

  it("passes the service's refusals through with their status, and answers GET with the health body", async () => {
    const refused = await harness.send({ body: Buffer.from(cvatLambdaBody(medium, [[640, 9999]], [])) });
    expect([refused.status_code, json(refused).error.code]).toEqual([400, 'INVALID_CLICK']);
    const health = await harness.send({ body: new Uint8Array(0), method: 'GET', path: '/', contentType: '' });
    expect([health.status_code, json(health).status]).toEqual([200, 'ok']);
  }, 60_000);

  it('fails init_context (the function does not start) on a bad setting, naming it', async () => {
    const output: string[] = [];
    await expect(
      NuclioProcessorHarness.start(launch(wrapper, { SIMPLECLICK_THREADS: 'many' }), output),
    ).rejects.toThrow(/init_context|exited/);
    expect(output.join('')).toMatch(/SIMPLECLICK_THREADS/);
  }, 60_000);
});

describe.skipIf(!READY)('nuclio/main.py keeps the function answering (stand-in wrapper)', () => {
  const frame = frameBase64(noisyFrame(1280, 960, 8));
  const request = () => ({ body: Buffer.from(cvatLambdaBody(frame, [[640, 480]], [])) });

  it('answers 504 with the reason when the service takes longer than SIMPLECLICK_REQUEST_TIMEOUT_S', async () => {
    const harness = await NuclioProcessorHarness.start(launch(wrappers[0], { SIMPLECLICK_REQUEST_TIMEOUT_S: '0.001' }));
    try {
      const slow = await harness.send(request());
      expect([slow.status_code, JSON.parse(slow.body).error.code]).toEqual([504, 'TIMEOUT']);
      expect(JSON.parse(slow.body).error.message).toMatch(/SIMPLECLICK_REQUEST_TIMEOUT_S/);
    } finally {
      await harness.stop();
    }
  }, 60_000);

  /** Sends one request: the handler must restart the service (and say so) and answer it. */
  async function expectAnswerAfterRestart(harness: NuclioProcessorHarness): Promise<void> {
    const answer = await harness.send(request());
    const logs = harness.logs.join('\n');
    expect(answer.status_code, `${answer.body.slice(0, 300)}\n${logs}`).toBe(200);
    expect(logs).toMatch(/not running: restarting it/);
  }

  it('starts the service again when it died, and answers', async () => {
    const harness = await NuclioProcessorHarness.start(launch(wrappers[0]));
    try {
      const logs = () => harness.logs.join('\n');
      const servicePid = Number(/\(pid (\d+)\)/.exec(logs())?.[1]);
      expect(servicePid, logs()).toBeGreaterThan(0);
      process.kill(servicePid, 'SIGKILL');
      // Dead once it is a zombie (its parent, main.py, reaps it on the next event) or gone.
      const stat = `/proc/${servicePid}/stat`;
      await expect
        .poll(() => (existsSync(stat) ? readFileSync(stat, 'utf8') : ') Z'), { timeout: 10_000 })
        .toMatch(/\) Z/);
      await expectAnswerAfterRestart(harness);
    } finally {
      await harness.stop();
    }
  }, 60_000);

  it('starts the service again when nothing listens on its socket any more, and answers', async () => {
    // The race behind a dead service whose exit poll() does not show yet, made deterministic: the process is
    // alive but its socket is gone, so the request finds nobody; the handler restarts it and resends.
    const harness = await NuclioProcessorHarness.start(launch(wrappers[0]));
    try {
      const logs = () => harness.logs.join('\n');
      const socketPath = /ready on unix:(\S+) \(pid/.exec(logs())?.[1];
      expect(socketPath, logs()).toBeDefined();
      unlinkSync(socketPath as string);
      await expectAnswerAfterRestart(harness);
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
