import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/src/test-support/seeded-random';
import { ClickPredictor } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from '../interactor/cvat-interactor';
import { startCvatHttpService } from './http-service';

// Seeded fuzz (a few seconds): random bytes, random JSON and random point lists at the service. It must never
// crash, answer every request with JSON (200, or an error with a code), leave the caches as a good request left
// them, and keep serving.

describe('HTTP service under random input (seeded)', () => {
  it('answers every request with JSON and a code, changes no cache on errors, and keeps serving', async () => {
    const rand = seededRandom(20261207); // seeded, so a failure replays
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const frame = frameBase64(syntheticFrame(96, 64));
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()), {
      ownsPredictor: true,
    });
    const log: string[] = [];
    const service = await startCvatHttpService(
      interactor,
      { port: 0, host: '127.0.0.1' },
      { maxBodyBytes: 256 * 1024, log: (l) => log.push(l) },
    );
    const number = () => pick([0, -1, 95.9, 96, 1e308, -0.5, rand() * 120 - 10, Number.NaN]);
    const point = () => pick([[number(), number()], [number()], 'x', null, [1, 2, 3], [rand() * 96, rand() * 64]]);
    const points = () => Array.from({ length: Math.floor(rand() * 4) }, point);
    const bodies: (() => string | ArrayBuffer)[] = [
      () => Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)).buffer,
      () => JSON.stringify(pick([null, 1, 'image', [], {}, { image: 7 }, { image: frame }])),
      () =>
        JSON.stringify({
          image: pick([frame, 'AAAA', '!!', frame.slice(0, 200)]),
          pos_points: points(),
          neg_points: points(),
        }),
      () =>
        JSON.stringify({
          image: frame,
          pos_points: points(),
          neg_points: points(),
          obj_bbox: pick([
            null,
            [1, 2],
            [
              [0, 0],
              [40, 30],
            ],
            [200, 200, 300, 300],
          ]),
          threshold: pick([undefined, -1, 0.3, '0.5', 2]),
        }),
    ];
    try {
      await fetch(`${service.url}/`, {
        method: 'POST',
        body: JSON.stringify({ image: frame, pos_points: [[20, 20]], neg_points: [] }),
      });
      for (let i = 0; i < 150; i++) {
        const before = interactor.cacheStats;
        const method = pick(['POST', 'POST', 'POST', 'GET', 'PUT']);
        const path = pick(['/', '/', '/', '/health', '/x']);
        const response = await fetch(
          `${service.url}${path}`,
          method === 'GET' ? { method } : { method, body: pick(bodies)() },
        );
        const answer = (await response.json()) as { error?: { code: string } };
        expect([200, 400, 404, 405, 413], `request ${i}`).toContain(response.status);
        if (response.status !== 200) {
          expect(answer.error?.code, `request ${i}`).toMatch(/^[A-Z_]+$/);
          expect(interactor.cacheStats, `request ${i}`).toEqual(before);
        }
      }
      expect((await fetch(`${service.url}/health`)).status).toBe(200);
      expect(log.every((line) => !line.includes('\n'))).toBe(true);
    } finally {
      await service.close();
    }
  }, 60_000);
});
