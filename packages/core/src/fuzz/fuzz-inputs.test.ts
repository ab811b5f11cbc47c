/**
 * Seeded fuzz test (issue 10): random and corrupted bytes at the image decoder, random JSON values and click
 * lists at a session over the real ClickPredictor (tiny ONNX model, S = 32). Every call must either succeed
 * with a well-formed result or fail with one of the SDK's typed errors (`SimpleClickError`), and a failed
 * session call must leave the session exactly as it was. A fixed seed and fixed iteration counts keep it
 * reproducible and short (a few seconds on a small machine); FUZZ_SEED picks another seed to explore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRgbPng } from '../formats/rgb-png';
import { SimpleClickError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import { decodeImageBytes } from '../node/decode-image';
import { createNodeModel } from '../node/onnx-node';
import { ClickPredictor } from '../predictor/click-predictor';
import { SegmentationSession } from '../session/segmentation-session';
import { seededRandom } from '../test-support/seeded-random';
import { tinyGraphPath } from '../../test-support/tiny-graph';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const random = seededRandom(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

/** What a fuzzed call did: fine, or a typed error. Anything else fails the test with the input that caused it. */
async function outcome(run: () => Promise<unknown>, describeInput: () => string): Promise<'ok' | SimpleClickError> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (error instanceof SimpleClickError) return error;
    throw new Error(
      `seed ${SEED}: untyped ${String((error as Error)?.name)} for ${describeInput()}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

// ----- decoder -----

function smallImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = int(256);
  return { width, height, data };
}

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER), the format with the SDK's own reader. */
function encodeBmp(image: RgbImage): Uint8Array {
  const rowBytes = Math.ceil((image.width * 3) / 4) * 4;
  const bytes = new Uint8Array(54 + rowBytes * image.height);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, image.width, true);
  view.setInt32(22, image.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * image.height, true);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 3;
      const to = 54 + (image.height - 1 - y) * rowBytes + x * 3;
      bytes[to] = image.data[from + 2];
      bytes[to + 1] = image.data[from + 1];
      bytes[to + 2] = image.data[from];
    }
  }
  return bytes;
}

/** Random bytes, a valid file with random bytes overwritten, truncated or with its header scrambled. */
function fuzzedImageBytes(seeds: readonly Uint8Array[]): Uint8Array {
  const mode = int(4);
  if (mode === 0) return Uint8Array.from({ length: int(2048) }, () => int(256));
  const bytes = new Uint8Array(pick(seeds));
  if (mode === 1) {
    for (let k = 1 + int(8); k > 0; k--) bytes[int(bytes.length)] = int(256);
    return bytes;
  }
  if (mode === 2) return bytes.subarray(0, int(bytes.length));
  // Header fields (sizes, offsets, bit depths) are where decoders go wrong: hit the first 64 bytes.
  for (let k = 1 + int(4); k > 0; k--) bytes[int(Math.min(64, bytes.length))] = pick([0, 0xff, 0x7f, 0x80, int(256)]);
  return bytes;
}

describe('fuzz: image decoder', () => {
  it('answers random and corrupted bytes with an RgbImage or a typed error', async () => {
    const seeds = [encodeRgbPng(smallImage(17, 11)), encodeBmp(smallImage(9, 7)), encodeBmp(smallImage(1, 1))];
    let typed = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = fuzzedImageBytes(seeds);
      let image: RgbImage | undefined;
      const result = await outcome(
        async () => {
          image = await decodeImageBytes(bytes, { maxPixels: 1_000_000 });
        },
        () => `${bytes.length} bytes starting ${Array.from(bytes.subarray(0, 16)).join(',')}`,
      );
      if (result === 'ok') {
        expect(image!.width * image!.height * 3).toBe(image!.data.length);
        expect(image!.width * image!.height).toBeLessThanOrEqual(1_000_000);
      } else {
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(100); // the fuzzing did reach the error paths
  });
});

// ----- session -----

const WIDTH = 48;
const HEIGHT = 36;

/** A random JSON-ish value: what a client might send instead of a click, a mask or a snapshot. */
function randomValue(depth = 0): unknown {
  switch (int(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return pick([0, -1, 1e308, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.5, WIDTH, 2 ** 53]);
    case 3:
      return pick(['', 'x', '1', 'true', '{}']);
    case 4:
      return random() < 0.5;
    case 5:
      return random() * 100 - 20;
    case 6:
      return int(WIDTH + 10) - 5;
    case 7:
      return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    default: {
      const keys = [
        'xPx',
        'yPx',
        'isPositive',
        'width',
        'height',
        'data',
        'format',
        'version',
        'objects',
        'threshold',
        'id',
        'clicks',
        'mask',
        'counts',
        'size',
      ];
      return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(keys), randomValue(depth + 1)]));
    }
  }
}

/** Mostly plausible clicks (in, near or outside the image, either sign), sometimes junk. */
function randomClick(): unknown {
  if (random() < 0.15) return randomValue();
  return { xPx: random() * (WIDTH + 8) - 4, yPx: random() * (HEIGHT + 8) - 4, isPositive: random() < 0.6 };
}

describe('fuzz: session over the ClickPredictor', () => {
  let predictor: ClickPredictor;
  beforeAll(async () => {
    predictor = await ClickPredictor.create(
      await createNodeModel(tinyGraphPath('tiny-s32.onnx'), { intraOpNumThreads: 1 }),
    );
  });
  afterAll(() => predictor.close());

  it('answers random operations with a new state or a typed error that changes nothing', async () => {
    const image = smallImage(WIDTH, HEIGHT);
    const session = await SegmentationSession.create(predictor, image);
    const fingerprint = () => JSON.stringify({ revision: session.revision, snapshot: session.toSnapshot() });
    const operations: Array<[string, () => Promise<unknown>]> = [
      ['addClick', () => session.addClick(randomClick() as never)],
      ['addClick', () => session.addClick(randomClick() as never)],
      ['addClick', () => session.addClick(randomClick() as never)],
      [
        'click list',
        async () => {
          for (const click of Array.from({ length: 1 + int(4) }, randomClick)) await session.addClick(click as never);
        },
      ],
      ['undo', () => session.undo()],
      ['redo', () => session.redo()],
      ['reset', () => session.reset()],
      ['finishObject', () => session.finishObject()],
      ['selectObject', () => session.selectObject(randomValue() as never)],
      ['deleteObject', () => session.deleteObject(pick([randomValue(), 1, 2]) as never)],
      ['setThreshold', () => session.setThreshold(randomValue() as never)],
      ['importMask', () => session.importMask(randomValue() as never)],
      [
        'importMask',
        () => {
          const data = Uint8Array.from({ length: WIDTH * HEIGHT }, () => pick([0, 1, 1, 255, int(256)]));
          return session.importMask({ width: pick([WIDTH, WIDTH - 1]), height: HEIGHT, data });
        },
      ],
      ['restoreSnapshot', () => session.restoreSnapshot(randomValue() as never)],
      [
        'restoreSnapshot',
        () => {
          const snapshot = JSON.parse(JSON.stringify(session.toSnapshot())) as Record<string, unknown>;
          snapshot[pick(Object.keys(snapshot))] = randomValue();
          return session.restoreSnapshot(snapshot as never);
        },
      ],
    ];
    const counts = { ok: 0, typed: 0 };
    for (let i = 0; i < 400; i++) {
      const [name, run] = pick(operations);
      const before = fingerprint();
      // A click list may fail part way: its earlier clicks stay (each is an operation of its own).
      const result = await outcome(run, () => `operation ${i} ${name}`);
      if (result === 'ok') counts.ok++;
      else {
        counts.typed++;
        if (name !== 'click list')
          expect(fingerprint(), `seed ${SEED}, operation ${i} ${name}: ${result.message}`).toBe(before);
      }
    }
    expect(counts.ok).toBeGreaterThan(50);
    expect(counts.typed).toBeGreaterThan(50);
    // Still serving after all that.
    await session.reset();
    const state = await session.addClick({ xPx: 20, yPx: 20, isPositive: true });
    expect(state.clicks.length).toBeGreaterThan(0);
    await session.close();
  });
});
