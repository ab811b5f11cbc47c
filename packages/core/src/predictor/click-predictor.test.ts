import { describe, expect, it } from 'vitest';
import type { Click } from '../clicks/click';
import { encodeClickDisks } from '../clicks/click-maps';
import {
  InvalidArgumentError,
  InvalidClickError,
  InvalidImageError,
  ModelContractError,
  SessionClosedError,
} from '../errors';
import { cropFloatMap, cropRgbImage } from '../image/crop';
import { resizeBilinearPlanar, resizeFloatMap } from '../image/resize-bilinear';
import type { RgbImage } from '../image/rgb-image';
import { rgbImageToPlanarFloat } from '../image/rgb-to-planar-float';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import { createNodeModel } from '../node/onnx-node';
import { maxAbsDifference, tinyGraphLogits, tinyGraphPath } from '../../test-support/tiny-graph';
import { ClickPredictor } from './click-predictor';
import type { ObjectState } from './object-state';
import type { Roi } from '../image/roi';
import { candidateRoi, selectRoi } from './zoom-in';

const S = 32;

/** A model computed in JavaScript: logits grow near positive disks and where the previous mask was. */
function fakeLogits(input: NetInput): Float32Array {
  const plane = input.sizePx * input.sizePx;
  const logits = new Float32Array(input.batchSize * plane);
  for (let b = 0; b < input.batchSize; b++) {
    for (let i = 0; i < plane; i++) {
      const base = b * 3 * plane;
      const col = i % input.sizePx;
      logits[b * plane + i] =
        8 * (input.clickMaps[base + plane + i] - input.clickMaps[base + 2 * plane + i]) +
        3 * input.clickMaps[base + i] +
        (input.image[base + i] - 0.5) +
        0.05 * (col - input.sizePx / 2) -
        2;
    }
  }
  return logits;
}

class FakeModel implements SegmentationModel {
  readonly metadata = { variant: 'fake', inputSizePx: S, patchSizePx: 16, trainingData: 'none', version: '0', raw: {} };
  readonly inputs: NetInput[] = [];
  closed = false;
  constructor(private readonly compute: (input: NetInput) => Float32Array = fakeLogits) {}
  async run(input: NetInput): Promise<NetOutput> {
    // Copy: the predictor reuses its buffers.
    this.inputs.push({ ...input, image: input.image.slice(), clickMaps: input.clickMaps.slice() });
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { logits: this.compute(input) };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function makeImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = (i * 7) % 256;
    data[3 * i + 1] = (i * 13) % 256;
    data[3 * i + 2] = (i * 31) % 256;
  }
  return { width, height, data };
}

/** What {@link referenceStep} carries from click to click: full-size probabilities and the ROI (none at first). */
interface ReferenceState {
  probabilities: Float32Array;
  roi: Roi | null;
}

/**
 * The official pipeline written out plainly with full-size maps: crop, convert, resize the 4-channel crop,
 * map clicks, draw disks, mirror, run, average, sigmoid, resize back, paste into zeros.
 */
