import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/src/test-support/seeded-random';
import { startFakeLabelStudio, type FakeLabelStudio } from '../test-support/fake-label-studio';
import { BRUSH_CONFIG, createFakeModel, keypointRegion, makeTestImage } from '../test-support/fake-model';
import { png } from '../test-support/test-images';
import { serve, type RunningBackend } from './serve';

// Seeded fuzz (a few seconds): random bytes, random JSON and random click lists at the backend's routes. It must
// never crash, answer every request with JSON (an error with a code when it is not a 2xx), and keep serving: a
// good request after the storm gives the same mask as before it.

/** A JSON value with every `id` field removed. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'id')
      .map(([key, item]) => [key, withoutIds(item)]),
  );
}

const WIDTH = 96;
const HEIGHT = 72;

describe('Label Studio backend under random input (seeded)', () => {
  let labelStudio: FakeLabelStudio;
  let backend: RunningBackend;

  beforeAll(async () => {
    labelStudio = await startFakeLabelStudio({
      legacyKey: 'k',
      files: { '/data/upload/1/scene.png': png(makeTestImage(WIDTH, HEIGHT)) },
    });
    backend = await serve({
      model: async () => createFakeModel(),
      host: '127.0.0.1',
      port: 0,
      labelStudio: { url: labelStudio.url, apiKey: 'k' },
    });
  });
  afterAll(async () => {
    await backend?.close(0);
    await labelStudio?.close();
  });

  const goodRequest = () =>
    JSON.stringify({
      tasks: [{ id: 4, data: { image: '/data/upload/1/scene.png' } }],
      project: '1.1700000000',
      label_config: BRUSH_CONFIG,
      params: { context: { result: [keypointRegion(40, 40, true, WIDTH, HEIGHT)] } },
    });

  it('answers every request with JSON and a code, and keeps serving', async () => {
    const rand = seededRandom(20261207); // seeded, so a failure replays
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const number = () => pick([0, -1, 100, 100.5, 1e308, -0.5, rand() * 120 - 10, Number.NaN, '50', null]);
    const region = () =>
      pick([
        keypointRegion(rand() * 100, rand() * 100, rand() < 0.5, WIDTH, HEIGHT),
        {
          type: 'keypointlabels',
          value: { x: number(), y: number() },
          original_width: number(),
          original_height: number(),
        },
        { type: 'rectanglelabels', value: { x: number(), y: number(), width: number(), height: number() } },
        { type: pick(['brushlabels', 'polygonlabels', 'x', 7]), value: pick([null, {}, [], 'v']) },
        null,
        'region',
      ]);
    const task = () =>
      pick([
        {
          id: 4,
          data: {
            image: pick([
              '/data/upload/1/scene.png',
              '/data/upload/../../api/users',
              'http://127.0.0.1:1/x.png',
              's3://b/k.png',
              '',
              7,
            ]),
          },
        },
        {},
        null,
        { data: null },
      ]);
    const bodies: (() => string | ArrayBuffer)[] = [
      () => Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)).buffer,
      () => JSON.stringify(pick([null, 1, 'tasks', [], {}, { tasks: 7 }, { tasks: [] }])),
      () =>
        JSON.stringify({
          tasks: [task()],
          label_config: pick([BRUSH_CONFIG, '<View/>', '<<', 3]),
          params: { context: { result: Array.from({ length: Math.floor(rand() * 4) }, region) } },
        }),
      () =>
        JSON.stringify({
          tasks: [task(), task()],
          project: pick(['1.1', 'x', null, 1]),
          label_config: BRUSH_CONFIG,
          params: pick([null, {}, { context: null }, { context: { result: 'r' } }]),
        }),
    ];
    const before = await fetch(`${backend.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: goodRequest(),
    });
    expect(before.status).toBe(200);
    const expected = await before.json();
    for (let i = 0; i < 120; i++) {
      const method = pick(['POST', 'POST', 'POST', 'GET', 'PUT']);
      const path = pick(['/predict', '/predict', '/setup', '/webhook', '/health', '/nope']);
      const init =
        method === 'GET'
          ? { method }
          : { method, headers: { 'content-type': 'application/json' }, body: pick(bodies)() };
      const response = await fetch(`${backend.url}${path}`, init);
      const text = await response.text();
      let answer: unknown;
      expect(
        () => (answer = JSON.parse(text)),
        `request ${i} (${method} ${path}) answered ${response.status}: ${text.slice(0, 200)}`,
      ).not.toThrow();
      expect(response.status, `request ${i}`).toBeLessThan(600);
      if (response.status >= 400) {
        const code =
          (answer as { error?: { code?: unknown }; code?: unknown }).error?.code ?? (answer as { code?: unknown }).code;
        expect(typeof code === 'string' && /^[A-Z_]+$/.test(code), `request ${i}: ${text.slice(0, 200)}`).toBe(true);
      }
    }
    expect((await fetch(`${backend.url}/health`)).status).toBe(200);
    const after = await fetch(`${backend.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: goodRequest(),
    });
    expect(after.status).toBe(200);
    // Region ids are fresh random ids in every answer; everything else must be what it was.
    expect(withoutIds(await after.json())).toEqual(withoutIds(expected));
  }, 60_000);
});
