import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidFormatError } from '../errors';
import { labelConnectedComponents } from '../mask/connected-components';
import type { Polygon, Ring } from './polygon';
import { polygonAreaPx, polygonVertexCount, ringSignedAreaPx, ringToFlat } from './polygon';
import { polygonToPercent, ringFromPercent, ringToPercent } from './polygon-percent';
import { rasterizePolygons } from './rasterize-polygons';
import { ringVertexImportance, simplifyPolygon, simplifyRing } from './simplify-polygon';
import { traceMaskPolygons } from './trace-mask-polygons';
import { maskToPolygons } from './mask-to-polygons';
import { firstDifference, maskFromRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

describe('traceMaskPolygons', () => {
  it('traces a pixel as a clockwise unit square with corners on pixel corners', () => {
    const polygons = traceMaskPolygons(maskFromRows(['000', '010']));
    expect(polygons).toEqual([
      {
        outer: [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
        ],
        holes: [],
      },
    ]);
    expect(ringSignedAreaPx(polygons[0].outer)).toBe(1);
  });

  it('nests holes and islands inside holes', () => {
    const mask = maskFromRows([
      '111111111',
      '100000001',
      '101111101',
      '101000101',
      '101010101',
      '101000101',
      '101111101',
      '100000001',
      '111111111',
    ]);
    const polygons = traceMaskPolygons(mask);
    expect(polygons).toEqual([
      {
        outer: [
          [0, 0],
          [9, 0],
          [9, 9],
          [0, 9],
        ],
        holes: [
          [
            [1, 1],
            [1, 8],
            [8, 8],
            [8, 1],
          ],
        ],
      },
      {
        outer: [
          [2, 2],
          [7, 2],
          [7, 7],
          [2, 7],
        ],
        holes: [
          [
            [3, 3],
            [3, 6],
            [6, 6],
            [6, 3],
          ],
        ],
      },
      {
        outer: [
          [4, 4],
          [5, 4],
          [5, 5],
          [4, 5],
        ],
        holes: [],
      },
    ]);
    expect(ringSignedAreaPx(polygons[0].holes[0])).toBe(-49);
    expect(polygons.map(polygonAreaPx)).toEqual([32, 16, 1]);
    expect(rasterizePolygons(polygons, 9, 9).data).toEqual(mask.data);
  });

  it('joins diagonal pixels through the shared corner with 8-connectivity, separates them with 4', () => {
    const mask = maskFromRows(['10', '01']);
    const eight = traceMaskPolygons(mask, { connectivity: 8 });
    expect(eight).toEqual([
      {
        outer: [
          [0, 0],
          [1, 0],
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
          [1, 1],
          [0, 1],
        ],
        holes: [],
      },
    ]);
    const four = traceMaskPolygons(mask, { connectivity: 4 });
    expect(four).toHaveLength(2);
    expect(four[1].outer).toEqual([
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ]);
  });

  it('takes holes with the other connectivity: a hole touching the outside at a corner', () => {
    // The centre pixel touches the background outside only through the corner at (2, 2).
    const mask = maskFromRows(['111', '101', '110']);
    const [eight] = traceMaskPolygons(mask, { connectivity: 8 });
    expect(eight.holes).toEqual([
      [
        [1, 1],
        [1, 2],
        [2, 2],
        [2, 1],
      ],
    ]); // 4-connected background: a hole
    const [four] = traceMaskPolygons(mask, { connectivity: 4 });
    expect(four.holes).toHaveLength(0); // 8-connected background: open to the outside
    expect(four.outer).toHaveLength(10);
  });

  it('reproduces random masks exactly when rasterised (both connectivities and fill rules)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 60; trial++) {
      const width = 1 + Math.floor(random() * 48);
      const height = 1 + Math.floor(random() * 48);
      const mask = randomMask(random, width, height, random(), trial % 3 !== 0);
      for (const connectivity of [4, 8] as const) {
        const polygons = traceMaskPolygons(mask, { connectivity });
        expect(polygons).toHaveLength(labelConnectedComponents(mask, { connectivity }).count);
        for (const polygon of polygons) {
          expect(ringSignedAreaPx(polygon.outer)).toBeGreaterThan(0);
          for (const hole of polygon.holes) expect(ringSignedAreaPx(hole)).toBeLessThan(0);
        }
        for (const fillRule of ['evenodd', 'nonzero'] as const) {
          expect(firstDifference(rasterizePolygons(polygons, width, height, { fillRule }).data, mask.data)).toBe(-1);
        }
      }
    }
  });
});

