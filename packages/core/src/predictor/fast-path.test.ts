// The interactive preset's fast path (`exactArithmetic: false`) against the exact path: masks within 1e-3 IoU
// on real clicks with the default model, and no image-sized buffer allocated per click.
import { afterAll, describe, expect, it } from 'vitest';
import type { Click } from '../clicks/click';
import { computeIou } from '../mask/iou';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { SegmentationModel } from '../model/segmentation-model';
import { JavaScriptModel, recordAllocations } from '../test-support/allocations';
import { decodeImageFile } from '../node/decode-image';
import { createNodeModel } from '../node/onnx-node';
import {
  DEFAULT_MODEL_PATH,
  HAVE_DEFAULT_MODEL,
  NO_MODEL_MESSAGE,
  REPO_ROOT,
} from '../../../../test/support/default-model';
import { ClickPredictor } from './click-predictor';
import { ObjectState } from './object-state';

/** A copy of `image` scaled up by `factor` (nearest neighbour): a larger image with the same content. */
function upscale(image: RgbImage, factor: number): RgbImage {
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 3);
  const src = image.data;
  for (let y = 0, to = 0; y < height; y++) {
    const rowFrom = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++, to += 3) {
      const from = (rowFrom + Math.floor(x / factor)) * 3;
      data[to] = src[from];
      data[to + 1] = src[from + 1];
      data[to + 2] = src[from + 2];
    }
  }
  return { width, height, data };
}

/** Clicks on the example image (the README's two, then refinements), in full-image pixels of the 640 x 480 image. */
const FRUIT_CLICKS: Click[] = [
  { xPx: 300, yPx: 270, isPositive: true },
  { xPx: 520, yPx: 280, isPositive: false },
  { xPx: 250, yPx: 200, isPositive: true },
  { xPx: 380, yPx: 330, isPositive: false },
  { xPx: 330, yPx: 300, isPositive: true },
];

describe.skipIf(!HAVE_DEFAULT_MODEL)('fast path with the default model', () => {
  if (!HAVE_DEFAULT_MODEL) console.warn(NO_MODEL_MESSAGE);
  const models: SegmentationModel[] = [];
  afterAll(async () => {
    for (const model of models) await model.close();
  });

  for (const useFlip of [false, true]) {
    for (const factor of [1, 2]) {
      it(`masks within 1e-3 IoU of the exact path, flip ${useFlip ? 'on' : 'off'}, fruit.png x ${factor}`, async () => {
        const image = upscale(await decodeImageFile(`${REPO_ROOT}examples/images/fruit.png`), factor);
        const clicks = FRUIT_CLICKS.map((c) => ({ ...c, xPx: c.xPx * factor, yPx: c.yPx * factor }));
        const model = await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 1 });
        models.push(model);
        const preset = useFlip ? 'parity' : 'interactive';
        // Refinement off on both sides: this compares the arithmetic paths (refinement has its own tests).
        const common = { preset, useFlip, boundaryRefinement: false } as const;
        const exact = await ClickPredictor.create(model, { ...common, exactArithmetic: true });
        const fast = await ClickPredictor.create(model, { ...common, exactArithmetic: false });
        let exactState: ObjectState | undefined;
        let fastState: ObjectState | undefined;
        const reused: BinaryMask = {
          width: image.width,
          height: image.height,
          data: new Uint8Array(image.width * image.height),
        };
        const ious: number[] = [];
        let largestProbabilityDifference = 0;
        for (let k = 1; k <= clicks.length; k++) {
          // Each path refines its own previous result, as an annotator's tool does.
          const a = await exact.predict(image, clicks.slice(0, k), exactState);
          const b = await fast.predict(image, clicks.slice(0, k), fastState);
          exactState = a.state;
          fastState = b.state;
          const exactMask = a.toMask();
          const fastMask = b.toMask(undefined, reused);
          expect(fastMask).toBe(reused);
          // The reused buffer holds exactly the fresh mask (compared by hand: toEqual is slow on megapixels).
          const fresh = b.toMask().data;
          let differing = 0;
          for (let i = 0; i < fresh.length; i++) if (fresh[i] !== fastMask.data[i]) differing++;
          expect(differing).toBe(0);
          const area = exactMask.data.reduce((sum, v) => sum + v, 0);
          expect(area).toBeGreaterThan(100); // real objects, not empty masks that agree trivially
          ious.push(computeIou(exactMask, fastMask));
          const pa = a.probabilities.data;
          const pb = b.probabilities.data;
          for (let i = 0; i < pa.length; i++)
            largestProbabilityDifference = Math.max(largestProbabilityDifference, Math.abs(pa[i] - pb[i]));
          expect(b.roi).toEqual(a.roi);
        }
        console.log(
          `flip ${useFlip ? 'on' : 'off'}, x ${factor}: 1 - IoU(fast, exact) per click ${ious.map((v) => (1 - v).toExponential(1)).join(' ')}`,
        );
        console.log(`  largest probability difference ${largestProbabilityDifference.toExponential(1)}`);
        // The paths did differ (the fast one ran), by float32 noise only.
        expect(largestProbabilityDifference).toBeGreaterThan(0);
        expect(largestProbabilityDifference).toBeLessThan(1e-3);
        for (const iou of ious) expect(iou).toBeGreaterThanOrEqual(1 - 1e-3);
      });
    }
  }
});

