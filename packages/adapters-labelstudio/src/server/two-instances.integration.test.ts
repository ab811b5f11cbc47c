import { decodeLabelStudioBrushRle } from '@simpleclick/core/formats';
import { type BinaryMask, type Click } from '@simpleclick/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLabelStudio, type FakeLabelStudio } from '../test-support/fake-label-studio';
import { createFakeModel, keypointRegion, makeTestImage } from '../test-support/fake-model';
import { png } from '../test-support/test-images';
import { serve, type RunningBackend } from './serve';

// Issue 9 item 5: several replicas behind Label Studio. Each click of one object goes to the other instance than
// the click before it; the masks must be those of one instance answering every click (the caches only save
// work). The weightless model's mask depends on the whole click history (previous mask input), so a replica that
// skipped a click or started from the wrong state would differ.

const WIDTH = 96;
const HEIGHT = 72;
const scene = makeTestImage(WIDTH, HEIGHT);
const clicks: Click[] = [
  { xPx: 40, yPx: 30, isPositive: true },
  { xPx: 60, yPx: 40, isPositive: true },
  { xPx: 50, yPx: 36, isPositive: false },
  { xPx: 20, yPx: 20, isPositive: true },
  { xPx: 70, yPx: 60, isPositive: false },
];
const pct = (px: number, size: number) => ((px + 0.5) / size) * 100;
const regions = (count: number) =>
  clicks
    .slice(0, count)
    .map((click) => keypointRegion(pct(click.xPx, WIDTH), pct(click.yPx, HEIGHT), click.isPositive, WIDTH, HEIGHT));

describe('two backend instances answering alternate clicks of one object', () => {
  let labelStudio: FakeLabelStudio;
  let single: RunningBackend;
  let replicas: RunningBackend[];

  beforeAll(async () => {
    labelStudio = await startFakeLabelStudio({ legacyKey: 'k', files: { '/data/upload/1/scene.png': png(scene) } });
    const start = () =>
      serve({
        model: async () => createFakeModel(),
        host: '127.0.0.1',
        port: 0,
        labelStudio: { url: labelStudio.url, apiKey: 'k' },
      });
    single = await start();
    replicas = [await start(), await start()];
  });
  afterAll(async () => {
    await Promise.all([single, ...replicas].map((running) => running?.close(0)));
    await labelStudio?.close();
  });

  async function maskFrom(running: RunningBackend, count: number): Promise<BinaryMask> {
    const response = await fetch(`${running.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tasks: [{ id: 4, data: { image: '/data/upload/1/scene.png' } }],
        project: '1.1700000000',
        label_config: (await import('../test-support/fake-model')).BRUSH_CONFIG,
        params: { context: { result: regions(count) } },
      }),
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { results: { result: { value: { rle: number[] } }[] }[] };
    return decodeLabelStudioBrushRle(json.results[0].result[0].value.rle, WIDTH, HEIGHT);
  }

  it('gives the same mask after every click as one instance', async () => {
    for (let count = 1; count <= clicks.length; count++) {
      const expected = await maskFrom(single, count);
      const alternate = await maskFrom(replicas[count % 2], count);
      expect([count, alternate]).toEqual([count, expected]);
    }
    // The single instance ran the model once per click; each replica replayed what it had not seen.
    expect((await (await fetch(`${single.url}/metrics`)).json()).modelRuns).toBe(clicks.length);
    const replicaRuns = await Promise.all(
      replicas.map(async (running) => (await (await fetch(`${running.url}/metrics`)).json()).modelRuns),
    );
    expect(replicaRuns[0] + replicaRuns[1]).toBeGreaterThan(clicks.length);
  });
});
