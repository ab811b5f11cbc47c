// End-to-end evaluation: dataset loader -> click simulator -> ClickPredictor on onnxruntime-node -> NoC, table,
// results JSON and plot. With the Python reference evaluator's parity fixture (test/fixtures/parity/manifest.json)
// present, the loop's clicks, ROIs and NoC are compared with it object by object.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClickPredictor, createBinaryMask, createNodeModel, decodeImageFile } from '@simpleclick/core/node';
import {
  OFFICIAL_IOU_THRESHOLDS,
  evaluateDataset,
  findNextClick,
  formatResultsTable,
  openDataset,
  parseEvaluationResultJson,
  readGroundTruthFile,
  stringifyEvaluationResult,
  type EvalSample,
  type MaskEncoding,
} from '@simpleclick/core/eval';
// The plot is the CLI's (SVG, and PNG through sharp).
import { renderMiouPlotSvg } from '../packages/cli/src/plot/miou-plot';
import { svgToPng } from '../packages/cli/src/plot/svg-to-png';
import { DEFAULT_MODEL_PATH, HAVE_DEFAULT_MODEL, REPO_ROOT } from './support/default-model';

const DATA_ROOT = process.env.SIMPLECLICK_DATA ?? resolve(REPO_ROOT, '../shared/data');
const PARITY_MANIFEST = resolve(REPO_ROOT, 'test/fixtures/parity/manifest.json');
const PARITY_OBJECT_LIMIT = Number(process.env.SIMPLECLICK_PARITY_OBJECTS ?? 2);
const hasData = existsSync(resolve(DATA_ROOT, 'GrabCut'));

async function* firstSamples(samples: AsyncIterable<EvalSample>, count: number): AsyncGenerator<EvalSample> {
  let taken = 0;
  for await (const sample of samples) {
    if (taken++ >= count) return;
    yield sample;
  }
}

describe.skipIf(!hasData || !HAVE_DEFAULT_MODEL)('evaluation on GrabCut with the shipped ONNX model', () => {
  if (!hasData || !HAVE_DEFAULT_MODEL)
    console.warn(`end-to-end evaluation skipped: needs ${DATA_ROOT}/GrabCut and ${DEFAULT_MODEL_PATH}`);

  it('runs 2 clicks on the first image and reports table, JSON and plot', async () => {
    const model = await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 2 });
    const predictor = await ClickPredictor.create(model, { preset: 'parity' });
    try {
      const dataset = await openDataset('GrabCut', DATA_ROOT);
      const result = await evaluateDataset(firstSamples(dataset, 1), predictor, {
        datasetName: dataset.name,
        maxClicks: 2,
        earlyStop: false,
      });
      const [object] = result.objects;
      expect(object.id).toBe('GrabCut/106024');
      // The first click depends only on the ground truth (empty prediction).
      const { gt, ignore } = await readGroundTruthFile(resolve(DATA_ROOT, object.maskSource!), 'grabcut');
      expect(object.clicks[0]).toEqual(
        findNextClick({ gt, ignore, prediction: createBinaryMask(gt.width, gt.height) }),
      );
      expect(object.clicks[0].isPositive).toBe(true);
      expect(object.ious).toHaveLength(2);
      expect(object.rois).toHaveLength(2);
      expect(object.rois![0]).toEqual({ rowMin: 0, rowMax: gt.height - 1, colMin: 0, colMax: gt.width - 1 });
      expect(result.summary.secondsPerClick).toBeGreaterThan(0);
      expect(formatResultsTable(result)).toContain('|    NoBRS    |  GrabCut  |');
      expect(parseEvaluationResultJson(stringifyEvaluationResult(result)).objects[0].clicks).toEqual(object.clicks);
      const plotSvg = renderMiouPlotSvg([
        { label: 'xtiny untrained', meanIouPerClick: result.summary.meanIouPerClick },
      ]);
      expect((await svgToPng(plotSvg)).length).toBeGreaterThan(1000);
    } finally {
      await predictor.close();
    }
  });
});

interface ParityObject {
  id: string;
  dataset: string;
  image: string;
  mask: string;
  clicks: { xPx: number; yPx: number; isPositive: boolean }[];
  rois: { rowMin: number; rowMax: number; colMin: number; colMax: number }[];
  ious: number[];
  noc: Record<string, number>;
}

const MASK_ENCODINGS: Record<string, MaskEncoding> = {
  GrabCut: 'grabcut',
  Berkeley: 'grabcut',
  DAVIS: 'any-nonzero',
  COCO_MVal: 'any-nonzero',
};

describe.skipIf(!hasData || !existsSync(PARITY_MANIFEST))(
  'evaluation loop vs the Python reference evaluator (parity fixture)',
  () => {
    if (!existsSync(PARITY_MANIFEST)) console.warn(`parity comparison skipped: no ${PARITY_MANIFEST}`);

    it(`reproduces the clicks, ROIs and NoC of the first ${PARITY_OBJECT_LIMIT} objects`, async () => {
      const manifest = JSON.parse(readFileSync(PARITY_MANIFEST, 'utf8'));
      const objects = (manifest.objects as ParityObject[])
        .filter((object) => object.dataset in MASK_ENCODINGS)
        .slice(0, PARITY_OBJECT_LIMIT);
      const model = await createNodeModel(resolve(REPO_ROOT, manifest.model.path), { intraOpNumThreads: 2 });
      const predictor = await ClickPredictor.create(model, {
        preset: 'parity',
        useFlip: manifest.predictor.flip,
        maskThreshold: manifest.predictor.threshold,
      });
      try {
        const samples: EvalSample[] = [];
        for (const object of objects) {
          const image = await decodeImageFile(resolve(DATA_ROOT, object.image));
          const { gt, ignore } = await readGroundTruthFile(
            resolve(DATA_ROOT, object.mask),
            MASK_ENCODINGS[object.dataset],
          );
          samples.push({ id: object.id, image, gt, ...(ignore ? { ignore } : {}) });
        }
        const result = await evaluateDataset(samples, predictor, {
          maskThreshold: manifest.predictor.threshold,
          maxClicks: manifest.protocol.maxClicks,
          earlyStop: manifest.protocol.earlyStop,
          iouThresholds: manifest.protocol.iouThresholds ?? OFFICIAL_IOU_THRESHOLDS,
        });
        result.objects.forEach((actual, index) => {
          const expected = objects[index];
          expect(actual.clicks, expected.id).toEqual(expected.clicks);
          expect(actual.rois, expected.id).toEqual(expected.rois);
          actual.ious.forEach((iou, k) =>
            expect(Math.abs(iou - expected.ious[k]), `${expected.id} click ${k + 1}`).toBeLessThan(2e-3),
          );
          const nocByKey = Object.fromEntries(result.protocol.iouThresholds.map((t, i) => [String(t), actual.noc[i]]));
          expect(nocByKey, expected.id).toEqual(expected.noc);
        });
      } finally {
        await predictor.close();
      }
    });
  },
);
