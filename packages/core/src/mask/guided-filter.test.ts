import { describe, expect, it } from 'vitest';
import { boxMean, fastGuidedFilterRgb, guidedFilterGray, guidedFilterRgb } from './guided-filter';

/** Seeded uniform numbers in [0, 1) (a small LCG: the test needs no quality, only repeatability). */
function randomPlane(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32;
  }
  return out;
}

/** The pixels of the window of radius r around (y, x), cut at the border: direct enumeration. */
function windowOf(y: number, x: number, r: number, width: number, height: number): number[] {
  const indices: number[] = [];
  for (let v = Math.max(0, y - r); v <= Math.min(height - 1, y + r); v++) {
    for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) indices.push(v * width + u);
  }
  return indices;
}

function mean(indices: number[], f: (i: number) => number): number {
  let sum = 0;
  for (const i of indices) sum += f(i);
  return sum / indices.length;
}

/** He et al.'s definition written out directly: per window a least-squares fit, then the mean of the fits. */
function naiveGuidedFilterGray(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
): number[] {
  const a: number[] = [];
  const b: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = windowOf(y, x, r, width, height);
      const mi = mean(w, (i) => guide[i]);
      const mp = mean(w, (i) => p[i]);
      const variance = mean(w, (i) => (guide[i] - mi) ** 2);
      const covariance = mean(w, (i) => (guide[i] - mi) * (p[i] - mp));
      a.push(covariance / (variance + eps));
      b.push(mp - a[a.length - 1] * mi);
    }
  }
  const q: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const w = windowOf(y, x, r, width, height);
      q.push(mean(w, (k) => a[k] * guide[i] + b[k]));
    }
  }
  return q;
}

/** Solves the 3 x 3 system m z = v by Gaussian elimination with partial pivoting. */
function solve3(m: number[][], v: number[]): number[] {
  const rows = m.map((row, i) => [...row, v[i]]);
  for (let c = 0; c < 3; c++) {
    let pivot = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(rows[r][c]) > Math.abs(rows[pivot][c])) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot], rows[c]];
    for (let r = c + 1; r < 3; r++) {
      const f = rows[r][c] / rows[c][c];
      for (let k = c; k < 4; k++) rows[r][k] -= f * rows[c][k];
    }
  }
  const z = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = rows[r][3];
    for (let k = r + 1; k < 3; k++) s -= rows[r][k] * z[k];
    z[r] = s / rows[r][r];
  }
  return z;
}

/** Per pixel, the mean over the windows covering it of the colour filter's a (3 values) and b: direct sums. */
function naiveRgbCoefficients(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
): number[][] {
  const n = width * height;
  const channel = (c: number, i: number) => guide[c * n + i];
  const fits: { a: number[]; b: number }[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = windowOf(y, x, r, width, height);
      const mu = [0, 1, 2].map((c) => mean(w, (i) => channel(c, i)));
      const mp = mean(w, (i) => p[i]);
      const sigma = [0, 1, 2].map((c) =>
        [0, 1, 2].map((d) => mean(w, (i) => (channel(c, i) - mu[c]) * (channel(d, i) - mu[d])) + (c === d ? eps : 0)),
      );
      const a = solve3(
        sigma,
        [0, 1, 2].map((c) => mean(w, (i) => (channel(c, i) - mu[c]) * (p[i] - mp))),
      );
      fits.push({ a, b: mp - a[0] * mu[0] - a[1] * mu[1] - a[2] * mu[2] });
    }
  }
  const result: number[][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = windowOf(y, x, r, width, height);
      result.push([0, 1, 2].map((c) => mean(w, (k) => fits[k].a[c])).concat([mean(w, (k) => fits[k].b)]));
    }
  }
  return result;
}

