import { describe, expect, it } from 'vitest';
import { ClickPredictor, InvalidArgumentError, ModelLoadError } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from '../interactor/cvat-interactor';
import { interactorSettingsFromEnv } from './env-settings';
import { createNuclioHandlerFromEnv } from './nuclio-entry';
import { createNuclioHandler, type NuclioContext, type NuclioEvent, type NuclioHandler } from './nuclio-handler';

/** nuclio's `context.Response` as its Node.js wrapper defines it (fields it sends to the processor). */
class FakeResponse {
  body: unknown;
  headers: unknown;
  content_type: string;
  status_code: number;
  body_encoding: string;
  constructor(
    body: unknown = null,
    headers: unknown = null,
    contentType = 'text/plain',
    statusCode = 200,
    bodyEncoding = 'text',
  ) {
    this.body = typeof body === 'string' ? body : JSON.stringify(body);
    this.content_type = typeof body === 'string' ? contentType : 'application/json';
    this.headers = headers;
    this.status_code = statusCode;
    this.body_encoding = bodyEncoding;
  }
}

/** A context that records every callback; `next()` resolves with the next answer. */
function fakeContext() {
  const answers: FakeResponse[] = [];
  const logs: string[] = [];
  let waiting: ((response: FakeResponse) => void) | undefined;
  const context: NuclioContext = {
    Response: FakeResponse,
    callback: (response) => {
      answers.push(response as FakeResponse);
      waiting?.(response as FakeResponse);
      waiting = undefined;
    },
    logger: { info: (line) => logs.push(`info ${line}`), error: (line) => logs.push(`error ${line}`) },
  };
  const call = (handler: NuclioHandler, event: NuclioEvent): Promise<FakeResponse> => {
    const answer = new Promise<FakeResponse>((resolve) => (waiting = resolve));
    handler(context, event);
    return answer;
  };
  return { context, answers, logs, call };
}

const frame = frameBase64(syntheticFrame(96, 64));
const post = (body: unknown): NuclioEvent => ({
  method: 'POST',
  path: '/',
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const json = (response: FakeResponse) => JSON.parse(response.body as string);

describe('nuclio handler', () => {
  it('answers a CVAT request event (Buffer body) through context.callback with a JSON Response', async () => {
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()));
    const handler = createNuclioHandler(interactor);
    const { call, answers, logs } = fakeContext();
    const first = await call(handler, post({ image: frame, pos_points: [[20, 20]], neg_points: [], obj_bbox: null }));
    expect(first).toBeInstanceOf(FakeResponse);
    expect(first).toMatchObject({ status_code: 200, content_type: 'application/json' });
    expect(json(first)).toMatchObject({
      bounds: expect.any(Array),
      mask: expect.any(Array),
      points: expect.any(Array),
    });
    const second = await call(
      handler,
      post({ image: frame, pos_points: [[20, 20]], neg_points: [[70, 40]], obj_bbox: null }),
    );
    expect(second.status_code).toBe(200);
    expect(logs.at(-1)).toMatch(/^info simpleclick-cvat: 200 incremental runs=1 clicks=2/);
    // A body nuclio already parsed, and a string body, work too.
    expect((await call(handler, { body: { image: frame, pos_points: [[30, 30]], neg_points: [] } })).status_code).toBe(
      200,
    );
    expect(
      (await call(handler, { body: JSON.stringify({ image: frame, pos_points: [[30, 30]], neg_points: [] }) }))
        .status_code,
    ).toBe(200);
    expect(answers).toHaveLength(4);
  });

  it('answers bad requests with their status and code, exactly once each, and GET with the health body', async () => {
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()));
    const handler = createNuclioHandler(interactor);
    const { call, answers } = fakeContext();
    const malformed = await call(handler, post('{"image": '));
    expect(malformed.status_code).toBe(400);
    expect(json(malformed).error.code).toBe('INVALID_FORMAT');
    const outside = await call(handler, post({ image: frame, pos_points: [[20, 99]], neg_points: [] }));
    expect([outside.status_code, json(outside).error.code]).toEqual([400, 'INVALID_CLICK']);
    const empty = await call(handler, { method: 'POST' });
    expect(empty.status_code).toBe(400);
    const health = await call(handler, { method: 'GET', path: '/' });
    expect([health.status_code, json(health).status]).toEqual([200, 'ok']);
    expect(answers).toHaveLength(4);
  });

  it('falls back to the [status, body] reply when the context has no Response constructor', async () => {
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()));
    const replies: unknown[] = [];
    await new Promise<void>((resolve) =>
      createNuclioHandler(interactor)({ callback: (reply) => (replies.push(reply), resolve()) }, post('nope')),
    );
    expect(replies).toEqual([[400, { error: { code: 'INVALID_FORMAT', message: expect.stringMatching(/not JSON/) } }]]);
  });

  it('answers every event with 500 and the reason when the model cannot be loaded', async () => {
    const handler = createNuclioHandler(Promise.reject(new ModelLoadError('cannot read the model file "/nope.onnx"')));
    const { call, logs } = fakeContext();
    for (let i = 0; i < 2; i++) {
      const answer = await call(handler, post({ image: frame, pos_points: [[20, 20]], neg_points: [] }));
      expect(answer.status_code).toBe(500);
      expect(json(answer).error).toEqual({ code: 'MODEL_LOAD', message: 'cannot read the model file "/nope.onnx"' });
    }
    expect(logs.every((line) => line.startsWith('error '))).toBe(true);
    const fromEnv = createNuclioHandlerFromEnv({ SIMPLECLICK_MODEL: '/no/such/model.onnx' });
    const answer = await fakeContext().call(fromEnv, post({ image: frame, pos_points: [[20, 20]], neg_points: [] }));
    expect([answer.status_code, json(answer).error.code]).toEqual([500, 'MODEL_LOAD']);
  });

  it('refuses a bad setting at start-up (a typed error naming the variable), not with a 400 per request', () => {
    expect(() => createNuclioHandlerFromEnv({ SIMPLECLICK_THREADS: 'many' })).toThrow(InvalidArgumentError);
    expect(() => createNuclioHandlerFromEnv({ SIMPLECLICK_THREADS: '0' })).toThrow(/SIMPLECLICK_THREADS/);
  });
});

