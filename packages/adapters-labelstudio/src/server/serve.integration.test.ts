import { ClickPredictor, type BinaryMask, type Click, type RgbImage } from '@simpleclick/core';
import { decodeLabelStudioBrushRle } from '@simpleclick/core/formats';
import { createNodeModel, decodeImageBytes } from '@simpleclick/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelStudioAuth } from '../images/label-studio-auth';
import { makeJwt, startFakeLabelStudio, type FakeLabelStudio } from '../test-support/fake-label-studio';
import { createFakeModel, keypointRegion, makeTestImage, predictBody } from '../test-support/fake-model';
import {
  HAVE_DEFAULT_MODEL,
  jpegWithExifRotation,
  NO_MODEL_MESSAGE,
  png,
  pngDeclaringSize,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
} from '../test-support/test-images';
import { serve, type RunningBackend } from './serve';

// Real HTTP end to end: Label Studio is a fake server on 127.0.0.1 (test-support/fake-label-studio.ts) that
// serves task images only with the right token, presigns cloud URIs by redirecting to a second host, and
// exchanges personal access tokens. The main backend runs the embedded untrained model: its masks mean nothing,
// so they are compared with the SDK's predictor run directly on the same clicks, never judged.

const LEGACY_KEY = 'legacy-0123456789abcdef';
const scene = makeTestImage(96, 72);
const sceneTwo = makeTestImage(64, 80, [20, 60]);

interface HttpAnswer {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

async function call(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? {} : JSON.parse(text) };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const pct = (px: number, size: number) => ((px + 0.5) / size) * 100;
const regionsOf = (source: RgbImage, clicks: readonly Click[]) =>
  clicks.map((click) =>
    keypointRegion(
      pct(click.xPx, source.width),
      pct(click.yPx, source.height),
      click.isPositive,
      source.width,
      source.height,
    ),
  );

describe.skipIf(!HAVE_DEFAULT_MODEL)('ML backend over HTTP with the embedded model', () => {
  let labelStudio: FakeLabelStudio;
  let running: RunningBackend;
  let reference: ClickPredictor;

  beforeAll(async () => {
    labelStudio = await startFakeLabelStudio({
      legacyKey: LEGACY_KEY,
      files: {
        '/data/upload/1/scene.png': png(scene),
        '/data/upload/1/scene-two.png': png(sceneTwo),
        '/data/upload/1/corrupt.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]),
        '/data/upload/1/huge.png': pngDeclaringSize(30_000, 30_000),
      },
      cloudObjects: { 's3://bucket/scene.png': '/bucket/scene.png' },
      otherFiles: { '/bucket/scene.png': png(scene), '/public/scene.png': png(scene) },
    });
    running = await serve({
      model: DEFAULT_MODEL_PATH,
      host: '127.0.0.1',
      port: 0,
      labelStudio: { url: labelStudio.url, apiKey: LEGACY_KEY },
      // The "other" host stands for a public image host; it is on 127.0.0.1 here, so it must be allowed.
      allowedHosts: [new URL(labelStudio.otherUrl).host],
      runtime: { intraOpNumThreads: 2 },
      preloadModel: false,
      maxRequestBytes: 256 * 1024,
    });
    reference = await ClickPredictor.create(await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 2 }));
  });
  afterAll(async () => {
    await running?.close();
    await reference?.close();
    await labelStudio?.close();
  });

  async function referenceMask(source: RgbImage, clicks: readonly Click[]): Promise<BinaryMask> {
    let state;
    let result;
    for (let count = 1; count <= clicks.length; count++) {
      result = await reference.predict(source, clicks.slice(0, count), state);
      state = result.state;
    }
    return (result as NonNullable<typeof result>).toMask();
  }

  /** The mask a /predict answer stands for: its brush region decoded, or an empty mask when it has no region. */
  function answeredMask(answer: HttpAnswer, width: number, height: number): BinaryMask {
    expect(answer.status).toBe(200);
    expect(answer.json.results).toHaveLength(1);
    const prediction = answer.json.results[0];
    expect(prediction.model_version).toBe(DEFAULT_MODEL_NAME);
    if (prediction.result.length === 0) return { width, height, data: new Uint8Array(width * height) };
    const [region] = prediction.result;
    expect(region).toMatchObject({
      type: 'brushlabels',
      from_name: 'tag',
      to_name: 'image',
      original_width: width,
      original_height: height,
      image_rotation: 0,
      readonly: false,
      value: { format: 'rle', brushlabels: ['Orange'] },
    });
    expect(region.score).toBeGreaterThanOrEqual(0);
    expect(region.score).toBeLessThanOrEqual(1);
    return decodeLabelStudioBrushRle(region.value.rle, width, height);
  }