function referenceStep(
  image: RgbImage,
  clicks: Click[],
  previous: ReferenceState,
  useFlip: boolean,
  compute: (input: NetInput) => Float32Array,
): { probabilities: Float32Array; roi: Roi } {
  const { width, height } = image;
  let foreground: Roi | null = null;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (previous.probabilities[y * width + x] > 0.5) {
        foreground = foreground
          ? {
              rowMin: Math.min(foreground.rowMin, y),
              rowMax: y,
              colMin: Math.min(foreground.colMin, x),
              colMax: Math.max(foreground.colMax, x),
            }
          : { rowMin: y, rowMax: y, colMin: x, colMax: x };
      }
    }
  }
  const roi = selectRoi(previous.roi, candidateRoi(foreground, clicks, width, height), clicks);
  const roiWidth = roi.colMax - roi.colMin + 1;
  const roiHeight = roi.rowMax - roi.rowMin + 1;
  const crop = new Float32Array(4 * roiWidth * roiHeight);
  crop.set(rgbImageToPlanarFloat(cropRgbImage(image, roi)));
  crop.set(cropFloatMap({ width, height, data: previous.probabilities }, roi).data, 3 * roiWidth * roiHeight);
  const resized = resizeBilinearPlanar(crop, roiWidth, roiHeight, 4, S, S, {
    alignCorners: true,
    torchKernel: 'generic',
  });
  const plane = S * S;
  const batch = useFlip ? 2 : 1;
  const imageInput = new Float32Array(batch * 3 * plane);
  const clickMaps = new Float32Array(batch * 3 * plane);
  imageInput.set(resized.subarray(0, 3 * plane));
  clickMaps.set(resized.subarray(3 * plane));
  const netClicks = clicks.map((c) => ({
    yNet: (S * (c.yPx - roi.rowMin)) / roiHeight,
    xNet: (S * (c.xPx - roi.colMin)) / roiWidth,
    isPositive: c.isPositive,
  }));
  const disks = encodeClickDisks(netClicks, S);
  clickMaps.set(disks.positive, plane);
  clickMaps.set(disks.negative, 2 * plane);
  if (useFlip) {
    for (let channel = 0; channel < 3; channel++) {
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++)
          imageInput[(3 + channel) * plane + y * S + x] = imageInput[channel * plane + y * S + (S - 1 - x)];
      }
    }
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) clickMaps[3 * plane + y * S + x] = clickMaps[y * S + (S - 1 - x)];
    const mirrored = encodeClickDisks(
      netClicks.map((c) => ({ ...c, xNet: S - c.xNet - 1 })),
      S,
    );
    clickMaps.set(mirrored.positive, 4 * plane);
    clickMaps.set(mirrored.negative, 5 * plane);
  }
  const logits = compute({ batchSize: batch, sizePx: S, image: imageInput, clickMaps });
  const f = Math.fround;
  const netProbabilities = new Float32Array(plane);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const value = useFlip ? f(0.5 * f(logits[y * S + x] + logits[plane + y * S + (S - 1 - x)])) : logits[y * S + x];
      netProbabilities[y * S + x] = f(1 / f(1 + f(Math.exp(-value))));
    }
  }
  const back = resizeFloatMap({ width: S, height: S, data: netProbabilities }, roiWidth, roiHeight);
  const probabilities = new Float32Array(width * height);
  for (let y = 0; y < roiHeight; y++) {
    probabilities.set(back.data.subarray(y * roiWidth, (y + 1) * roiWidth), (roi.rowMin + y) * width + roi.colMin);
  }
  return { probabilities, roi };
}

const CLICKS: Click[] = [
  { xPx: 300, yPx: 150, isPositive: true },
  { xPx: 310.5, yPx: 170.25, isPositive: true },
  { xPx: 296, yPx: 140, isPositive: false },
  { xPx: 40, yPx: 20, isPositive: true }, // far away: the ROI must grow
];

