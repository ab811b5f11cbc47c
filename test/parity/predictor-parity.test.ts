/**
 * Parity of the TypeScript predictor (preset 'parity') with the Python reference evaluator of the official
 * SimpleClick behaviour. Each fixture set (manifest.json, written by `python3 -m simpleclick fixtures`) holds,
 * per object, the simulated clicks, the ROI and IoU after every click, NoC, and some probability maps:
 * - test/fixtures/parity: the embedded default model on GrabCut and Berkeley objects;
 * - test/fixtures/parity-toy: a tiny stand-in network (it grows the previous mask and paints the click disks)
 *   whose masks follow the clicks, so the zoom-in really crops, keeps and recomputes ROIs, whatever the
 *   quality of the default model.
 *
 * For every object the full official loop is simulated again in TypeScript (click simulator + predictor) and
 * compared click by click: the click sequence and the ROIs exactly, IoU within 1e-3, the probability maps
 * within 1e-3 (the only expected difference is onnxruntime vs PyTorch logits, about 1e-4), NoC exactly.
 *
 * Needs the model named in the manifest (its sha256 must match) and the data (../shared/data, or the folder in
 * SIMPLECLICK_DATA); skips with a message when either is missing. SIMPLECLICK_PARITY_MAX_OBJECTS limits the
 * number of objects (default: all).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  computeIou,
  createNodeModel,
  decodeImageFile,
  type BinaryMask,
  type Click,
  type ClickSegmenter,
  type ObjectState,
  type PredictionResult,
  type Roi,
} from '@simpleclick/core/node';
import { evaluateObject, readGroundTruthFile, type MaskEncoding } from '@simpleclick/core/eval';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE_SETS = ['test/fixtures/parity', 'test/fixtures/parity-toy'];
const DATA_ROOT = resolve(REPO_ROOT, process.env.SIMPLECLICK_DATA ?? '../shared/data');
const MAX_OBJECTS = Number(process.env.SIMPLECLICK_PARITY_MAX_OBJECTS ?? Number.POSITIVE_INFINITY);
const PROBABILITY_TOLERANCE = 1e-3;
const IOU_TOLERANCE = 1e-3;

interface ParityObject {
  readonly id: string;
  readonly dataset: string;
  readonly image: string;
  readonly mask: string;
  readonly width: number;
  readonly height: number;
  readonly clicks: readonly Click[];
  readonly rois: readonly Roi[];
  readonly ious: readonly number[];
  readonly noc: Readonly<Record<string, number>>;
  readonly probMaps?: readonly { readonly afterClick: number; readonly file: string }[];
}

interface ParityManifest {
  readonly generator: string;
  readonly model: { readonly path: string; readonly sha256: string };
  readonly predictor: { readonly flip: boolean; readonly netSizePx: number; readonly threshold: number };
  readonly protocol: {
    readonly maxClicks: number;
    readonly earlyStop: boolean;
    readonly iouThresholds: readonly number[];
  };
  readonly objects: readonly ParityObject[];
}

/** How the official loaders read each benchmark's masks. */
const MASK_ENCODINGS: Readonly<Record<string, MaskEncoding>> = {
  GrabCut: 'grabcut',
  Berkeley: 'grabcut',
  DAVIS: 'any-nonzero',
  COCO_MVal: 'any-nonzero',
};

function whyNotRunnable(manifestPath: string): string | undefined {
  if (!existsSync(manifestPath))
    return `no parity fixtures at ${manifestPath} (written by the Python reference evaluator)`;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ParityManifest;
  const modelPath = join(REPO_ROOT, manifest.model.path);
  if (!existsSync(modelPath)) return `the manifest's model ${modelPath} is missing`;
  if (!existsSync(DATA_ROOT)) return `no data at ${DATA_ROOT} (set SIMPLECLICK_DATA)`;
  return undefined;
}

