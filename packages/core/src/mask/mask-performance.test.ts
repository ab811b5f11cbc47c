/**
 * Timings of the mask operations on a 1920 x 1080 mask. Skipped unless SIMPLECLICK_BENCH=1, since timings on
 * shared CI machines are noisy:  SIMPLECLICK_BENCH=1 npx vitest run packages/core/src/mask/mask-performance
 */
import { describe, expect, it } from 'vitest';
import { cleanUpMask } from './clean-up-mask';
import { decodeCocoRle, encodeCocoRle } from '../formats/coco-rle';
import { labelConnectedComponents } from './connected-components';
import { toCvatInteractorResponse } from '../formats/cvat-interactor-response';
import { decodeCvatMaskRle, encodeCvatMaskRle } from '../formats/cvat-mask-rle';
import { fillHoles } from './fill-holes';
import { keepClickedComponents } from './keep-components';
import { decodeLabelStudioBrushRle, encodeLabelStudioBrushRle } from '../formats/label-studio-brush-rle';
import { encodeMaskPng, encodeProbabilityPng } from '../formats/mask-png';
import { rasterizePolygons } from '../formats/rasterize-polygons';
import { removeIslands } from './remove-islands';
import { simplifyPolygon } from '../formats/simplify-polygon';
import { thresholdProbabilities } from './threshold-probabilities';
import { traceMaskPolygons } from '../formats/trace-mask-polygons';
import { seededRandom } from '../test-support/seeded-random';

const WIDTH = 1920;
const HEIGHT = 1080;

/**
 * A probability map like a network's: a large wobbly object with holes and nearby blobs, smooth, plus noise of
 * amplitude `noise` (0.02: a realistic prediction; 0.3: a stress case with thousands of specks near 0.49).
 */
function makeProbabilities(noise: number) {
  const random = seededRandom(42);
  const data = new Float32Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const dx = (x - 960) / 600;
      const dy = (y - 540) / 380;
      data[y * WIDTH + x] = 1.2 - Math.hypot(dx, dy) * (1 + 0.15 * Math.sin(7 * Math.atan2(dy, dx)));
    }
  }
  for (let k = 0; k < 40; k++) {
    const bx = random() * WIDTH;
    const by = random() * HEIGHT;
    const radius = 10 + random() * 60;
    const sign = random() < 0.3 ? -1 : 1;
    const reach = Math.ceil(1.5 * radius);
    for (let y = Math.max(0, Math.floor(by - reach)); y < Math.min(HEIGHT, by + reach); y++) {
      for (let x = Math.max(0, Math.floor(bx - reach)); x < Math.min(WIDTH, bx + reach); x++) {
        const d = Math.hypot(x - bx, y - by) / radius;
        if (d < 1.5) data[y * WIDTH + x] += sign * (1.5 - d);
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i] + (random() - 0.5) * 2 * noise));
  return { width: WIDTH, height: HEIGHT, data };
}

function time<T>(label: string, run: () => T, results: string[]): T {
  run(); // warm-up (JIT)
  const repeats = 9;
  let best = Infinity;
  let value!: T;
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    value = run();
    best = Math.min(best, performance.now() - start);
  }
  results.push(`${label.padEnd(44)} ${best.toFixed(1).padStart(7)} ms`);
  return value;
}

describe.skipIf(!process.env.SIMPLECLICK_BENCH)('mask operations on 1920 x 1080 (best of 9)', () => {
  it.each([
    ['realistic (smooth, noise 0.02)', 0.02],
    ['stress (noise 0.3)', 0.3],
  ])('prints timings: %s', (name, noise) => {
    const results: string[] = [];
    const probabilities = makeProbabilities(noise);
    const mask = time('thresholdProbabilities', () => thresholdProbabilities(probabilities), results);
    const components = time('labelConnectedComponents (8)', () => labelConnectedComponents(mask), results);
    time('labelConnectedComponents (4)', () => labelConnectedComponents(mask, { connectivity: 4 }), results);
    time(
      'keepClickedComponents',
      () => keepClickedComponents(mask, [{ xPx: 960, yPx: 540, isPositive: true }]),
      results,
    );
    time('removeIslands (<= 100 px)', () => removeIslands(mask, { maxAreaPx: 100 }), results);
    time('fillHoles (all)', () => fillHoles(mask), results);
    time(
      'cleanUpMask (clicked, islands, holes)',
      () =>
        cleanUpMask(mask, {
          keep: 'clicked',
          clicks: [{ xPx: 960, yPx: 540, isPositive: true }],
          removeIslandsMaxAreaPx: 100,
          fillHolesMaxAreaPx: 500,
        }),
      results,
    );
    const polygons = time('traceMaskPolygons', () => traceMaskPolygons(mask), results);
    const vertices = polygons.reduce((sum, p) => sum + p.outer.length + p.holes.reduce((s, h) => s + h.length, 0), 0);
    time(
      'simplifyPolygon x all (epsilon 1 px)',
      () => polygons.map((p) => simplifyPolygon(p, { epsilonPx: 1 })),
      results,
    );
    time(
      'simplifyPolygon x all (<= 100 vertices)',
      () => polygons.map((p) => simplifyPolygon(p, { maxVertices: 100 })),
      results,
    );
    const raster = time('rasterizePolygons (exact rings)', () => rasterizePolygons(polygons, WIDTH, HEIGHT), results);
    expect(raster.data.every((v, i) => v === mask.data[i])).toBe(true);
    const coco = time('encodeCocoRle', () => encodeCocoRle(mask), results);
    time('decodeCocoRle', () => decodeCocoRle(coco), results);
    const brush = time('encodeLabelStudioBrushRle', () => encodeLabelStudioBrushRle(mask), results);
    time('decodeLabelStudioBrushRle', () => decodeLabelStudioBrushRle(brush, WIDTH, HEIGHT), results);
    const cvat = time('encodeCvatMaskRle', () => encodeCvatMaskRle(mask) as number[], results);
    time('decodeCvatMaskRle', () => decodeCvatMaskRle(cvat, WIDTH, HEIGHT), results);
    time('toCvatInteractorResponse', () => toCvatInteractorResponse(mask), results);
    time('encodeMaskPng (8-bit)', () => encodeMaskPng(mask), results);
    time('encodeMaskPng (1-bit)', () => encodeMaskPng(mask, { bitDepth: 1 }), results);
    time('encodeProbabilityPng', () => encodeProbabilityPng(probabilities), results);
    time('encodeProbabilityPng (level 1)', () => encodeProbabilityPng(probabilities, { compressionLevel: 1 }), results);
    console.log(
      [
        `${name}: ${components.count} components, ${polygons.length} polygons, ${vertices} vertices, ` +
          `COCO ${coco.counts.length} chars, brush ${brush.length} bytes, CVAT ${cvat.length} numbers`,
        ...results,
      ].join('\n'),
    );
  });
});