describe('ClickPredictor follows the official pipeline step by step', () => {
  for (const preset of ['parity', 'interactive'] as const) {
    it(`${preset}: ROIs, model inputs and probabilities over four clicks`, async () => {
      const image = makeImage(420, 300);
      const model = new FakeModel();
      // Exact arithmetic for both: the step-by-step reference is PyTorch's (the interactive preset's fast path
      // is compared with the exact one in fast-path.test.ts).
      const predictor = await ClickPredictor.create(model, {
        preset,
        exactArithmetic: true,
        boundaryRefinement: false,
      });
      const useFlip = preset === 'parity';
      expect(predictor.options.useFlip).toBe(useFlip);
      let reference: ReferenceState = { probabilities: new Float32Array(420 * 300), roi: null };
      let state;
      const rois: Roi[] = [];
      for (let k = 1; k <= CLICKS.length; k++) {
        const clicks = CLICKS.slice(0, k);
        const result = await predictor.predict(image, clicks, state);
        reference = referenceStep(image, clicks, reference, useFlip, fakeLogits);
        expect(result.roi).toEqual(reference.roi);
        expect(result.probabilities.data).toEqual(reference.probabilities);
        expect(model.inputs[k - 1].batchSize).toBe(useFlip ? 2 : 1);
        expect(result.toMask().data).toEqual(
          Uint8Array.from(reference.probabilities, (p) => (p > Math.fround(0.49) ? 1 : 0)),
        );
        expect(result.timing.totalMs).toBeGreaterThanOrEqual(result.timing.modelMs);
        state = result.state;
        rois.push(result.roi);
      }
      // The zoom-in did something: whole image first, a crop around the object later, grown for the far click.
      expect(rois[0]).toEqual({ rowMin: 0, rowMax: 299, colMin: 0, colMax: 419 });
      expect(rois[1]).not.toEqual(rois[0]);
      expect(rois[3].colMin).toBeLessThanOrEqual(40);
      await predictor.close();
      expect(model.closed).toBe(true);
    });
  }

  it('feeds the mirrored crop with disks drawn from x" = S - x\' - 1 and the mirrored image', async () => {
    const model = new FakeModel();
    const predictor = await ClickPredictor.create(model, { preset: 'parity' });
    const image = makeImage(100, 100); // smaller than the 200-pixel minimum: the ROI is the whole image
    await predictor.predict(image, [{ xPx: 10, yPx: 50, isPositive: true }]);
    const { clickMaps } = model.inputs[0];
    const plane = S * S;
    const xNet = (S * 10) / 100;
    const expected = encodeClickDisks([{ yNet: 16, xNet: S - xNet - 1, isPositive: true }], S).positive;
    expect(clickMaps.subarray(4 * plane, 5 * plane)).toEqual(expected);
    // (A mirrored raster would look the same here: the two differ only through float32 rounding on the rim,
    // which a random search of 200,000 clicks never hit; the code follows the official coordinates anyway.)
    const { image: imageInput } = model.inputs[0];
    for (let channel = 0; channel < 3; channel++) {
      for (let y = 0; y < S; y += 7) {
        for (let x = 0; x < S; x += 5) {
          expect(imageInput[(3 + channel) * plane + y * S + x]).toBe(imageInput[channel * plane + y * S + (S - 1 - x)]);
        }
      }
    }
  });

  it('starts from an imported mask: its box sets the first ROI and it is the previous-mask channel', async () => {
    const model = new FakeModel();
    const predictor = await ClickPredictor.create(model, { exactArithmetic: true, boundaryRefinement: false });
    const image = makeImage(420, 300);
    const mask = new Uint8Array(420 * 300);
    for (let y = 100; y < 130; y++) for (let x = 200; x < 260; x++) mask[y * 420 + x] = 1;
    const start = predictor.stateFromMask(image, { width: 420, height: 300, data: mask });
    const clicks = [{ xPx: 230, yPx: 115, isPositive: true }];
    const result = await predictor.predict(image, clicks, start);
    const reference = referenceStep(
      image,
      clicks,
      { probabilities: Float32Array.from(mask), roi: null },
      false,
      fakeLogits,
    );
    expect(result.roi).toEqual(reference.roi);
    expect(result.roi).not.toEqual({ rowMin: 0, rowMax: 299, colMin: 0, colMax: 419 });
    expect(result.probabilities.data).toEqual(reference.probabilities);
  });

  it('runs concurrent calls one at a time with the same results as in sequence', async () => {
    const image = makeImage(420, 300);
    const predictor = await ClickPredictor.create(new FakeModel());
    const a = [{ xPx: 100, yPx: 100, isPositive: true }];
    const b = [{ xPx: 300, yPx: 200, isPositive: true }];
    const [ra, rb] = await Promise.all([predictor.predict(image, a), predictor.predict(image, b)]);
    const sa = await predictor.predict(image, a);
    const sb = await predictor.predict(image, b);
    expect(ra.probabilities.data).toEqual(sa.probabilities.data);
    expect(rb.probabilities.data).toEqual(sb.probabilities.data);
  });
});

