import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CURVE_COLORS, renderMiouPlotSvg } from './miou-plot';
import { svgToPng } from './svg-to-png';

const rising = Array.from({ length: 20 }, (_, k) => 0.7 + 0.25 * (1 - Math.exp(-k / 4)));
const flat = new Array(20).fill(0.8);

interface Region {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** Pixels of exactly `hex` (inside `region`) in a decoded RGB image. */
function countColor(image: { data: Uint8Array; width: number }, hex: string, region?: Region): number {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let count = 0;
  for (let i = 0; i < image.data.length / 3; i++) {
    const x = i % image.width;
    const y = Math.floor(i / image.width);
    if (region && (x < region.x0 || x > region.x1 || y < region.y0 || y > region.y1)) continue;
    if (image.data[i * 3] === rgb[0] && image.data[i * 3 + 1] === rgb[1] && image.data[i * 3 + 2] === rgb[2]) count++;
  }
  return count;
}

async function decodePng(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

describe('renderMiouPlotSvg', () => {
  it('draws each curve in its colour where its values lie, and rasterises to a PNG of that size', async () => {
    const widthPx = 800;
    const heightPx = 500;
    const svg = renderMiouPlotSvg(
      [
        { label: 'rising', meanIouPerClick: rising },
        { label: 'flat at 80', meanIouPerClick: flat },
      ],
      { title: 'GrabCut', widthPx, heightPx, yRangePercent: [60, 100] },
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="800" height="500"/);
    expect(svg).toContain('>GrabCut</text>');
    expect(svg).toContain('>flat at 80</text>');
    const image = await decodePng(await svgToPng(svg));
    expect([image.width, image.height, image.channels]).toEqual([widthPx, heightPx, 3]);
    const [blue, orange] = CURVE_COLORS;
    // The rising curve starts low on the left (70 %) and ends high on the right (about 95 %).
    expect(countColor(image, blue, { x0: 0, x1: widthPx * 0.3, y0: heightPx * 0.45, y1: heightPx })).toBeGreaterThan(
      30,
    );
    expect(countColor(image, blue, { x0: widthPx * 0.7, x1: widthPx, y0: 0, y1: heightPx * 0.4 })).toBeGreaterThan(30);
    // The flat curve at 80 % of a 60..100 axis sits half-way up the axes, so nowhere in the top quarter.
    expect(countColor(image, orange)).toBeGreaterThan(200);
    expect(countColor(image, orange, { x0: 0, x1: widthPx, y0: 0, y1: heightPx * 0.25 })).toBe(0);
  });

  it('is deterministic, has the default size and escapes labels', () => {
    const a = renderMiouPlotSvg([{ label: 'a <b> & "c"', meanIouPerClick: rising }]);
    expect(renderMiouPlotSvg([{ label: 'a <b> & "c"', meanIouPerClick: rising }])).toBe(a);
    expect(a).toMatch(/width="960" height="600"/);
    expect(a).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
  });

  it('rejects empty input, percentages instead of fractions and tiny sizes', () => {
    expect(() => renderMiouPlotSvg([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => renderMiouPlotSvg([{ label: 'x', meanIouPerClick: [] }])).toThrow(/empty/);
    expect(() => renderMiouPlotSvg([{ label: 'x', meanIouPerClick: [85] }])).toThrow(/fraction/);
    expect(() => renderMiouPlotSvg([{ label: 'x', meanIouPerClick: [0.5] }], { widthPx: 120, heightPx: 90 })).toThrow(
      /too small/,
    );
  });
});