  // Label Studio calls /setup with a short time limit when a backend is connected: neither call may load the model.
  it('/health and /setup answer with the model version without loading the model', async () => {
    const health = await call(`${running.url}/health`);
    expect(health.status).toBe(200);
    expect(health.json).toEqual({
      status: 'UP',
      model_class: 'SimpleClickBackend',
      model_version: DEFAULT_MODEL_NAME,
      model_state: 'not-loaded',
    });
    const setup = await post(`${running.url}/setup`, {
      project: '1.1700000000',
      schema: '<View/>',
      hostname: labelStudio.url,
      access_token: 'ignored',
      extra_params: {},
    });
    expect(setup.status).toBe(200);
    expect(setup.json).toEqual({ model_version: DEFAULT_MODEL_NAME });
    expect((await call(`${running.url}/`)).json.model_state).toBe('not-loaded');
    expect((await post(`${running.url}/webhook`, { action: 'ANNOTATION_CREATED', project: { id: 1 } })).status).toBe(
      201,
    );
  });

  it('interactive clicks: the answer decodes to the predictor mask; one more click runs the model once', async () => {
    const clicks: Click[] = [
      { xPx: 48, yPx: 36, isPositive: true },
      { xPx: 10, yPx: 60, isPositive: false },
    ];
    const image = '/data/upload/1/scene.png';
    const first = await post(
      `${running.url}/predict`,
      predictBody(image, regionsOf(scene, clicks.slice(0, 1)), { taskId: 5 }),
    );
    expect(answeredMask(first, 96, 72)).toEqual(await referenceMask(scene, clicks.slice(0, 1)));
    const runsBefore = (await call(`${running.url}/metrics`)).json.modelRuns;
    const second = await post(`${running.url}/predict`, predictBody(image, regionsOf(scene, clicks), { taskId: 5 }));
    expect(answeredMask(second, 96, 72)).toEqual(await referenceMask(scene, clicks));
    const metrics = (await call(`${running.url}/metrics`)).json;
    expect(metrics.modelRuns - runsBefore).toBe(1);
    expect(metrics.imageFetches).toBe(1); // the image was downloaded once for both requests
    const downloads = labelStudio.requests.filter(
      (request) => request.url === '/storage-data/uploaded/?filepath=upload/1/scene.png',
    );
    expect(downloads).toHaveLength(1);
    expect(downloads[0].authorization).toBe(`Token ${LEGACY_KEY}`);
    expect((await call(`${running.url}/health`)).json.model_state).toBe('ready');
  });

  it('works behind a path prefix', async () => {
    const clicks: Click[] = [{ xPx: 30, yPx: 20, isPositive: true }];
    const answer = await post(
      `${running.url}/ml/simpleclick/predict`,
      predictBody('/data/upload/1/scene.png', regionsOf(scene, clicks)),
    );
    expect(answeredMask(answer, 96, 72)).toEqual(await referenceMask(scene, clicks));
    expect((await call(`${running.url}/ml/simpleclick/health`)).json.status).toBe('UP');
  });

  it('concurrent requests for two tasks each get their own mask', async () => {
    const clicksOne: Click[] = [{ xPx: 70, yPx: 10, isPositive: true }];
    const clicksTwo: Click[] = [
      { xPx: 20, yPx: 60, isPositive: true },
      { xPx: 50, yPx: 20, isPositive: false },
    ];
    const [one, two] = await Promise.all([
      post(
        `${running.url}/predict`,
        predictBody('/data/upload/1/scene.png', regionsOf(scene, clicksOne), { taskId: 11 }),
      ),
      post(
        `${running.url}/predict`,
        predictBody('/data/upload/1/scene-two.png', regionsOf(sceneTwo, clicksTwo), { taskId: 12 }),
      ),
    ]);
    expect(answeredMask(one, 96, 72)).toEqual(await referenceMask(scene, clicksOne));
    expect(answeredMask(two, 64, 80)).toEqual(await referenceMask(sceneTwo, clicksTwo));
  });