describe('ClickPredictor crop reuse', () => {
  it('reuses the crop of the same image and ROI, and resizes a new image again', async () => {
    for (const preset of ['parity', 'interactive'] as const) {
      const model = new FakeModel();
      const predictor = await ClickPredictor.create(model, { preset });
      const image = makeImage(150, 120); // under the 200-pixel minimum: the ROI is always the whole image
      const clicks = [{ xPx: 40, yPx: 50, isPositive: true }];
      const first = await predictor.predict(image, clicks);
      const second = await predictor.predict(image, [...clicks, { xPx: 60, yPx: 55, isPositive: false }], first.state);
      expect(second.roi).toEqual(first.roi);
      expect(model.inputs[1].image).toEqual(model.inputs[0].image);
      // Same size and ROI, other pixels: must not reuse.
      const other = { ...image, data: image.data.map((v) => 255 - v) };
      await predictor.predict(other, clicks);
      expect(model.inputs[2].image).not.toEqual(model.inputs[0].image);
      const fresh = new FakeModel();
      await (await ClickPredictor.create(fresh, { preset })).predict(other, clicks);
      expect(model.inputs[2].image).toEqual(fresh.inputs[0].image);
    }
  });
});

describe('ClickPredictor whole-image crop', () => {
  it("reuses the whole image's crop for the next object's first click, and resizes a new image again", async () => {
    for (const preset of ['parity', 'interactive'] as const) {
      const model = new FakeModel();
      const predictor = await ClickPredictor.create(model, { preset });
      const image = makeImage(420, 300);
      const first = await predictor.predict(image, [{ xPx: 200, yPx: 150, isPositive: true }]);
      expect(first.roi).toEqual({ rowMin: 0, rowMax: 299, colMin: 0, colMax: 419 });
      // An object from a mask: its ROI is not the whole image, so the last crop is another one.
      const mask = new Uint8Array(420 * 300);
      for (let y = 100; y < 130; y++) for (let x = 200; x < 260; x++) mask[y * 420 + x] = 1;
      const object = await predictor.predict(
        image,
        [{ xPx: 220, yPx: 110, isPositive: true }],
        predictor.stateFromMask(image, { width: 420, height: 300, data: mask }),
      );
      expect(object.roi).not.toEqual(first.roi);
      await predictor.predict(image, [{ xPx: 50, yPx: 60, isPositive: true }]);
      expect(model.inputs[2].image).toEqual(model.inputs[0].image);
      const other = { ...image, data: image.data.map((v) => 255 - v) };
      await predictor.predict(other, [{ xPx: 50, yPx: 60, isPositive: true }]);
      const fresh = new FakeModel();
      await (await ClickPredictor.create(fresh, { preset })).predict(other, [{ xPx: 50, yPx: 60, isPositive: true }]);
      expect(model.inputs[3].image).toEqual(fresh.inputs[0].image);
      expect(model.inputs[3].image).not.toEqual(model.inputs[0].image);
    }
  });
});

