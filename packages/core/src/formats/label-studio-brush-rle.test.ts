import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { decodeBinary, encodeBinary } from '@thi.ng/rle-pack';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidFormatError, InvalidMaskError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import { decodeLabelStudioBrushRle, encodeLabelStudioBrushRle } from './label-studio-brush-rle';
import vectors from './__fixtures__/brush-rle-vectors.json';
import type { FixtureMaskDescription } from '../test-support/test-masks';
import { firstDifference, fixtureMask, maskFromRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

/** The RGBA buffer the LS frontend encodes: every channel of a pixel equals its alpha (255 or 0). */
function lsRgba(mask: BinaryMask): Uint8Array {
  const rgba = new Uint8Array(mask.data.length * 4);
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) rgba.fill(255, 4 * i, 4 * i + 4);
  return rgba;
}

describe('Label Studio brush RLE against label-studio-converter brush.py (generated vectors)', () => {
  for (const vector of vectors.masks) {
    it(`${vector.name}: decodes the Python encoding`, () => {
      const mask = fixtureMask(vector as FixtureMaskDescription);
      const decoded = decodeLabelStudioBrushRle(vector.rle, vector.width, vector.height);
      expect(firstDifference(decoded.data, mask.data)).toBe(-1);
      // Our bytes differ from brush.py's (it writes single values as literals and may pad an extra zero byte),
      // but decode to the same RGBA buffer with the LS frontend's decoder.
      const ours = encodeLabelStudioBrushRle(mask);
      expect(firstDifference(decodeBinary(Uint8Array.from(ours)), decodeBinary(Uint8Array.from(vector.rle)))).toBe(-1);
    });
  }

  it('reads only alpha, with an optional alpha threshold (literal chunks and coloured pixels)', () => {
    for (const vector of vectors.rgba) {
      const alpha = vector.alphaRows.flat();
      const nonZero = decodeLabelStudioBrushRle(vector.rle, vector.width, vector.height);
      expect(Array.from(nonZero.data)).toEqual(alpha.map((a) => (a > 0 ? 1 : 0)));
      const aboveHalf = decodeLabelStudioBrushRle(vector.rle, vector.width, vector.height, { alphaThreshold: 127 });
      expect(Array.from(aboveHalf.data)).toEqual(alpha.map((a) => (a > 127 ? 1 : 0)));
    }
  });
});

describe('Label Studio brush RLE against @thi.ng/rle-pack (the LS frontend encoder)', () => {
  it('writes exactly the bytes of rle-pack encodeBinary(rgba, rgba.length)', () => {
    const random = seededRandom(5);
    const masks: BinaryMask[] = [maskFromRows(['1']), maskFromRows(['0']), maskFromRows(['10', '01'])];
    for (let trial = 0; trial < 30; trial++) {
      const width = 1 + Math.floor(random() * 120);
      const height = 1 + Math.floor(random() * 90);
      masks.push(randomMask(random, width, height, random(), trial % 2 === 0));
    }
    // Runs around the 2^16-value chunk limit: 16383, 16384, 16385 pixels (x4 bytes) and longer.
    for (const pixels of [16383, 16384, 16385, 32768, 50001]) {
      masks.push({ width: pixels, height: 1, data: new Uint8Array(pixels).fill(1) });
      const data = new Uint8Array(pixels + 3);
      data.fill(1, 1, pixels + 1);
      masks.push({ width: pixels + 3, height: 1, data });
    }
    for (const mask of masks) {
      const rgba = lsRgba(mask);
      const ours = encodeLabelStudioBrushRle(mask);
      expect(firstDifference(ours, encodeBinary(rgba, rgba.length))).toBe(-1);
      expect(firstDifference(decodeBinary(Uint8Array.from(ours)), rgba)).toBe(-1);
      expect(firstDifference(decodeLabelStudioBrushRle(ours, mask.width, mask.height).data, mask.data)).toBe(-1);
    }
  });

  it('hand-checked: a 1 x 2 mask [1, 0]', () => {
    // Header: count 8 (32 bits), word size 8 -> 7 (5 bits), widths 3, 4, 8, 16 -> 2, 3, 7, 15 (4 bits each);
    // chunks: repeat, width 0, count 4 -> 3 (3 bits), value 255; repeat, width 0, 3, value 0.
    const bits =
      '00000000000000000000000000001000' +
      '00111' +
      '0010' +
      '0011' +
      '0111' +
      '1111' +
      '1' +
      '00' +
      '011' +
      '11111111' +
      '1' +
      '00' +
      '011' +
      '00000000';
    const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
    const bytes = Array.from({ length: padded.length / 8 }, (_, k) => parseInt(padded.slice(8 * k, 8 * k + 8), 2));
    expect(encodeLabelStudioBrushRle(maskFromRows(['10']))).toEqual(bytes);
  });
});

