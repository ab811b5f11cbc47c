// Test-only helpers: a synthetic frame as CVAT would send it, a model that counts its runs, a fast fake model.
import { encodeRgbPng } from '@simpleclick/core/formats';
import {
  type BinaryMask,
  type ModelMetadata,
  type NetInput,
  type NetOutput,
  type RgbImage,
  type SegmentationModel,
} from '@simpleclick/core';
import type { CvatInteractorResult } from '../interactor/build-response';

// The embedded default model; model tests skip with NO_MODEL_MESSAGE without it.
export {
  REPO_ROOT,
  DEFAULT_MODEL_PATH,
  HAVE_DEFAULT_MODEL,
  NO_MODEL_MESSAGE,
  UNTRAINED_TOY_MODEL_PATH,
} from '../../../../test/support/default-model';

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
  result.mask.forEach((row, dy) =>
    row.forEach((value, dx) => (data[(y1 + dy) * widthPx + x1 + dx] = value === 1 ? 1 : 0)),
  );
  if (result.mask.length !== y2 - y1 + 1 || result.mask.some((row) => row.length !== x2 - x1 + 1)) {
    throw new Error('mask rows do not cover the bounds');
  }
  return { width: widthPx, height: heightPx, data };
}

/**
 * A large frame whose PNG is big (a noise of `noise` levels on every pixel defeats compression): an ellipse on a
 * background, deterministic. 3840 x 2160 with noise 2 is about 4.5 MiB of base64, 1280 x 960 with noise 8 about 1.5.
 */
export function noisyFrame(widthPx: number, heightPx: number, noise: number): RgbImage {
  const data = new Uint8Array(widthPx * heightPx * 3);
  let seed = 1;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const inside =
        (x - widthPx / 2) ** 2 / (widthPx * widthPx * 0.04) + (y - heightPx / 2) ** 2 / (heightPx * heightPx * 0.06) <
        1;
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed >> 16) % noise;
      const i = (y * widthPx + x) * 3;
      data[i] = (inside ? 200 : 40) + n;
      data[i + 1] = (inside ? 150 : 70) + n;
      data[i + 2] = ((x + y) % 40) + n;
    }
  }
  return { width: widthPx, height: heightPx, data };
}

/**
 * The body CVAT's lambda manager POSTs to an interactor, byte for byte: Python's `requests` with `json=payload`
 * (json.dumps: ", " and ": " separators), keys in the order lambda_manager builds them; `threshold` only when the
 * UI sent one (it does not for interactors); `obj_bbox` null unless the function declares startswith_box.
 */
export function cvatLambdaBody(
  imageBase64: string,
  pos: readonly (readonly number[])[],
  neg: readonly (readonly number[])[],
): string {
  const points = (list: readonly (readonly number[])[]) =>
    `[${list.map((p) => `[${p.map(pythonNumber).join(', ')}]`).join(', ')}]`;
  return `{"image": "${imageBase64}", "pos_points": ${points(pos)}, "neg_points": ${points(neg)}, "obj_bbox": null}`;
}

/** How Python's json.dumps writes a float that came from JavaScript (1 -> 1 for ints, 1.5 -> 1.5). */
function pythonNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(value);
}