describe('ClickPredictor keeps large ROIs at network resolution', () => {
  it('gives the same ROIs, model inputs, probabilities and masks as building every ROI map eagerly', async () => {
    for (const preset of ['parity', 'interactive'] as const) {
      const image = makeImage(420, 300); // ROIs up to 420 x 300, far more than S x S = 32 x 32 pixels
      const lazyModel = new FakeModel();
      const eagerModel = new FakeModel();
      const lazy = await ClickPredictor.create(lazyModel, { preset, exactArithmetic: true, boundaryRefinement: false });
      const eager = await ClickPredictor.create(
        eagerModel,
        { preset, exactArithmetic: true, boundaryRefinement: false },
        { eagerRoiProbabilities: true },
      );
      const clicks: Click[] = [
        { xPx: 200, yPx: 150, isPositive: true },
        { xPx: 60, yPx: 40, isPositive: false },
        { xPx: 380, yPx: 260, isPositive: true },
        { xPx: 210, yPx: 100, isPositive: false },
        { xPx: 5, yPx: 295, isPositive: true },
      ];
      let lazyState: ObjectState | undefined;
      let eagerState: ObjectState | undefined;
      let networkStates = 0;
      for (let k = 1; k <= clicks.length; k++) {
        const a = await lazy.predict(image, clicks.slice(0, k), lazyState);
        const b = await eager.predict(image, clicks.slice(0, k), eagerState);
        expect(a.roi).toEqual(b.roi);
        expect(lazyModel.inputs[k - 1].clickMaps).toEqual(eagerModel.inputs[k - 1].clickMaps);
        expect(lazyModel.inputs[k - 1].image).toEqual(eagerModel.inputs[k - 1].image);
        expect(a.probabilities.data).toEqual(b.probabilities.data);
        expect(a.toMask().data).toEqual(b.toMask().data);
        expect(a.toMask(0.5).data).toEqual(b.toMask(0.5).data);
        expect(a.state.foregroundBox(0.5)).toEqual(b.state.foregroundBox(0.5));
        expect(b.state.resizedRegionProbabilities).toBeNull();
        const roiPixels = (a.roi.rowMax - a.roi.rowMin + 1) * (a.roi.colMax - a.roi.colMin + 1);
        expect(a.state.resizedRegionProbabilities !== null).toBe(roiPixels > S * S);
        if (a.state.resizedRegionProbabilities !== null) networkStates++;
        lazyState = a.state;
        eagerState = b.state;
      }
      expect(networkStates).toBeGreaterThan(0);
      // The previous mask mattered: the click maps carry a non-zero previous-probability channel.
      expect(
        lazyModel.inputs
          .at(-1)!
          .clickMaps.subarray(0, S * S)
          .some((v) => v > 0),
      ).toBe(true);
    }
  });

  it('keeps the values of an ROI of at most S x S pixels', async () => {
    for (const exactArithmetic of [true, false]) {
      const predictor = await ClickPredictor.create(new FakeModel(), { exactArithmetic });
      const result = await predictor.predict(makeImage(30, 20), [{ xPx: 10, yPx: 10, isPositive: true }]);
      expect(result.state.resizedRegionProbabilities).toBeNull();
      expect(result.state.regionProbabilities?.length).toBe(600);
    }
  });
});

describe('ClickPredictor input checks', () => {
  it('rejects bad input with typed errors and keeps working', async () => {
    const predictor = await ClickPredictor.create(new FakeModel());
    const image = makeImage(50, 40);
    const good = [{ xPx: 5, yPx: 5, isPositive: true }];
    await expect(predictor.predict(image, [])).rejects.toThrow(InvalidClickError);
    await expect(predictor.predict(image, [{ xPx: 50, yPx: 5, isPositive: true }])).rejects.toThrow(InvalidClickError);
    await expect(predictor.predict({ width: 50, height: 40, data: new Uint8Array(10) }, good)).rejects.toThrow(
      InvalidImageError,
    );
    const other = await predictor.predict(makeImage(60, 40), [{ xPx: 5, yPx: 5, isPositive: true }]);
    await expect(predictor.predict(image, good, other.state)).rejects.toThrow(InvalidArgumentError);
    await expect(predictor.predict(image, good)).resolves.toBeDefined();
    await predictor.close();
    await expect(predictor.predict(image, good)).rejects.toThrow(SessionClosedError);
  });

  it('rejects bad options and a model whose output has the wrong size', async () => {
    await expect(ClickPredictor.create(new FakeModel(), { maskThreshold: 2 })).rejects.toThrow(InvalidArgumentError);
    await expect(ClickPredictor.create(new FakeModel(), { preset: 'fast' as never })).rejects.toThrow(
      InvalidArgumentError,
    );
    const broken = await ClickPredictor.create(new FakeModel(() => new Float32Array(10)));
    await expect(broken.predict(makeImage(50, 40), [{ xPx: 5, yPx: 5, isPositive: true }])).rejects.toThrow(
      ModelContractError,
    );
  });

  it('re-thresholds without running the model again', async () => {
    const model = new FakeModel();
    const predictor = await ClickPredictor.create(model, { maskThreshold: 0.3 });
    const result = await predictor.predict(makeImage(50, 40), [{ xPx: 25, yPx: 20, isPositive: true }]);
    const loose = result.toMask();
    const strict = result.toMask(0.9);
    expect(model.inputs.length).toBe(1);
    const count = (m: { data: Uint8Array }) => m.data.reduce((a, v) => a + v, 0);
    expect(count(loose)).toBeGreaterThan(count(strict));
    expect(loose).toEqual(result.state.toMask(0.3));
  });
});