  it('cloud URIs are presigned by Label Studio; the bucket host never receives the token', async () => {
    const clicks: Click[] = [{ xPx: 50, yPx: 40, isPositive: true }];
    const answer = await post(
      `${running.url}/predict`,
      predictBody('s3://bucket/scene.png', regionsOf(scene, clicks), { taskId: 7 }),
    );
    expect(answeredMask(answer, 96, 72)).toEqual(await referenceMask(scene, clicks));
    const presign = labelStudio.requests.filter((request) => request.url.startsWith('/tasks/7/presign/'));
    expect(presign).toHaveLength(1);
    expect(presign[0].authorization).toBe(`Token ${LEGACY_KEY}`);
    const bucket = labelStudio.requests.filter(
      (request) => request.host === 'other' && request.url.startsWith('/bucket/'),
    );
    expect(bucket).toHaveLength(1);
    expect(bucket[0].authorization).toBeUndefined();

    // A plain URL on another host gets no token either.
    const direct = await post(
      `${running.url}/predict`,
      predictBody(`${labelStudio.otherUrl}/public/scene.png`, regionsOf(scene, clicks)),
    );
    expect(direct.status).toBe(200);
    const publicRequests = labelStudio.requests.filter(
      (request) => request.host === 'other' && request.url === '/public/scene.png',
    );
    expect(publicRequests).toHaveLength(1);
    expect(publicRequests[0].authorization).toBeUndefined();
  });

  it('bad requests and bad images get JSON errors with fitting statuses, and the server keeps serving', async () => {
    const predictUrl = `${running.url}/predict`;
    const click = regionsOf(scene, [{ xPx: 5, yPx: 5, isPositive: true }]);
    const cases: [string, Promise<HttpAnswer>, number, string, RegExp][] = [
      ['malformed JSON', post(predictUrl, '{"tasks": [', {}), 400, 'BAD_REQUEST', /not valid JSON/],
      ['empty body', post(predictUrl, ''), 400, 'BAD_REQUEST', /empty/],
      ['no tasks', post(predictUrl, { label_config: '<View/>' }), 400, 'BAD_REQUEST', /"tasks" must be an array/],
      [
        'missing image file',
        post(predictUrl, predictBody('/data/upload/1/missing.png', click)),
        502,
        'IMAGE_FETCH',
        /HTTP 404/,
      ],
      [
        'unreachable host',
        post(predictUrl, predictBody('http://127.0.0.1:9/x.png', click)),
        502,
        'IMAGE_FETCH',
        /not reachable/,
      ],
      [
        'corrupt image',
        post(predictUrl, predictBody('/data/upload/1/corrupt.png', click)),
        422,
        'INVALID_IMAGE',
        /png/i,
      ],
      [
        'huge image',
        post(predictUrl, predictBody('/data/upload/1/huge.png', click)),
        422,
        'IMAGE_TOO_LARGE',
        /30000 x 30000/,
      ],
      [
        'body too large',
        post(predictUrl, { padding: 'x'.repeat(300 * 1024) }),
        413,
        'PAYLOAD_TOO_LARGE',
        /larger than/,
      ],
      ['unknown path', call(`${running.url}/train`), 404, 'NOT_FOUND', /no endpoint/],
      ['wrong method', call(predictUrl), 405, 'METHOD_NOT_ALLOWED', /use POST/],
    ];
    for (const [name, pending, status, code, message] of cases) {
      const answer = await pending;
      expect([name, answer.status]).toEqual([name, status]);
      expect(answer.headers.get('content-type')).toMatch(/application\/json/);
      expect(answer.json.status).toBe('error');
      expect(answer.json.code).toBe(code);
      expect(answer.json.error).toMatch(message);
    }
    expect((await call(predictUrl)).headers.get('allow')).toBe('POST');
    expect((await call(`${running.url}/health`)).status).toBe(200);
  });
});

if (!HAVE_DEFAULT_MODEL) {
  describe('ML backend over HTTP with the embedded model', () => {
    it.skip(NO_MODEL_MESSAGE, () => undefined);
  });
}

