import {
  decodeCocoRle,
  decodeLabelStudioBrushRle,
  decodeMaskPng,
  polygonVertexCount,
  rasterizePolygons,
  ringFromPercent,
  type Polygon,
} from '@simpleclick/core/formats';
import { cleanUpMask, type BinaryMask } from '@simpleclick/core';
import { describe, expect, it } from 'vitest';
import { encodeMaskOutput, type PolygonDocument } from './mask-output';

/** 16 x 12: a 7 x 7 ring (with a 3 x 3 hole) and a separate 2 x 3 block, off-centre so that x/y mix-ups show. */
function ringAndBlockMask(): BinaryMask {
  const width = 16;
  const height = 12;
  const data = new Uint8Array(width * height);
  for (let y = 2; y <= 8; y++) for (let x = 1; x <= 7; x++) data[y * width + x] = 1;
  for (let y = 4; y <= 6; y++) for (let x = 3; x <= 5; x++) data[y * width + x] = 0;
  for (let y = 9; y <= 10; y++) for (let x = 11; x <= 13; x++) data[y * width + x] = 1;
  return { width, height, data };
}

const text = (content: Uint8Array | string) => {
  expect(typeof content).toBe('string');
  expect((content as string).endsWith('\n')).toBe(true);
  return JSON.parse(content as string);
};

/** A mask decoded from the CVAT interactor response (rows of 0/255 over the inclusive bounds). */
function decodeCvatResponse(
  response: { mask: number[][]; bounds: number[] },
  width: number,
  height: number,
): BinaryMask {
  const [x1, y1, x2, y2] = response.bounds;
  expect(response.mask).toHaveLength(y2 - y1 + 1);
  const data = new Uint8Array(width * height);
  response.mask.forEach((row, dy) => {
    expect(row).toHaveLength(x2 - x1 + 1);
    row.forEach((value, dx) => {
      expect([0, 255]).toContain(value);
      data[(y1 + dy) * width + x1 + dx] = value === 255 ? 1 : 0;
    });
  });
  return { width, height, data };
}

describe('encodeMaskOutput: every format decodes back to the mask', () => {
  const mask = ringAndBlockMask();

  it('png: 8-bit grayscale 0/255', () => {
    const { content } = encodeMaskOutput(mask, { format: 'png' });
    expect(content).toBeInstanceOf(Uint8Array);
    expect(decodeMaskPng(content as Uint8Array)).toEqual(mask);
  });

  it('polygon: exact pixel outlines with holes, in pixels', () => {
    const document = text(encodeMaskOutput(mask, { format: 'polygon' }).content) as PolygonDocument;
    expect(document).toMatchObject({ width: 16, height: 12, units: 'px' });
    expect(document.polygons).toHaveLength(2);
    expect(document.polygons[0].holes).toHaveLength(1);
    expect(document.polygons[0].outer).toContainEqual([1, 2]); // top-left corner of the ring's first pixel
    expect(rasterizePolygons(document.polygons, 16, 12)).toEqual(mask);
  });

  it('polygon: --max-vertices bounds the vertex count of every polygon', () => {
    const document = text(
      encodeMaskOutput(mask, { format: 'polygon', polygons: { maxVerticesPerPolygon: 5 } }).content,
    ) as PolygonDocument;
    for (const polygon of document.polygons) expect(polygonVertexCount(polygon)).toBeLessThanOrEqual(5);
  });

  it('coco: {size: [height, width], counts: string} as pycocotools writes it', () => {
    const rle = text(encodeMaskOutput(mask, { format: 'coco' }).content);
    expect(rle.size).toEqual([12, 16]);
    expect(typeof rle.counts).toBe('string');
    expect(decodeCocoRle(rle)).toEqual(mask);
  });

  it('labelstudio brush: one brushlabels region with format rle and the original size', () => {
    const prediction = text(
      encodeMaskOutput(mask, {
        format: 'labelstudio',
        labelStudio: {
          resultType: 'brush',
          modelVersion: 'test-model',
          score: 0.75,
          names: { fromName: 'brush', toName: 'img', label: 'Cat' },
        },
      }).content,
    );
    expect(prediction.model_version).toBe('test-model');
    expect(prediction.score).toBe(0.75);
    expect(prediction.result).toHaveLength(1);
    const [region] = prediction.result;
    expect(region).toMatchObject({
      type: 'brushlabels',
      from_name: 'brush',
      to_name: 'img',
      original_width: 16,
      original_height: 12,
      value: { format: 'rle', brushlabels: ['Cat'] },
    });
    expect(decodeLabelStudioBrushRle(region.value.rle, region.original_width, region.original_height)).toEqual(mask);
  });

  it('labelstudio polygon: polygonlabels in percent, one region per component, holes left out with a note', () => {
    const { content, notes } = encodeMaskOutput(mask, {
      format: 'labelstudio',
      labelStudio: { resultType: 'polygon', modelVersion: 'm' },
    });
    const prediction = text(content);
    expect(prediction.result).toHaveLength(2);
    expect(notes.join(' ')).toMatch(/1 hole/);
    const polygons: Polygon[] = prediction.result.map(
      (region: { type: string; value: { points: [number, number][]; polygonlabels: string[]; closed: boolean } }) => {
        expect(region.type).toBe('polygonlabels');
        expect(region.value.polygonlabels).toEqual(['Object']);
        for (const [x, y] of region.value.points) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(100);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(y).toBeLessThanOrEqual(100);
        }
        return { outer: ringFromPercent(region.value.points, 16, 12), holes: [] };
      },
    );
    expect(rasterizePolygons(polygons, 16, 12)).toEqual(cleanUpMask(mask, { fillHolesMaxAreaPx: Infinity }));
  });

  it('cvat: rows of 0/255 over the inclusive bounds [x1, y1, x2, y2]', () => {
    const response = text(encodeMaskOutput(mask, { format: 'cvat' }).content);
    expect(response.bounds).toEqual([1, 2, 13, 10]);
    expect(decodeCvatResponse(response, 16, 12)).toEqual(mask);
  });

  it('cvat: an empty mask gives a one-pixel background crop and a note', () => {
    const empty = { width: 16, height: 12, data: new Uint8Array(16 * 12) };
    const { content, notes } = encodeMaskOutput(empty, { format: 'cvat' });
    const response = text(content);
    expect(response).toEqual({ mask: [[0]], bounds: [0, 0, 0, 0] });
    expect(decodeCvatResponse(response, 16, 12)).toEqual(empty);
    expect(notes).toHaveLength(1);
  });
});
