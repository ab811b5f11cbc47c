import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../../formats/rgb-png';
import { renderMiouPlotPng } from './encode-rgb-png';
import { CURVE_COLORS, renderMiouPlot } from './miou-plot';
import { GLYPH_HEIGHT, GLYPH_WIDTH, fontHasGlyph, glyphBitmap } from './bitmap-font';

const rising = Array.from({ length: 20 }, (_, k) => 0.7 + 0.25 * (1 - Math.exp(-k / 4)));
const flat = new Array(20).fill(0.8);

function countColor(data: Uint8Array, color: readonly number[], region?: { x0: number; x1: number; y0: number; y1: number; width: number }) {
  let count = 0;
  for (let i = 0; i < data.length / 3; i++) {
    if (region) {
      const x = i % region.width;
      const y = Math.floor(i / region.width);
      if (x < region.x0 || x > region.x1 || y < region.y0 || y > region.y1) continue;
    }
    if (data[i * 3] === color[0] && data[i * 3 + 1] === color[1] && data[i * 3 + 2] === color[2]) count++;
  }
  return count;
}

describe('renderMiouPlot', () => {
  it('draws each curve in its colour where its values lie, a legend, and encodes to a PNG of that size', () => {
    const widthPx = 800;
    const heightPx = 500;
    const png = renderMiouPlotPng(
      [
        { label: 'rising', meanIouPerClick: rising },
        { label: 'flat at 80', meanIouPerClick: flat },
      ],
      { title: 'GrabCut', widthPx, heightPx, yRangePercent: [60, 100] },
    );
    const decoded = decode(png);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([widthPx, heightPx, 3]);
    const data = decoded.data as Uint8Array;
    const [blue, orange] = CURVE_COLORS;
    // The rising curve starts low on the left (70 %) and ends high on the right (about 95 %).
    const leftLow = { x0: 0, x1: widthPx * 0.3, y0: heightPx * 0.45, y1: heightPx, width: widthPx };
    const rightHigh = { x0: widthPx * 0.7, x1: widthPx, y0: 0, y1: heightPx * 0.4, width: widthPx };
    expect(countColor(data, blue, leftLow)).toBeGreaterThan(30);
    expect(countColor(data, blue, rightHigh)).toBeGreaterThan(30);
    // The flat curve at 80 % of a 60..100 axis sits half-way up the axes, so nowhere in the top quarter.
    expect(countColor(data, orange)).toBeGreaterThan(200);
    expect(countColor(data, orange, { x0: 0, x1: widthPx, y0: 0, y1: heightPx * 0.25, width: widthPx })).toBe(0);
    // Title ink near the top centre.
    expect(countColor(data, [0, 0, 0], { x0: widthPx * 0.4, x1: widthPx * 0.6, y0: 0, y1: 50, width: widthPx })).toBeGreaterThan(50);
  });

  it('is deterministic and has the default size', () => {
    const a = renderMiouPlot([{ label: 'x', meanIouPerClick: rising }]);
    const b = renderMiouPlot([{ label: 'x', meanIouPerClick: rising }]);
    // Plain loops: vitest's deep equality is slow on megabyte typed arrays.
    const same = (left: Uint8Array, right: Uint8Array) => left.length === right.length && left.every((v, i) => v === right[i]);
    expect(same(a.data, b.data)).toBe(true);
    expect(same(encodeRgbPng(a), encodeRgbPng(b))).toBe(true);
    expect([a.width, a.height]).toEqual([960, 600]);
  });

  it('rejects empty input, percentages instead of fractions and tiny sizes', () => {
    expect(() => renderMiouPlot([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderMiouPlot([{ label: 'x', meanIouPerClick: [] }])).toThrow(/empty/);
    expect(() => renderMiouPlot([{ label: 'x', meanIouPerClick: [85] }])).toThrow(/fraction/);
    expect(() => renderMiouPlot([{ label: 'x', meanIouPerClick: [0.5] }], { widthPx: 120, heightPx: 90 })).toThrow(/too small/);
  });
});

describe('bitmap font', () => {
  it('has every printable ASCII character, each a distinct 5 x 8 glyph', () => {
    const seen = new Set<string>();
    for (let code = 32; code < 127; code++) {
      const character = String.fromCharCode(code);
      expect(fontHasGlyph(character), character).toBe(true);
      const glyph = glyphBitmap(character);
      expect(glyph).toHaveLength(GLYPH_WIDTH * GLYPH_HEIGHT);
      seen.add(glyph.join(''));
    }
    expect(seen.size).toBe(95);
  });
});