describe('interactorSettingsFromEnv', () => {
  it('reads the deployment settings, defaults for unset or empty variables', () => {
    expect(interactorSettingsFromEnv({})).toEqual({
      modelPath: '/opt/nuclio/model.onnx',
      options: { predictor: undefined, model: undefined, interactor: expect.any(Object) },
    });
    const settings = interactorSettingsFromEnv({
      SIMPLECLICK_MODEL: '/models/x.onnx',
      SIMPLECLICK_PRESET: 'parity',
      SIMPLECLICK_THREADS: '2',
      SIMPLECLICK_REPLAY_ORDER: 'positives-first',
      SIMPLECLICK_MAX_PIXELS: '1000000',
      SIMPLECLICK_IMAGE_CACHE_MB: '1.5',
      SIMPLECLICK_STATE_CACHE_MB: '',
    });
    expect(settings).toEqual({
      modelPath: '/models/x.onnx',
      options: {
        predictor: { preset: 'parity' },
        model: { intraOpNumThreads: 2 },
        interactor: {
          replayOrder: 'positives-first',
          maxPixels: 1_000_000,
          maxImageCacheBytes: 1.5 * 1024 * 1024,
          maxStateCacheBytes: undefined,
        },
      },
    });
    expect(() => interactorSettingsFromEnv({ SIMPLECLICK_PRESET: 'fast' })).toThrow(/SIMPLECLICK_PRESET/);
    expect(() => interactorSettingsFromEnv({ SIMPLECLICK_REPLAY_ORDER: 'random' })).toThrow(/SIMPLECLICK_REPLAY_ORDER/);
    expect(() => interactorSettingsFromEnv({ SIMPLECLICK_MAX_PIXELS: '2.5' })).toThrow(/SIMPLECLICK_MAX_PIXELS/);
    expect(interactorSettingsFromEnv({ SIMPLECLICK_EXECUTION_PROVIDERS: 'cuda, cpu' }).options.model).toEqual({
      executionProviders: ['cuda', 'cpu'],
    });
    expect(() => interactorSettingsFromEnv({ SIMPLECLICK_EXECUTION_PROVIDERS: 'cu da' })).toThrow(
      /SIMPLECLICK_EXECUTION_PROVIDERS/,
    );
  });
});