describe('ClickPredictor on the tiny ONNX graph (onnxruntime-node)', () => {
  it('matches the step-by-step reference with flip, within float32 noise', async () => {
    const model = await createNodeModel(tinyGraphPath('tiny-s32.onnx'));
    const predictor = await ClickPredictor.create(model, { preset: 'parity' });
    const image = makeImage(420, 300);
    const compute = (input: NetInput) => tinyGraphLogits(input.image, input.clickMaps, input.batchSize);
    let reference: ReferenceState = { probabilities: new Float32Array(420 * 300), roi: null };
    let state;
    for (let k = 1; k <= 3; k++) {
      const clicks = CLICKS.slice(0, k);
      const result = await predictor.predict(image, clicks, state);
      reference = referenceStep(image, clicks, reference, true, compute);
      expect(result.roi).toEqual(reference.roi);
      expect(maxAbsDifference(result.probabilities.data, reference.probabilities)).toBeLessThan(1e-5);
      state = result.state;
    }
    await predictor.close();
  });
});

/** The IEEE-754 bit patterns of float32 values, so that comparisons are bit for bit (-0 against 0 included). */
function float32Bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

describe('ClickPredictor.prepareImage', () => {
  it('gives the same model inputs and results, bit for bit, as predict alone', async () => {
    for (const preset of ['parity', 'interactive'] as const) {
      const image = makeImage(420, 300); // whole-image ROI of 420 x 300, far more than S x S: the resize matters
      const preparedModel = new FakeModel();
      const plainModel = new FakeModel();
      const prepared = await ClickPredictor.create(preparedModel, { preset });
      const plain = await ClickPredictor.create(plainModel, { preset });
      await prepared.prepareImage(image);
      // An object refined over three clicks, then the first click of a second object (the crop kept either way).
      const steps: { clicks: Click[]; first: boolean }[] = [
        { clicks: CLICKS.slice(0, 1), first: true },
        { clicks: CLICKS.slice(0, 2), first: false },
        { clicks: CLICKS.slice(0, 4), first: false },
        { clicks: [{ xPx: 50, yPx: 250, isPositive: true }], first: true },
      ];
      let preparedState: ObjectState | undefined;
      let plainState: ObjectState | undefined;
      for (const [k, { clicks, first }] of steps.entries()) {
        const a = await prepared.predict(image, clicks, first ? undefined : preparedState);
        const b = await plain.predict(image, clicks, first ? undefined : plainState);
        expect(a.roi).toEqual(b.roi);
        expect(float32Bits(preparedModel.inputs[k].image)).toEqual(float32Bits(plainModel.inputs[k].image));
        expect(float32Bits(preparedModel.inputs[k].clickMaps)).toEqual(float32Bits(plainModel.inputs[k].clickMaps));
        expect(float32Bits(a.probabilities.data)).toEqual(float32Bits(b.probabilities.data));
        expect(a.toMask().data).toEqual(b.toMask().data);
        preparedState = a.state;
        plainState = b.state;
      }
      expect(preparedModel.inputs[0].batchSize).toBe(preset === 'parity' ? 2 : 1);
      expect(steps.map((_, k) => preparedModel.inputs[k].image.length)).toEqual(
        steps.map((_, k) => plainModel.inputs[k].image.length),
      );
    }
  });

  it('computes the crop the first click then uses, once: preparing the same image again does nothing', async () => {
    const image = makeImage(420, 300);
    const original: RgbImage = { ...image, data: image.data.slice() };
    const model = new FakeModel();
    const predictor = await ClickPredictor.create(model);
    await predictor.prepareImage(image);
    // Writing into a `data` array in use is not supported; here it shows when the crop was computed: a crop
    // computed at the first click (or by the second prepareImage) would be that of the new pixels.
    image.data.set(image.data.map((v) => 255 - v));
    await predictor.prepareImage(image);
    await predictor.predict(image, [{ xPx: 200, yPx: 150, isPositive: true }]);
    const fresh = new FakeModel();
    await (await ClickPredictor.create(fresh)).predict(original, [{ xPx: 200, yPx: 150, isPositive: true }]);
    expect(float32Bits(model.inputs[0].image)).toEqual(float32Bits(fresh.inputs[0].image));
  });

  it('keeps one image: the first click on another image resizes that image, as without preparation', async () => {
    for (const preset of ['parity', 'interactive'] as const) {
      const image = makeImage(420, 300);
      const other: RgbImage = { ...image, data: image.data.map((v) => 255 - v) };
      const model = new FakeModel();
      const predictor = await ClickPredictor.create(model, { preset });
      await predictor.prepareImage(image);
      await predictor.prepareImage(other); // replaces the crop of `image`
      const click = [{ xPx: 200, yPx: 150, isPositive: true }];
      await predictor.predict(image, click);
      await predictor.predict(other, click);
      const fresh = new FakeModel();
      const reference = await ClickPredictor.create(fresh, { preset });
      await reference.predict(image, click);
      await reference.predict(other, click);
      expect(float32Bits(model.inputs[0].image)).toEqual(float32Bits(fresh.inputs[0].image));
      expect(float32Bits(model.inputs[1].image)).toEqual(float32Bits(fresh.inputs[1].image));
      expect(float32Bits(model.inputs[0].image)).not.toEqual(float32Bits(model.inputs[1].image));
    }
  });

  it('is queued with predict, checks the image, and rejects after close', async () => {
    const image = makeImage(420, 300);
    const other: RgbImage = { ...image, data: image.data.map((v) => 255 - v) };
    const model = new FakeModel();
    const predictor = await ClickPredictor.create(model);
    const click = [{ xPx: 100, yPx: 80, isPositive: true }];
    // Called while a prediction runs: it waits its turn and the results are those of calls made in sequence.
    const [first, , second] = await Promise.all([
      predictor.predict(image, click),
      predictor.prepareImage(other),
      predictor.predict(other, click),
    ]);
    const fresh = await ClickPredictor.create(new FakeModel());
    expect(float32Bits(first.probabilities.data)).toEqual(
      float32Bits((await fresh.predict(image, click)).probabilities.data),
    );
    expect(float32Bits(second.probabilities.data)).toEqual(
      float32Bits((await fresh.predict(other, click)).probabilities.data),
    );
    await expect(predictor.prepareImage({ width: 420, height: 300, data: new Uint8Array(10) })).rejects.toThrow(
      InvalidImageError,
    );
    await expect(predictor.prepareImage(null as unknown as RgbImage)).rejects.toThrow(InvalidImageError);
    expect(model.inputs.length).toBe(2); // preparing never runs the model
    await predictor.close();
    await expect(predictor.prepareImage(image)).rejects.toThrow(SessionClosedError);
  });
});