describe('fast path allocations', () => {
  /** An object mask on a `width` x `height` image: a 300 x 200 box at (700, 400), so ROIs are the same on every image size. */
  function objectState(width: number, height: number): ObjectState {
    const data = new Uint8Array(width * height);
    for (let y = 400; y < 600; y++) data.fill(1, y * width + 700, y * width + 1000);
    return ObjectState.fromMask({ width, height, data });
  }

  function image(width: number, height: number): RgbImage {
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
    return { width, height, data };
  }

  /** Three refining clicks and a mask into a reused buffer per click; the allocations of the clicks after the first. */
  async function refineAllocations(width: number, height: number, exactArithmetic: boolean): Promise<number[]> {
    const predictor = await ClickPredictor.create(new JavaScriptModel(), {
      preset: 'interactive',
      exactArithmetic,
      boundaryRefinement: false,
    });
    const picture = image(width, height);
    const mask: BinaryMask = { width, height, data: new Uint8Array(width * height) };
    const clicks: Click[] = [
      { xPx: 850, yPx: 500, isPositive: true },
      { xPx: 760, yPx: 420, isPositive: true },
      { xPx: 990, yPx: 590, isPositive: false },
      { xPx: 900, yPx: 450, isPositive: true },
    ];
    let state = objectState(width, height);
    // The first click resizes the image crop and builds tables: not counted (a new ROI allocates S-size tables).
    const first = await predictor.predict(picture, clicks.slice(0, 1), state);
    first.toMask(undefined, mask);
    state = first.state;
    const lengths = await recordAllocations(async () => {
      for (let k = 2; k <= clicks.length; k++) {
        const result = await predictor.predict(picture, clicks.slice(0, k), state);
        result.toMask(undefined, mask);
        state = result.state;
      }
    });
    await predictor.close();
    return lengths;
  }

  it('allocates no image-sized buffer per click, and the same whatever the image size outside the ROI', async () => {
    const small = await refineAllocations(1920, 1080, false);
    const large = await refineAllocations(3840, 2160, false);
    const netPlane = 64 * 64;
    expect(small.length).toBeGreaterThan(0); // the recorder works (each click keeps S x S probabilities)
    expect(Math.max(...small)).toBeLessThanOrEqual(netPlane);
    expect(large).toEqual(small);
  });

  it('the recorder sees the image-sized mask that toMask() without a buffer allocates', async () => {
    const state = ObjectState.fromMask({ width: 1920, height: 1080, data: new Uint8Array(1920 * 1080).fill(1, 0, 10) });
    const lengths = await recordAllocations(async () => {
      state.toMask();
    });
    expect(lengths).toContain(1920 * 1080);
  });
});

describe('toMask into a reused buffer', () => {
  it('equals a fresh mask whatever the previous contents it wrote (moving, shrinking, empty, value states)', () => {
    const width = 300;
    const height = 200;
    const states: ObjectState[] = [];
    // Resized states (S x S probabilities over ROIs larger than S x S), at several places and sizes.
    for (const [cx, cy, r] of [
      [100, 80, 30],
      [200, 120, 50],
      [150, 100, 5],
      [60, 150, 40],
    ] as const) {
      const size = 32;
      const net = new Float32Array(size * size);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          net[y * size + x] = Math.hypot(x * (299 / 31) - cx, y * (199 / 31) - cy) < r ? 0.9 : 0.1;
      states.push(
        ObjectState.fromNetProbabilities(
          width,
          height,
          { rowMin: 0, rowMax: 199, colMin: 0, colMax: 299 },
          { width: size, height: size, data: net },
        ),
      );
    }
    states.push(ObjectState.empty(width, height));
    const box = new Uint8Array(width * height);
    for (let y = 20; y < 60; y++) box.fill(1, y * width + 30, y * width + 90);
    states.push(ObjectState.fromMask({ width, height, data: box }));
    states.push(states[1]);
    const reused: BinaryMask = { width, height, data: new Uint8Array(width * height).fill(1) }; // not written by the SDK yet
    for (const state of states) {
      const mask = state.toMask(0.49, reused);
      expect(mask).toBe(reused);
      expect(Array.from(mask.data)).toEqual(Array.from(state.toMask(0.49).data));
    }
  });
});
