import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUpMask, type BinaryMask } from '@simpleclick/core';
import {
  decodeCocoRle,
  decodeLabelStudioBrushRle,
  decodeMaskPng,
  encodeRgbPng,
  rasterizePolygons,
} from '@simpleclick/core/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK } from '../cli-errors';
import {
  runCli,
  temporaryDirectory,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
  DEFAULT_MODEL_SIZE_PX,
  UNTRAINED_TOY_MODEL_PATH,
} from '../test-support/capture-io';

// End to end with the embedded default model: every output format of one run must decode to the same mask as the
// PNG of that run.

const folder = temporaryDirectory();
const WIDTH = 64;
const HEIGHT = 48;
const clickArgs = ['-c', '30,20', '-c', '50,40,neg'];

beforeAll(() => {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inside = (x - 30) ** 2 + (y - 22) ** 2 < 15 ** 2;
      data.set(inside ? [220, 60, 40] : [40 + x, 90, 120 + y], (y * WIDTH + x) * 3);
    }
  }
  writeFileSync(join(folder.path, 'scene.png'), encodeRgbPng({ width: WIDTH, height: HEIGHT, data }));
});
afterAll(() => folder.remove());

async function segment(extra: string[]) {
  const result = await runCli(
    ['segment', 'scene.png', ...clickArgs, '--model', DEFAULT_MODEL_PATH, '--threads', '2', ...extra],
    {
      cwd: folder.path,
    },
  );
  expect(result.io.stderrText()).not.toMatch(/^error/m);
  expect(result.status).toBe(EXIT_OK);
  return result;
}

function decodeCvat(response: { mask: number[][]; bounds: number[] }): BinaryMask {
  const data = new Uint8Array(WIDTH * HEIGHT);
  const [x1, y1] = response.bounds;
  response.mask.forEach((row, dy) =>
    row.forEach((value, dx) => (data[(y1 + dy) * WIDTH + x1 + dx] = value === 255 ? 1 : 0)),
  );
  return { width: WIDTH, height: HEIGHT, data };
}

describe('simpleclick segment (embedded default model)', () => {
  let referenceMask: BinaryMask;

  beforeAll(async () => {
    const { io } = await segment(['--out', 'mask.png']);
    referenceMask = decodeMaskPng(new Uint8Array(readFileSync(join(folder.path, 'mask.png'))));
    expect(io.stdoutText()).toBe('');
    expect(io.stderrText()).not.toMatch(/UNTRAINED/);
    expect(io.stderrText()).toMatch(/^segment: 64 x 48 image, 2 clicks, .*-> mask\.png \(png\)$/m);
  });

  it('writes a mask of the image size that covers the clicked disk', () => {
    expect(referenceMask.width).toBe(WIDTH);
    expect(referenceMask.height).toBe(HEIGHT);
    let intersection = 0;
    let union = 0;
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const inDisk = (x - 30) ** 2 + (y - 22) ** 2 < 15 ** 2;
        const inMask = referenceMask.data[y * WIDTH + x] === 1;
        intersection += Number(inDisk && inMask);
        union += Number(inDisk || inMask);
      }
    }
    expect(intersection / union).toBeGreaterThan(0.8);
  });

  it('writes PNG bytes to stdout without --out', async () => {
    const { io } = await segment(['--quiet']);
    expect(decodeMaskPng(io.stdoutBytes())).toEqual(referenceMask);
    expect(io.stderrText()).not.toMatch(/^segment:/m);
  });

  it('coco, labelstudio (brush and polygon), cvat and polygon decode to the same mask', async () => {
    const coco = JSON.parse((await segment(['-f', 'coco', '-q'])).io.stdoutText());
    expect(coco.size).toEqual([HEIGHT, WIDTH]);
    expect(decodeCocoRle(coco)).toEqual(referenceMask);

    const brush = JSON.parse((await segment(['-f', 'labelstudio', '-q'])).io.stdoutText());
    expect(brush.model_version).toBe(DEFAULT_MODEL_NAME);
    expect(brush.score).toBeGreaterThanOrEqual(0);
    expect(brush.score).toBeLessThanOrEqual(1);
    const region = brush.result[0];
    expect(region).toMatchObject({ type: 'brushlabels', original_width: WIDTH, original_height: HEIGHT });
    expect(decodeLabelStudioBrushRle(region.value.rle, WIDTH, HEIGHT)).toEqual(referenceMask);

    expect((await segment(['-f', 'cvat', '-q', '-o', 'cvat.json'])).io.stdoutText()).toBe('');
    const cvat = JSON.parse(readFileSync(join(folder.path, 'cvat.json'), 'utf8'));
    expect(decodeCvat(cvat)).toEqual(referenceMask);

    const polygons = JSON.parse((await segment(['-f', 'polygon', '-q'])).io.stdoutText());
    expect(rasterizePolygons(polygons.polygons, WIDTH, HEIGHT)).toEqual(referenceMask);

    const lsPolygons = JSON.parse(
      (await segment(['-f', 'labelstudio', '--ls-type', 'polygon', '--label', 'Fruit', '-q'])).io.stdoutText(),
    );
    for (const result of lsPolygons.result) {
      expect(result.type).toBe('polygonlabels');
      expect(result.value.polygonlabels).toEqual(['Fruit']);
    }
  });

  it('applies the threshold and the clean-up options as the SDK does', async () => {
    const { io } = await segment(['--threshold', '0.6', '-q']);
    const higher = decodeMaskPng(io.stdoutBytes());
    // A higher threshold can only remove pixels.
    for (let i = 0; i < higher.data.length; i++) if (higher.data[i]) expect(referenceMask.data[i]).toBe(1);

    const cleaned = decodeMaskPng(
      (
        await segment(['--keep-clicked-components', '--fill-holes', 'all', '--remove-islands', '20', '-q'])
      ).io.stdoutBytes(),
    );
    const clicks = [
      { xPx: 30, yPx: 20, isPositive: true },
      { xPx: 50, yPx: 40, isPositive: false },
    ];
    const expected = cleanUpMask(referenceMask, {
      keep: 'clicked',
      clicks,
      removeIslandsMaxAreaPx: 20,
      fillHolesMaxAreaPx: Infinity,
    });
    expect(cleaned).toEqual(expected);
  });

  it('finds the embedded default model from another working directory', async () => {
    const { status, io } = await runCli(
      ['segment', join(folder.path, 'scene.png'), '-c', '5,5', '-f', 'coco', '--threads', '2'],
      { cwd: '/' },
    );
    expect(status).toBe(EXIT_OK);
    expect(io.stderrText()).toMatch(
      new RegExp(`${DEFAULT_MODEL_NAME}(-fp16)?\\.onnx \\(xtiny-narrow, S=${DEFAULT_MODEL_SIZE_PX}, trained on `),
    );
    expect(io.stderrText()).not.toMatch(/UNTRAINED/);
    expect(decodeCocoRle(JSON.parse(io.stdoutText())).width).toBe(WIDTH);
  });

  it('warns loudly when the model is untrained', async () => {
    const { status, io } = await runCli(
      ['segment', 'scene.png', '-c', '5,5', '--model', UNTRAINED_TOY_MODEL_PATH, '-q'],
      { cwd: folder.path },
    );
    expect(status).toBe(EXIT_OK);
    expect(io.stderrText()).toMatch(/WARNING: the model .*toy-disk-memory-448\.onnx is UNTRAINED/);
  });
});