function readProbabilityMap(fixtureDir: string, file: string, width: number, height: number): Float32Array {
  const bytes = gunzipSync(readFileSync(join(fixtureDir, file)));
  expect(bytes.length).toBe(width * height * 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const probabilities = new Float32Array(width * height);
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = view.getUint16(2 * i, true) / 65535;
  return probabilities;
}

for (const fixtureSet of FIXTURE_SETS) {
  const fixtureDir = join(REPO_ROOT, fixtureSet);
  const manifestPath = join(fixtureDir, 'manifest.json');
  const skipReason = whyNotRunnable(manifestPath);

  describe.skipIf(skipReason !== undefined)(`predictor parity with the Python reference (${fixtureSet})`, () => {
    const manifest = (
      skipReason === undefined ? JSON.parse(readFileSync(manifestPath, 'utf8')) : undefined
    ) as ParityManifest;
    let predictor: ClickPredictor;

    beforeAll(async () => {
      const modelPath = join(REPO_ROOT, manifest.model.path);
      const sha256 = createHash('sha256').update(readFileSync(modelPath)).digest('hex');
      expect(sha256, `${manifest.model.path} is not the model the fixtures were made with`).toBe(manifest.model.sha256);
      predictor = await ClickPredictor.create(await createNodeModel(modelPath), { preset: 'parity' });
    });
    afterAll(async () => {
      await predictor?.close();
    });

    it('uses the predictor settings of the fixtures', () => {
      expect(predictor.options.useFlip).toBe(manifest.predictor.flip);
      expect(predictor.netSizePx).toBe(manifest.predictor.netSizePx);
      expect(predictor.options.maskThreshold).toBe(manifest.predictor.threshold);
    });

    const objects = (manifest?.objects ?? []).slice(0, MAX_OBJECTS);
    for (const object of objects) {
      const encoding = MASK_ENCODINGS[object.dataset];
      it.skipIf(encoding === undefined)(`${object.id}: clicks, ROIs, IoUs, probabilities and NoC`, async () => {
        const image = await decodeImageFile(join(DATA_ROOT, object.image));
        const { gt, ignore } = await readGroundTruthFile(join(DATA_ROOT, object.mask), encoding);
        expect([image.width, image.height]).toEqual([object.width, object.height]);

        // The predictor, recording every prediction, so the loop can be checked click by click.
        const results: PredictionResult[] = [];
        const segmenter: ClickSegmenter<ObjectState> = {
          async predict(received, clicks: readonly Click[], state) {
            const result = await predictor.predict(received, clicks, state);
            results.push(result);
            return result;
          },
        };
        const simulated = await evaluateObject(
          { id: object.id, image, gt, ...(ignore ? { ignore } : {}) },
          segmenter,
          {
            maxClicks: manifest.protocol.maxClicks,
            earlyStop: manifest.protocol.earlyStop,
            earlyStopIou: 0.9,
            minClicks: 1,
            iouThresholds: manifest.protocol.iouThresholds,
          },
          manifest.predictor.threshold,
        );

        const clickCount = Math.min(simulated.clicks.length, object.clicks.length);
        for (let k = 0; k < clickCount; k++) {
          const where = `${object.id}, click ${k + 1}`;
          expect(simulated.clicks[k], `${where}: click`).toEqual(object.clicks[k]);
          expect(results[k].roi, `${where}: ROI`).toEqual(object.rois[k]);
          expect(
            Math.abs(simulated.ious[k] - object.ious[k]),
            `${where}: IoU ${simulated.ious[k]} vs ${object.ious[k]}`,
          ).toBeLessThan(IOU_TOLERANCE);
        }
        expect(simulated.clicks.length, `${object.id}: number of clicks`).toBe(object.clicks.length);

        for (const { afterClick, file } of object.probMaps ?? []) {
          const expected = readProbabilityMap(fixtureDir, file, object.width, object.height);
          const actual = results[afterClick - 1].probabilities.data;
          let maxDifference = 0;
          for (let i = 0; i < expected.length; i++)
            maxDifference = Math.max(maxDifference, Math.abs(actual[i] - expected[i]));
          expect(maxDifference, `${object.id}, probabilities after click ${afterClick}`).toBeLessThan(
            PROBABILITY_TOLERANCE,
          );
        }

        manifest.protocol.iouThresholds.forEach((threshold, index) => {
          expect(simulated.noc[index], `${object.id}: NoC@${threshold}`).toBe(object.noc[String(threshold)]);
        });

        // The IoU the fixture reports is the one of the mask thresholded from these probabilities.
        const last = results[results.length - 1];
        const lastMask: BinaryMask = last.toMask(manifest.predictor.threshold);
        expect(computeIou(gt, lastMask, ignore)).toBe(simulated.ious[simulated.ious.length - 1]);
      });
    }
  });

  if (skipReason !== undefined) {
    describe(`predictor parity with the Python reference (${fixtureSet})`, () => {
      it.skip(`skipped: ${skipReason}`, () => {});
    });
  }
}
