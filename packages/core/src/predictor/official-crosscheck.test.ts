import { describe, expect, it } from 'vitest';
import type { Click } from '../clicks/click';
import { ClickSimulator } from '../eval/click-simulator';
import { computeIou } from '../mask/iou';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import fixture from './__fixtures__/official-crosscheck.json';
import { ClickPredictor } from './click-predictor';
import type { ObjectState } from './object-state';

// The reference is the official SimpleClick v1.0 predictor code itself, run with a stand-in network on synthetic
// images (packages/core/scripts/make-official-crosscheck-fixture.py). The same stand-in network written here in
// float32 steps gives identical logits, so clicks, ROIs, masks and IoUs must match exactly; probabilities may
// differ only in the last bits (sigmoid's exp).

type Sample = (typeof fixture.samples)[number];

function ellipseValue(x: number, y: number, [cx, cy, rx, ry]: number[]): number {
  const u = (x - cx) / rx;
  const v = (y - cy) / ry;
  return u * u + v * v;
}

/** The script's `synthesize`, pixel for pixel. */
function synthesize(sample: Sample): { image: RgbImage; gt: BinaryMask; ignore?: BinaryMask } {
  const { width, height, ellipses, ignoreBandPx } = sample;
  const data = new Uint8Array(width * height * 3);
  const gt = new Uint8Array(width * height);
  const ignore = new Uint8Array(width * height);
  const [cx, cy, rx, ry] = ellipses[0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inside = ellipses.some((e) => ellipseValue(x, y, e) <= 1);
      data[3 * i] = inside ? 190 + ((x + y) % 30) : 60 + ((x * 7 + y * 3) % 50);
      data[3 * i + 1] = inside ? 40 + ((x * 3) % 20) : 90 + ((x * 5 + y * 11) % 40);
      data[3 * i + 2] = inside ? 50 + ((y * 5) % 20) : 130 + ((x * 3 + y * 7) % 60);
      gt[i] = ellipseValue(x, y, ellipses[0]) <= 1 ? 1 : 0;
      if (ignoreBandPx > 0) {
        const outer = ellipseValue(x, y, [cx, cy, rx + ignoreBandPx, ry + ignoreBandPx]) <= 1;
        const inner = ellipseValue(x, y, [cx, cy, rx - ignoreBandPx, ry - ignoreBandPx]) <= 1;
        if (outer && !inner) {
          ignore[i] = 1;
          gt[i] = 0;
        }
      }
    }
  }
  return {
    image: { width, height, data },
    gt: { width, height, data: gt },
    ...(ignoreBandPx > 0 ? { ignore: { width, height, data: ignore } } : {}),
  };
}

/** The stand-in network of the script in float32 steps (official BatchImageNormalize, then the formula). */
class StandInModel implements SegmentationModel {
  readonly metadata = {
    variant: 'stand-in',
    inputSizePx: fixture.netSizePx,
    patchSizePx: 16,
    trainingData: 'none',
    version: '0',
    raw: {},
  };
  constructor(private readonly colourWeight: number) {}
  async run(input: NetInput): Promise<NetOutput> {
    const f = Math.fround;
    const size = input.sizePx;
    const plane = size * size;
    const [meanR, meanG, stdR, stdG] = [f(0.485), f(0.456), f(0.229), f(0.224)];
    const weight = f(this.colourWeight);
    const logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      const base = b * 3 * plane;
      for (let i = 0; i < plane; i++) {
        const red = f(f(input.image[base + i] - meanR) / stdR);
        const green = f(f(input.image[base + plane + i] - meanG) / stdG);
        const ramp = f(f((i % size) - 223.5) / 224);
        let value = f(f(red - green) * weight);
        value = f(value - 1.5);
        value = f(value + f(f(input.clickMaps[base + plane + i] - input.clickMaps[base + 2 * plane + i]) * 6));
        value = f(value + f(f(input.clickMaps[base + i] - 0.5) * 3));
        logits[b * plane + i] = f(value + ramp);
      }
    }
    return { logits };
  }
  async close(): Promise<void> {}
}

describe(`ClickPredictor reproduces the official v1.0 predictor (${fixture.official.commit.slice(0, 10)})`, () => {
  for (const run of fixture.runs) {
    const sample = fixture.samples.find((s) => s.id === run.sampleId)!;
    it(`${run.sampleId}, flip ${run.flip ? 'on' : 'off'}: ${run.steps.length} clicks`, async () => {
      const { image, gt, ignore } = synthesize(sample);
      const predictor = await ClickPredictor.create(new StandInModel(sample.colourWeight), {
        preset: run.flip ? 'parity' : 'interactive',
        exactArithmetic: true, // the official arithmetic; the fast path is tested in fast-path.test.ts
        boundaryRefinement: false, // not in the official predictor
      });
      const simulator = ClickSimulator.create(gt, ignore);
      let mask: BinaryMask = { width: gt.width, height: gt.height, data: new Uint8Array(gt.data.length) };
      let state: ObjectState | undefined;
      for (const [k, step] of run.steps.entries()) {
        const where = `click ${k + 1}`;
        simulator.addNextClick(mask);
        const clicks: readonly Click[] = simulator.clicks;
        expect(clicks[k], `${where}: click`).toEqual(step.click);
        const result = await predictor.predict(image, clicks, state);
        state = result.state;
        expect(result.roi, `${where}: ROI`).toEqual(step.roi);
        mask = result.toMask(fixture.threshold);
        expect(
          mask.data.reduce((sum, v) => sum + v, 0),
          `${where}: mask pixels`,
        ).toBe(step.maskPixels);
        expect(computeIou(gt, mask, ignore), `${where}: IoU`).toBe(step.iou);
        let sum = 0;
        for (const p of result.probabilities.data) sum += p;
        expect(Math.abs(sum - step.probabilitySum), `${where}: sum of probabilities`).toBeLessThan(1e-3);
      }
      await predictor.close();
    });
  }

  it('the fixture exercises the zoom-in: crops other than the whole image, recomputed several times', () => {
    for (const run of fixture.runs) {
      const sample = fixture.samples.find((s) => s.id === run.sampleId)!;
      const distinct = new Set(run.steps.map((s) => JSON.stringify(s.roi)));
      expect(distinct.size).toBeGreaterThan(1);
      expect(run.steps[1].roi).not.toEqual({
        rowMin: 0,
        rowMax: sample.height - 1,
        colMin: 0,
        colMax: sample.width - 1,
      });
    }
    expect(
      Math.max(...fixture.runs.map((r) => new Set(r.steps.map((s) => JSON.stringify(s.roi))).size)),
    ).toBeGreaterThanOrEqual(5);
  });
});