/** He and Sun's fast filter written out: block means, coefficients at low resolution, bilinear back, applied. */
function naiveFastGuidedFilterRgb(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
  s: number,
): number[] {
  const n = width * height;
  const lw = Math.ceil(width / s);
  const lh = Math.ceil(height / s);
  const lowGuide = new Float32Array(3 * lw * lh);
  const lowP = new Float32Array(lw * lh);
  for (let by = 0; by < lh; by++) {
    for (let bx = 0; bx < lw; bx++) {
      const cells: number[] = [];
      for (let y = by * s; y < Math.min(height, (by + 1) * s); y++)
        for (let x = bx * s; x < Math.min(width, (bx + 1) * s); x++) cells.push(y * width + x);
      for (let c = 0; c < 3; c++) lowGuide[c * lw * lh + by * lw + bx] = mean(cells, (i) => guide[c * n + i]);
      lowP[by * lw + bx] = mean(cells, (i) => p[i]);
    }
  }
  const coefficients = naiveRgbCoefficients(lowGuide, lowP, lw, lh, Math.max(1, Math.round(r / s)), eps);
  const at = (x: number, last: number) => Math.min(last, Math.max(0, (x + 0.5) / s - 0.5));
  const q: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const py = at(y, lh - 1);
      const px = at(x, lw - 1);
      const y0 = Math.floor(py);
      const x0 = Math.floor(px);
      const y1 = Math.min(y0 + 1, lh - 1);
      const x1 = Math.min(x0 + 1, lw - 1);
      const fy = py - y0;
      const fx = px - x0;
      const value = (k: number) =>
        (1 - fy) * ((1 - fx) * coefficients[y0 * lw + x0][k] + fx * coefficients[y0 * lw + x1][k]) +
        fy * ((1 - fx) * coefficients[y1 * lw + x0][k] + fx * coefficients[y1 * lw + x1][k]);
      const i = y * width + x;
      q.push(value(0) * guide[i] + value(1) * guide[n + i] + value(2) * guide[2 * n + i] + value(3));
    }
  }
  return q;
}

function naiveGuidedFilterRgb(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
): number[] {
  const n = width * height;
  const channel = (c: number, i: number) => guide[c * n + i];
  const coefficients: { a: number[]; b: number }[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = windowOf(y, x, r, width, height);
      const mu = [0, 1, 2].map((c) => mean(w, (i) => channel(c, i)));
      const mp = mean(w, (i) => p[i]);
      const sigma = [0, 1, 2].map((c) =>
        [0, 1, 2].map((d) => mean(w, (i) => (channel(c, i) - mu[c]) * (channel(d, i) - mu[d])) + (c === d ? eps : 0)),
      );
      const cov = [0, 1, 2].map((c) => mean(w, (i) => (channel(c, i) - mu[c]) * (p[i] - mp)));
      const a = solve3(sigma, cov);
      coefficients.push({ a, b: mp - a[0] * mu[0] - a[1] * mu[1] - a[2] * mu[2] });
    }
  }
  const q: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const w = windowOf(y, x, r, width, height);
      q.push(mean(w, (k) => coefficients[k].a.reduce((s, ak, c) => s + ak * channel(c, i), 0) + coefficients[k].b));
    }
  }
  return q;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tolerance);
}

describe('boxMean', () => {
  it('is the mean over the window cut at the border, for every radius including ones wider than the plane', () => {
    for (const [width, height] of [
      [7, 5],
      [1, 6],
      [9, 1],
      [4, 4],
    ]) {
      const source = randomPlane(width * height, width * 31 + height);
      for (const r of [0, 1, 2, 3, 10]) {
        const out = new Float32Array(width * height);
        boxMean(source, width, height, r, out);
        const expected: number[] = [];
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) expected.push(mean(windowOf(y, x, r, width, height), (i) => source[i]));
        }
        expectClose(out, expected, 1e-6);
      }
    }
  });
});

describe('guidedFilterGray', () => {
  it('matches the direct per-window least-squares definition', () => {
    for (const [width, height, r, eps] of [
      [8, 6, 1, 1e-3],
      [11, 9, 2, 1e-2],
      [5, 13, 3, 1e-4],
      [6, 6, 8, 0.1],
    ] as const) {
      const guide = randomPlane(width * height, 1 + width);
      const p = randomPlane(width * height, 100 + height);
      const out = new Float32Array(width * height);
      guidedFilterGray(guide, p, width, height, { radiusPx: r, eps }, out);
      expectClose(out, naiveGuidedFilterGray(guide, p, width, height, r, eps), 2e-5);
    }
  });

  it('can write over its input', () => {
    const guide = randomPlane(60, 7);
    const p = randomPlane(60, 8);
    const expected = new Float32Array(60);
    guidedFilterGray(guide, p, 10, 6, { radiusPx: 2, eps: 1e-3 }, expected);
    guidedFilterGray(guide, p, 10, 6, { radiusPx: 2, eps: 1e-3 }, p);
    expect(Array.from(p)).toEqual(Array.from(expected));
  });

  it('moves a blurred boundary onto the step edge of the guide', () => {
    // Guide: a vertical step at column 10; probabilities: a ramp from column 6 to 14 (a coarse boundary).
    const width = 20;
    const height = 8;
    const guide = new Float32Array(width * height);
    const p = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        guide[y * width + x] = x >= 10 ? 0.8 : 0.2;
        p[y * width + x] = Math.min(1, Math.max(0, (x - 6) / 8));
      }
    }
    const out = new Float32Array(width * height);
    guidedFilterGray(guide, p, width, height, { radiusPx: 4, eps: 1e-4 }, out);
    const row = 3 * width;
    // Before: a step of 0.125 per column; after: most of the change happens across the guide's edge.
    expect(out[row + 10] - out[row + 9]).toBeGreaterThan(0.5);
    expect(out[row + 8]).toBeLessThan(p[row + 8]);
    expect(out[row + 11]).toBeGreaterThan(p[row + 11]);
  });

  it('rejects bad sizes and parameters', () => {
    const plane = new Float32Array(4);
    expect(() => guidedFilterGray(plane, plane, 2, 2, { radiusPx: -1, eps: 1e-3 }, plane)).toThrow(RangeError);
    expect(() => guidedFilterGray(plane, plane, 2, 2, { radiusPx: 1, eps: 0 }, plane)).toThrow(RangeError);
    expect(() => guidedFilterGray(plane, plane, 3, 2, { radiusPx: 1, eps: 1e-3 }, plane)).toThrow(RangeError);
  });
});

