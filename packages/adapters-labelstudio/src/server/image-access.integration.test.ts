import { decodeLabelStudioBrushRle } from '@simpleclick/core/formats';
import { type Click } from '@simpleclick/core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeJwt, startFakeLabelStudio, type FakeLabelStudio } from '../test-support/fake-label-studio';
import { createFakeModel, keypointRegion, makeTestImage, predictBody } from '../test-support/fake-model';
import { png } from '../test-support/test-images';
import { serve, type RunningBackend } from './serve';

// Issue 9 item 3: images reach the backend the ways the upstream ML backend SDK reaches them, against a fake
// Label Studio on 127.0.0.1 that serves uploads where a real one would for each default storage, presigns cloud
// URIs, and accepts either token kind. The weightless model keeps it fast; masks are checked for content only
// (the embedded-model suite compares them with the SDK's predictor).

const scene = makeTestImage(48, 40);
const LEGACY_KEY = 'legacy-abcdef';
const PAT = makeJwt({ token_type: 'refresh', exp: Math.floor(Date.now() / 1000) + 3600, jti: 'pat-1' });
const click: Click = { xPx: 24, yPx: 20, isPositive: true };
const region = () => keypointRegion(((click.xPx + 0.5) / 48) * 100, ((click.yPx + 0.5) / 40) * 100, true, 48, 40);

let labelStudio: FakeLabelStudio | undefined;
let running: RunningBackend | undefined;
afterEach(async () => {
  await running?.close();
  await labelStudio?.close();
  running = undefined;
  labelStudio = undefined;
});

async function predict(image: string, taskId = 1, project = '1.1700000000') {
  const response = await fetch(`${(running as RunningBackend).url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...predictBody(image, [region()], { taskId }), project }),
  });
  const json = (await response.json()) as Record<string, any>;
  return { status: response.status, json };
}

function expectMask(answer: { status: number; json: Record<string, any> }) {
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  const [brush] = answer.json.results[0].result;
  expect(decodeLabelStudioBrushRle(brush.value.rle, 48, 40).data[click.yPx * 48 + click.xPx]).toBe(1);
}

const routes = ['both', 'storage-proxy', 'data-upload'] as const;
const tokens = {
  legacy: { fake: { legacyKey: LEGACY_KEY }, connection: { apiKey: LEGACY_KEY } },
  'personal access token': { fake: { personalAccessToken: PAT }, connection: { personalAccessToken: PAT } },
};

describe('image access as the upstream SDK', () => {
  for (const [tokenKind, token] of Object.entries(tokens)) {
    for (const uploadRoutes of routes) {
      it(`uploaded files with ${tokenKind}, Label Studio serving uploads: ${uploadRoutes}`, async () => {
        labelStudio = await startFakeLabelStudio({
          ...token.fake,
          uploadRoutes,
          files: { '/data/upload/3/scene.png': png(scene) },
        });
        running = await serve({
          model: async () => createFakeModel(),
          host: '127.0.0.1',
          port: 0,
          labelStudio: { url: labelStudio.url, ...token.connection },
        });
        expectMask(await predict('/data/upload/3/scene.png'));
        const media = labelStudio.requests.filter((request) => request.url.includes('upload/3/scene.png'));
        // The storage proxy is always tried first; /data/upload/ only when it answered an error.
        expect(media[0].url).toBe('/storage-data/uploaded/?filepath=upload/3/scene.png');
        expect(media.map((request) => request.url.split('?')[0])).toEqual(
          uploadRoutes === 'data-upload'
            ? ['/storage-data/uploaded/', '/data/upload/3/scene.png']
            : ['/storage-data/uploaded/'],
        );
        for (const request of media)
          expect(request.authorization).toMatch(tokenKind === 'legacy' ? /^Token / : /^Bearer /);
      });
    }

    it(`cloud storage URIs through the presign route, with ${tokenKind}; local-files over HTTP`, async () => {
      labelStudio = await startFakeLabelStudio({
        ...token.fake,
        files: { '/data/local-files/?d=photos/scene.png': png(scene) },
        cloudObjects: {
          's3://b/scene.png': '/b/scene.png',
          'gs://b/scene.png': '/b/scene.png',
          'azure-blob://c/scene.png': '/b/scene.png',
        },
        otherFiles: { '/b/scene.png': png(scene) },
      });
      running = await serve({
        model: async () => createFakeModel(),
        host: '127.0.0.1',
        port: 0,
        labelStudio: { url: labelStudio.url, ...token.connection },
      });
      for (const uri of ['s3://b/scene.png', 'gs://b/scene.png', 'azure-blob://c/scene.png'])
        expectMask(await predict(uri, 9));
      expectMask(await predict('/data/local-files/?d=photos/scene.png'));
      const presigns = labelStudio.requests.filter((request) => request.url.startsWith('/tasks/9/presign/?fileuri='));
      expect(presigns).toHaveLength(3);
      for (const request of presigns)
        expect(request.authorization).toMatch(tokenKind === 'legacy' ? /^Token / : /^Bearer /);
      const bucket = labelStudio.requests.filter((request) => request.host === 'other');
      expect(bucket).toHaveLength(3);
      for (const request of bucket) expect(request.authorization).toBeUndefined();
    });
  }

  it("without a configured Label Studio, /setup's hostname and access_token are used", async () => {
    labelStudio = await startFakeLabelStudio({
      legacyKey: LEGACY_KEY,
      files: { '/data/upload/3/scene.png': png(scene) },
    });
    running = await serve({ model: async () => createFakeModel(), host: '127.0.0.1', port: 0 });
    const before = await predict('/data/upload/3/scene.png');
    expect(before.status).toBe(422);
    expect(before.json.error).toMatch(/--ls-url/);
    const setup = await fetch(`${running.url}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project: '1.1700000000',
        schema: '<View/>',
        hostname: labelStudio.url,
        access_token: LEGACY_KEY,
      }),
    });
    expect(setup.status).toBe(200);
    expectMask(await predict('/data/upload/3/scene.png'));
    expect(labelStudio.requests.find((request) => request.url.includes('upload/3/scene.png'))?.authorization).toBe(
      `Token ${LEGACY_KEY}`,
    );
  });

  it("a configured Label Studio wins: /setup's hostname elsewhere is ignored, its token is never sent to the configured one", async () => {
    labelStudio = await startFakeLabelStudio({
      legacyKey: LEGACY_KEY,
      files: { '/data/upload/3/scene.png': png(scene) },
    });
    running = await serve({
      model: async () => createFakeModel(),
      host: '127.0.0.1',
      port: 0,
      labelStudio: { url: labelStudio.url },
    });
    await fetch(`${running.url}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project: '1.1700000000',
        schema: '<View/>',
        hostname: 'http://elsewhere.example:8080',
        access_token: 'other-token',
      }),
    });
    const answer = await predict('/data/upload/3/scene.png');
    expect(answer.status).toBe(502);
    expect(answer.json.error).toMatch(/HTTP 401.*--ls-api-key/);
    expect(labelStudio.requests.every((request) => request.authorization === undefined)).toBe(true);
    // The same origin as the configured URL: its token fills the missing one.
    await fetch(`${running.url}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project: '1.1700000000',
        schema: '<View/>',
        hostname: `${labelStudio.url}/`,
        access_token: LEGACY_KEY,
      }),
    });
    expectMask(await predict('/data/upload/3/scene.png'));
  });
});
