// Test-only helpers: a synthetic frame as CVAT would send it, a model that counts its runs, a fast fake model.
import {
  encodeRgbPng,
  type BinaryMask,
  type ModelMetadata,
  type NetInput,
  type NetOutput,
  type RgbImage,
  type SegmentationModel,
} from '@simpleclick/core';
import type { CvatInteractorResult } from '../interactor/build-response';

// The embedded default model; model tests skip with NO_MODEL_MESSAGE without it.
export { REPO_ROOT, DEFAULT_MODEL_PATH, HAVE_DEFAULT_MODEL, NO_MODEL_MESSAGE, UNTRAINED_TOY_MODEL_PATH } from '../../../../test/support/default-model';

/** A small synthetic frame: a bright rectangle on a textured dark background. `seed` changes the texture. */
export function syntheticFrame(widthPx = 96, heightPx = 64, seed = 0): RgbImage {
  const data = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const inside = x > widthPx * 0.3 && x < widthPx * 0.72 && y > heightPx * 0.25 && y < heightPx * 0.78;
      const i = (y * widthPx + x) * 3;
      data[i] = inside ? 220 : 30;
      data[i + 1] = inside ? 180 : 60 + ((x * 3 + seed) % 40);
      data[i + 2] = (x * 7 + y * 13 + seed * 31) % 50;
    }
  }
  return { width: widthPx, height: heightPx, data };
}

/** The frame as CVAT sends it: base64 of its encoded (PNG) bytes. */
export function frameBase64(image: RgbImage): string {
  return Buffer.from(encodeRgbPng(image)).toString('base64');
}

/** A model wrapper that counts forward passes (the spy behind "runs the model once"). */
export class CountingModel implements SegmentationModel {
  runs = 0;
  readonly metadata: ModelMetadata;
  readonly #inner: SegmentationModel;

  constructor(inner: SegmentationModel) {
    this.#inner = inner;
    this.metadata = inner.metadata;
  }

  run(input: NetInput): Promise<NetOutput> {
    this.runs++;
    return this.#inner.run(input);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/**
 * A fast stand-in for the network at S = 32 whose output depends on the click maps and the previous mask:
 * logit = 6 (positive disks) - 6 (negative disks) + 4 (previous probability - 0.5). The mask is then the positive
 * disks minus the negative ones, carried over from click to click, so click order matters as it does for the real
 * model, at no cost.
 */
export class ClickEchoModel implements SegmentationModel {
  runs = 0;
  closed = false;
  readonly metadata: ModelMetadata = Object.freeze({
    variant: 'click-echo',
    inputSizePx: 32,
    patchSizePx: 16,
    trainingData: 'none',
    version: '0.0.0',
    trained: false,
    raw: {},
  });

  async run(input: NetInput): Promise<NetOutput> {
    this.runs++;
    const plane = input.sizePx * input.sizePx;
    const logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      const maps = b * 3 * plane;
      for (let i = 0; i < plane; i++) {
        const previous = input.clickMaps[maps + i];
        const positive = input.clickMaps[maps + plane + i];
        const negative = input.clickMaps[maps + 2 * plane + i];
        logits[b * plane + i] = 6 * positive - 6 * negative + 4 * (previous - 0.5);
      }
    }
    return { logits };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The full-image 0/1 mask an answer stands for (0 outside its bounds). */
export function maskOfResult(result: CvatInteractorResult, widthPx: number, heightPx: number): BinaryMask {
  const [x1, y1, x2, y2] = result.bounds;
  const data = new Uint8Array(widthPx * heightPx);
  result.mask.forEach((row, dy) => row.forEach((value, dx) => (data[(y1 + dy) * widthPx + x1 + dx] = value === 255 ? 1 : 0)));
  if (result.mask.length !== y2 - y1 + 1 || result.mask.some((row) => row.length !== x2 - x1 + 1)) {
    throw new Error('mask rows do not cover the bounds');
  }
  return { width: widthPx, height: heightPx, data };
}