describe('guidedFilterRgb', () => {
  it('matches the direct definition (3 x 3 systems solved by elimination)', () => {
    for (const [width, height, r, eps] of [
      [7, 6, 1, 1e-3],
      [10, 8, 2, 1e-2],
      [4, 9, 3, 1e-4],
    ] as const) {
      const n = width * height;
      const guide = randomPlane(3 * n, 5 + width * height);
      const p = randomPlane(n, 77 + width);
      const out = new Float32Array(n);
      guidedFilterRgb(guide, p, width, height, { radiusPx: r, eps }, out);
      expectClose(out, naiveGuidedFilterRgb(guide, p, width, height, r, eps), 1e-4);
    }
  });

  it('equals the gray filter when the three channels are the same (up to eps per channel)', () => {
    // With R = G = B = I, Sigma + eps U has the eigenvalue 3 var(I) + eps along (1, 1, 1): the RGB filter with eps
    // equals the gray filter on I with eps / 3 (a . I summed over three equal channels).
    const width = 9;
    const height = 7;
    const n = width * height;
    const gray = randomPlane(n, 3);
    const guide = new Float32Array(3 * n);
    guide.set(gray, 0);
    guide.set(gray, n);
    guide.set(gray, 2 * n);
    const p = randomPlane(n, 4);
    const rgb = new Float32Array(n);
    const single = new Float32Array(n);
    guidedFilterRgb(guide, p, width, height, { radiusPx: 2, eps: 3e-3 }, rgb);
    guidedFilterGray(gray, p, width, height, { radiusPx: 2, eps: 1e-3 }, single);
    expectClose(rgb, single, 1e-5);
  });
});

describe('fastGuidedFilterRgb', () => {
  it('is the full filter for subsample 1', () => {
    const n = 9 * 7;
    const guide = randomPlane(3 * n, 21);
    const p = randomPlane(n, 22);
    const full = new Float32Array(n);
    const fast = new Float32Array(n);
    guidedFilterRgb(guide, p, 9, 7, { radiusPx: 2, eps: 1e-3 }, full);
    fastGuidedFilterRgb(guide, p, 9, 7, { radiusPx: 2, eps: 1e-3 }, 1, fast);
    expect(Array.from(fast)).toEqual(Array.from(full));
  });

  it("matches He and Sun's fast guided filter written out, sizes not multiples of the subsampling included", () => {
    for (const [width, height, r, eps, s] of [
      [12, 10, 4, 1e-3, 2],
      [13, 11, 6, 1e-4, 3],
      [9, 14, 2, 1e-2, 4],
    ] as const) {
      const n = width * height;
      const guide = randomPlane(3 * n, 31 + width);
      const p = randomPlane(n, 41 + height);
      const out = new Float32Array(n);
      fastGuidedFilterRgb(guide, p, width, height, { radiusPx: r, eps }, s, out);
      expectClose(out, naiveFastGuidedFilterRgb(guide, p, width, height, r, eps, s), 2e-4);
    }
  });

  it('rejects a bad subsampling', () => {
    const plane = new Float32Array(4);
    expect(() => fastGuidedFilterRgb(new Float32Array(12), plane, 2, 2, { radiusPx: 1, eps: 1e-3 }, 0, plane)).toThrow(
      RangeError,
    );
    expect(() =>
      fastGuidedFilterRgb(new Float32Array(12), plane, 2, 2, { radiusPx: 1, eps: 1e-3 }, 1.5, plane),
    ).toThrow(RangeError);
  });
});
