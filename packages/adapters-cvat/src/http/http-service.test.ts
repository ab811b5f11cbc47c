import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickPredictor, type NetInput, type NetOutput } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from '../interactor/cvat-interactor';
import { startCvatHttpService, type RunningCvatHttpService } from './http-service';

/** A fake network that fails like a broken runtime would (a plain Error, not an SDK error). */
class BrokenModel extends ClickEchoModel {
  override async run(_input: NetInput): Promise<NetOutput> {
    throw new Error('onnxruntime exploded');
  }
}

const frame = frameBase64(syntheticFrame(96, 64));
const body = (pos: number[][], neg: number[][] = [], image = frame) =>
  JSON.stringify({ image, pos_points: pos, neg_points: neg });
const MAX_BODY_BYTES = 64 * 1024;

/** A raw request (no Content-Length when `chunks` is given: chunked transfer, as a streaming client sends). */
function rawPost(
  url: string,
  chunks: string[],
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe('HTTP service', () => {
  let service: RunningCvatHttpService;
  let broken: RunningCvatHttpService;
  const log: string[] = [];

  beforeAll(async () => {
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()), {
      ownsPredictor: true,
    });
    service = await startCvatHttpService(
      interactor,
      { port: 0, host: '127.0.0.1' },
      { maxBodyBytes: MAX_BODY_BYTES, log: (line) => log.push(line) },
    );
    const failing = await CvatInteractor.create(await ClickPredictor.create(new BrokenModel()), {
      ownsPredictor: true,
    });
    broken = await startCvatHttpService(failing, { port: 0, host: '127.0.0.1' }, { log: (line) => log.push(line) });
  });

  afterAll(async () => {
    await service?.close();
    await broken?.close();
  });

  it('answers POST / with the mask, bounds and outline, and says how each request was served', async () => {
    const first = await fetch(`${service.url}/`, {
      method: 'POST',
      body: body([[20, 20]]),
      headers: { 'content-type': 'application/json' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('x-simpleclick-interaction')).toBe('replayed');
    const answer = (await first.json()) as { mask: number[][]; bounds: number[]; points: number[][] };
    expect(answer.bounds).toHaveLength(4);
    expect(answer.mask).toHaveLength(answer.bounds[3] - answer.bounds[1] + 1);
    expect(answer.points.length).toBeGreaterThan(3);

    const second = await fetch(`${service.url}/`, { method: 'POST', body: body([[20, 20]], [[70, 40]]) });
    expect(second.status).toBe(200);
    expect(second.headers.get('x-simpleclick-interaction')).toBe('incremental');
    expect(second.headers.get('x-simpleclick-model-runs')).toBe('1');
  });

  it('answers GET /health with the model description', async () => {
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      service: 'simpleclick-cvat',
      predictor: { maskThreshold: 0.49 },
    });
  });

  it('answers malformed requests with 400/404/405 and a JSON error, and keeps serving', async () => {
    const cases: [string, { method: string; body?: string }, number, string][] = [
      ['/', { method: 'POST', body: '{"image": ' }, 400, 'INVALID_FORMAT'],
      ['/', { method: 'POST', body: '' }, 400, 'INVALID_FORMAT'],
      ['/', { method: 'POST', body: '[1, 2]' }, 400, 'INVALID_FORMAT'],
      ['/', { method: 'POST', body: body([[20, 20]], [], 'bm90IGFuIGltYWdl') }, 400, 'INVALID_IMAGE'],
      ['/', { method: 'POST', body: body([[200, 20]]) }, 400, 'INVALID_CLICK'],
      ['/', { method: 'GET' }, 405, 'METHOD_NOT_ALLOWED'],
      ['/predict', { method: 'POST', body: body([[20, 20]]) }, 404, 'NOT_FOUND'],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await fetch(`${service.url}${path}`, init);
      expect(response.status, `${init.method} ${path} ${(init.body ?? '').slice(0, 30)}`).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const after = await fetch(`${service.url}/`, { method: 'POST', body: body([[30, 30]]) });
    expect(after.status).toBe(200);
  });

  it('refuses bodies over the limit with 413, declared or streamed, then serves the next request', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    const declared = await rawPost(`${service.url}/`, [big], { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error.code).toBe('BODY_TOO_LARGE');
    const streamed = await rawPost(`${service.url}/`, [big.slice(0, 40_000), big.slice(40_000)]);
    expect(streamed.status).toBe(413);
    const ok = await rawPost(`${service.url}/`, [body([[40, 30]])]);
    expect(ok.status).toBe(200);
  });

  it('answers an unexpected failure with a 500 that hides the details (they go to the log) and keeps serving', async () => {
    const response = await fetch(`${broken.url}/`, { method: 'POST', body: body([[20, 20]]) });
    expect(response.status).toBe(500);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toMatch(/exploded/);
    expect(log.some((line) => line.includes('onnxruntime exploded'))).toBe(true);
    expect((await fetch(`${broken.url}/health`)).status).toBe(200);
  });
});