describe('rasterizePolygons', () => {
  it('sets pixels whose centre is inside; left edges in, right edges out', () => {
    const triangle: Polygon = {
      outer: [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
      holes: [],
    };
    const mask = rasterizePolygons([triangle], 4, 4);
    // Centres (c+0.5, r+0.5) with c + r + 1 < 4; c + r + 1 = 4 lies on the hypotenuse (a right edge): out.
    expect(Array.from(mask.data)).toEqual([1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('differs between even-odd and nonzero for overlapping same-direction rings', () => {
    const square = (x: number, y: number, size: number): Ring => [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
    ];
    const polygons: Polygon[] = [
      { outer: square(0, 0, 4), holes: [] },
      { outer: square(1, 1, 2), holes: [] },
    ];
    expect(rasterizePolygons(polygons, 4, 4, { fillRule: 'nonzero' }).data.every((v) => v === 1)).toBe(true);
    expect(rasterizePolygons(polygons, 4, 4, { fillRule: 'evenodd' }).data[5]).toBe(0);
  });

  it('clips to the image and validates input', () => {
    const big: Polygon = {
      outer: [
        [-5, -5],
        [50, -5],
        [50, 50],
        [-5, 50],
      ],
      holes: [],
    };
    expect(rasterizePolygons([big], 3, 2).data.every((v) => v === 1)).toBe(true);
    expect(() => rasterizePolygons([{ outer: [[0, NaN]], holes: [] }], 3, 2)).toThrow(InvalidFormatError);
    expect(() => rasterizePolygons([], -1, 2)).toThrow(InvalidArgumentError);
  });
});

/** Distance from a point to a segment. */
function pointSegmentDistance(
  [px, py]: readonly number[],
  [ax, ay]: readonly number[],
  [bx, by]: readonly number[],
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Every dropped vertex lies within epsilon of the simplified edge that replaces it (the Douglas-Peucker bound). */
function expectWithinTolerance(original: Ring, simplified: Ring, epsilonPx: number): void {
  // simplifyRing keeps the original point objects; identity tells rings that visit a corner twice apart.
  const kept = new Set(simplified);
  const keptIndices = original.map((p, i) => (kept.has(p) ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < keptIndices.length; k++) {
    const a = keptIndices[k];
    const b = keptIndices[(k + 1) % keptIndices.length];
    for (let i = (a + 1) % original.length; i !== b; i = (i + 1) % original.length) {
      expect(pointSegmentDistance(original[i], original[a], original[b])).toBeLessThanOrEqual(epsilonPx + 1e-9);
    }
  }
}

describe('simplifyPolygon', () => {
  const random = seededRandom(11);
  const blobs = Array.from({ length: 12 }, () => randomMask(random, 60, 50, 0.2, true));
  const polygons = blobs.flatMap((mask) => traceMaskPolygons(mask)).filter((p) => p.outer.length > 8);

  it('changes nothing at epsilon 0 on traced rings (they hold only corners)', () => {
    for (const polygon of polygons) expect(simplifyPolygon(polygon, { epsilonPx: 0 })).toEqual(polygon);
  });

  it('keeps every dropped vertex within epsilon and at least 3 vertices per ring', () => {
    for (const polygon of polygons) {
      for (const epsilonPx of [0.5, 1, 2.5, 10, 1000]) {
        const simplified = simplifyRing(polygon.outer, epsilonPx);
        expect(simplified.length).toBeGreaterThanOrEqual(3);
        expectWithinTolerance(polygon.outer, simplified, epsilonPx);
      }
    }
  });

  it('respects vertex budgets with the smallest tolerance that meets them', () => {
    expect(polygons.length).toBeGreaterThan(5);
    for (const polygon of polygons) {
      const total = polygonVertexCount(polygon);
      for (const maxVertices of [3, 4, 5, 8, 13, 21, 50, total, total + 10]) {
        const simplified = simplifyPolygon(polygon, { maxVertices });
        const count = polygonVertexCount(simplified);
        expect(count).toBeLessThanOrEqual(maxVertices);
        if (maxVertices >= total) expect(simplified).toEqual(polygon);
        if (simplified.holes.length === polygon.holes.length) {
          // One more vertex was not possible: the next-larger tolerance step would exceed the budget.
          const importances = [polygon.outer, ...polygon.holes].flatMap((ring) =>
            Array.from(ringVertexImportance(ring)),
          );
          const kept = importances.filter((v) => v === Infinity).length;
          const finite = importances.filter((v) => v !== Infinity).sort((a, b) => b - a);
          const allowed = maxVertices - kept;
          if (finite.length > allowed) {
            const threshold = finite[allowed];
            expect(count).toBe(kept + finite.filter((v) => v > threshold).length);
          }
        }
      }
    }
  });

  it('drops the smallest holes when the budget cannot hold them', () => {
    const square = (x: number, y: number, size: number, hole: boolean): Ring => {
      const ring: Ring = [
        [x, y],
        [x + size, y],
        [x + size, y + size],
        [x, y + size],
      ];
      return hole ? ring.reverse() : ring;
    };
    const polygon: Polygon = { outer: square(0, 0, 20, false), holes: [square(2, 2, 2, true), square(8, 8, 6, true)] };
    const simplified = simplifyPolygon(polygon, { maxVertices: 8 });
    expect(simplified.holes).toHaveLength(1);
    expect(Math.abs(ringSignedAreaPx(simplified.holes[0]))).toBe(36);
    expect(polygonVertexCount(simplified)).toBe(8);
  });

  it('combines epsilon and budget, and validates options', () => {
    const polygon = polygons[0];
    const byEpsilon = simplifyPolygon(polygon, { epsilonPx: 3 });
    expect(simplifyPolygon(polygon, { epsilonPx: 3, maxVertices: 100000 })).toEqual(byEpsilon);
    expect(() => simplifyPolygon(polygon, { maxVertices: 2 })).toThrow(InvalidArgumentError);
    expect(() => simplifyPolygon(polygon, { epsilonPx: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('percent helpers', () => {
  it('converts to and from Label Studio percent', () => {
    const ring: Ring = [
      [0, 0],
      [640, 0],
      [320, 480],
    ];
    expect(ringToPercent(ring, 640, 480)).toEqual([
      [0, 0],
      [100, 0],
      [50, 100],
    ]);
    expect(ringFromPercent(ringToPercent(ring, 640, 480), 640, 480)).toEqual(ring);
    expect(polygonToPercent({ outer: ring, holes: [ring] }, 640, 480).holes[0][2]).toEqual([50, 100]);
    expect(ringToFlat(ring)).toEqual([0, 0, 640, 0, 320, 480]);
    expect(() => ringToPercent(ring, 0, 480)).toThrow(InvalidArgumentError);
  });
});

describe('maskToPolygons', () => {
  it('traces, drops small polygons and simplifies in one call', () => {
    const random = seededRandom(13);
    const mask = randomMask(random, 80, 60, 0.2, true);
    const exact = maskToPolygons(mask);
    expect(exact).toEqual(traceMaskPolygons(mask));
    const big = maskToPolygons(mask, { minAreaPx: 20 });
    expect(big.every((p) => polygonAreaPx(p) >= 20)).toBe(true);
    expect(big.length).toBeLessThan(exact.length);
    const budget = maskToPolygons(mask, { maxVerticesPerPolygon: 12, epsilonPx: 0.5 });
    expect(budget.every((p) => polygonVertexCount(p) <= 12)).toBe(true);
    expect(() => maskToPolygons(mask, { maxVerticesPerPolygon: 1 })).toThrow(InvalidArgumentError);
    expect(() => maskToPolygons(mask, { minAreaPx: -1 })).toThrow(InvalidArgumentError);
  });
});