describe('ML backend over HTTP: authentication and orientation (weightless model)', () => {
  const PAT = makeJwt({ token_type: 'refresh', exp: Math.floor(Date.now() / 1000) + 3600, jti: 'pat' });
  let labelStudio: FakeLabelStudio;
  let running: RunningBackend;
  let rotatedJpeg: Uint8Array;

  beforeAll(async () => {
    rotatedJpeg = await jpegWithExifRotation(scene);
    labelStudio = await startFakeLabelStudio({
      personalAccessToken: PAT,
      files: {
        '/data/upload/2/a.png': png(scene),
        '/data/upload/2/b.png': png(sceneTwo),
        '/data/upload/2/c.png': png(makeTestImage(40, 30)),
        '/data/local-files/?d=photos/rotated.jpg': rotatedJpeg,
      },
    });
    running = await serve({
      model: async () => createFakeModel(),
      modelVersion: 'fake',
      host: '127.0.0.1',
      port: 0,
      labelStudio: { url: labelStudio.url, personalAccessToken: PAT },
      basicAuth: { username: 'ls', password: 's3cret:x' },
    });
  });
  afterAll(async () => {
    await running?.close();
    await labelStudio?.close();
  });

  const basic = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
  const goodAuth = basic('ls:s3cret:x');

  it('HTTP Basic auth guards every endpoint', async () => {
    const none = await call(`${running.url}/health`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(none.json.code).toBe('UNAUTHORIZED');
    expect((await call(`${running.url}/health`, { headers: basic('ls:wrong') })).status).toBe(401);
    expect((await post(`${running.url}/setup`, { project: '1.1' })).status).toBe(401);
    expect((await call(`${running.url}/health`, { headers: goodAuth })).status).toBe(200);
  });

  it('a personal access token is exchanged once for a Bearer token, and refreshed after a 401', async () => {
    const predict = (image: string) =>
      post(
        `${running.url}/predict`,
        predictBody(image, regionsOf(scene, [{ xPx: 5, yPx: 5, isPositive: true }])),
        goodAuth,
      );
    expect((await predict('/data/upload/2/a.png')).status).toBe(200);
    expect((await predict('/data/upload/2/b.png')).status).toBe(200);
    expect(labelStudio.issuedAccessTokens).toHaveLength(1);
    const downloads = labelStudio.requests.filter((request) => /upload\/2\/[ab]\.png$/.test(request.url));
    expect(downloads.map((request) => request.authorization)).toEqual([
      `Bearer ${labelStudio.issuedAccessTokens[0]}`,
      `Bearer ${labelStudio.issuedAccessTokens[0]}`,
    ]);
    const refreshes = labelStudio.requests.filter((request) => request.url === '/api/token/refresh/');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].authorization).toBeUndefined(); // the PAT travels in the body only

    labelStudio.revokeAccessTokens();
    expect((await predict('/data/upload/2/c.png')).status).toBe(200);
    expect(labelStudio.issuedAccessTokens).toHaveLength(2);
    const retried = labelStudio.requests.filter((request) => request.url.endsWith('upload/2/c.png'));
    expect(retried.map((request) => request.authorization)).toEqual([
      `Bearer ${labelStudio.issuedAccessTokens[0]}`,
      `Bearer ${labelStudio.issuedAccessTokens[1]}`,
    ]);
    expect((await call(`${running.url}/metrics`, { headers: goodAuth })).json.tokenRefreshes).toBe(2);
  });

  it('EXIF orientation is applied: the mask has the displayed (rotated) size', async () => {
    const decoded = await decodeImageBytes(rotatedJpeg);
    expect([decoded.width, decoded.height]).toEqual([scene.height, scene.width]);
    const clicks: Click[] = [{ xPx: 30, yPx: 20, isPositive: true }];
    const answer = await post(
      `${running.url}/predict`,
      predictBody('/data/local-files/?d=photos/rotated.jpg', regionsOf(decoded, clicks)),
      goodAuth,
    );
    expect(answer.status).toBe(200);
    const region = answer.json.results[0].result[0];
    expect([region.original_width, region.original_height]).toEqual([72, 96]);
    expect(decodeLabelStudioBrushRle(region.value.rle, 72, 96).data[20 * 72 + 30]).toBe(1);
  });
});

describe('LabelStudioAuth against the fake Label Studio', () => {
  it('refreshes an access token that is about to expire, once for concurrent callers', async () => {
    const pat = makeJwt({ token_type: 'refresh', jti: 'p2' });
    const labelStudio = await startFakeLabelStudio({ personalAccessToken: pat, accessLifetimeS: 5 });
    try {
      // Tokens live 5 s and are refreshed 30 s before expiry: every use needs a fresh one.
      const auth = new LabelStudioAuth({ url: labelStudio.url, apiKey: pat }, { refreshMarginMs: 30_000 });
      const target = new URL(`${labelStudio.url}/data/upload/1/a.png`);
      const concurrent = await Promise.all([
        auth.authorizationFor(target),
        auth.authorizationFor(target),
        auth.authorizationFor(target),
      ]);
      expect(new Set(concurrent).size).toBe(1);
      expect(labelStudio.issuedAccessTokens).toHaveLength(1);
      expect(concurrent[0]).toBe(`Bearer ${labelStudio.issuedAccessTokens[0]}`);
      await auth.authorizationFor(target);
      expect(labelStudio.issuedAccessTokens).toHaveLength(2);
      // Another origin never triggers a refresh nor gets a header.
      expect(await auth.authorizationFor(new URL(`${labelStudio.otherUrl}/x.png`))).toBeUndefined();
      expect(labelStudio.issuedAccessTokens).toHaveLength(2);

      const wrong = new LabelStudioAuth({ url: labelStudio.url, personalAccessToken: makeJwt({ jti: 'wrong' }) });
      await expect(wrong.authorizationFor(target)).rejects.toThrow(/refused the personal access token .*HTTP 401/);
    } finally {
      await labelStudio.close();
    }
  });
});