describe('Label Studio brush RLE input checks', () => {
  const mask = maskFromRows(['0110', '1111', '0000']);
  const rle = encodeLabelStudioBrushRle(mask);

  it('rejects a wrong image size, truncation, non-bytes and another word size', () => {
    expect(() => decodeLabelStudioBrushRle(rle, 3, 4)).not.toThrow(); // same pixel count: not detectable
    expect(() => decodeLabelStudioBrushRle(rle, 4, 4)).toThrow(InvalidFormatError);
    expect(() => decodeLabelStudioBrushRle(rle.slice(0, rle.length - 2), 4, 3)).toThrow(InvalidFormatError);
    expect(() => decodeLabelStudioBrushRle(rle.slice(0, 5), 4, 3)).toThrow(InvalidFormatError);
    expect(() => decodeLabelStudioBrushRle([...rle.slice(0, 3), 300], 4, 3)).toThrow(InvalidFormatError);
    expect(() => decodeLabelStudioBrushRle([], 4, 3)).toThrow(InvalidFormatError);
    const sixteenBit = Array.from(encodeBinary(new Uint16Array(48), 48, 16));
    expect(() => decodeLabelStudioBrushRle(sixteenBit, 4, 3)).toThrow(InvalidFormatError);
    expect(() => decodeLabelStudioBrushRle(rle, 0, 3)).toThrow(InvalidArgumentError);
    expect(() => encodeLabelStudioBrushRle({ width: 0, height: 0, data: new Uint8Array(0) })).toThrow(InvalidMaskError);
  });

  it('returns plain JSON numbers', () => {
    expect(Array.isArray(rle)).toBe(true);
    expect(JSON.parse(JSON.stringify(rle))).toEqual(rle);
  });
});

// Optional: decode our encodings with brush.py's own decoder. Set SIMPLECLICK_LS_BRUSH_PY to the path of
// label-studio-converter's label_studio_converter/brush.py (needs /usr/bin/python3 with numpy and PIL).
const brushPy = process.env.SIMPLECLICK_LS_BRUSH_PY;
describe.skipIf(!brushPy || !existsSync(brushPy) || !existsSync('/usr/bin/python3'))(
  'Label Studio brush RLE decoded by brush.py (SIMPLECLICK_LS_BRUSH_PY)',
  () => {
    it('brush.py decode_rle reads our encodings back to the masks', () => {
      const random = seededRandom(9);
      const cases = Array.from({ length: 6 }, (_, k) => randomMask(random, 20 + 7 * k, 15 + 5 * k, 0.4, k % 2 === 0));
      cases.push({ width: 300, height: 100, data: new Uint8Array(30000).fill(1) });
      const payload = JSON.stringify(
        cases.map((m) => ({ rle: encodeLabelStudioBrushRle(m), mask: Array.from(m.data) })),
      );
      const script = [
        'import importlib.util, json, sys',
        'spec = importlib.util.spec_from_file_location("b", sys.argv[1]); b = importlib.util.module_from_spec(spec)',
        'spec.loader.exec_module(b)',
        'ok = [list(b.decode_rle(bytes(c["rle"]))[3::4]) == [255 * v for v in c["mask"]] for c in json.load(sys.stdin)]',
        'print(json.dumps(ok))',
      ].join('\n');
      const result = spawnSync('/usr/bin/python3', ['-c', script, brushPy as string], {
        input: payload,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(cases.map(() => true));
    });
  },
);
