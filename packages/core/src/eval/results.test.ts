import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../image/rgb-image';
import type { EvaluationResult } from './evaluate';
import { evaluateDataset } from './evaluate';
import { OFFICIAL_IOU_THRESHOLDS } from './noc';
import { centerLikePython, formatFixedLikePython, formatTimedeltaLikePython } from './python-format';
import { evaluationResultToJson, parseEvaluationResultJson, stringifyEvaluationResult } from './results-json';
import { formatMiouPerClick, formatResultsTable } from './results-table';
import { rectangleMask } from '../test-support/test-masks';
import { maskSegmenter } from './test-support/mask-segmenter';

/** A result with chosen summary numbers (the table only reads the summary and the protocol). */
function resultWith(datasetName: string, summary: Partial<EvaluationResult['summary']>): EvaluationResult {
  return {
    datasetName,
    protocol: {
      maxClicks: 20,
      earlyStop: true,
      earlyStopIou: 0.9,
      minClicks: 1,
      iouThresholds: OFFICIAL_IOU_THRESHOLDS,
    },
    objects: [],
    summary: {
      iouThresholds: OFFICIAL_IOU_THRESHOLDS,
      nocMean: [1, 1, 1],
      nocStd: [0, 0, 0],
      nof: [0, 0, 0],
      objectCount: 1,
      clickCount: 1,
      elapsedSeconds: 0,
      secondsPerClick: 0,
      meanIouPerClick: [1],
      ...summary,
    },
  };
}

describe('Python formatting helpers (expected strings printed by CPython 3.11)', () => {
  it("format(x, '.nf') rounds exact binary ties to even, everything else correctly", () => {
    expect(formatFixedLikePython(1.125, 2)).toBe('1.12'); // toFixed gives 1.13
    expect(formatFixedLikePython(2.375, 2)).toBe('2.38');
    expect(formatFixedLikePython(0.125, 2)).toBe('0.12');
    expect(formatFixedLikePython(0.375, 2)).toBe('0.38');
    expect(formatFixedLikePython(-0.125, 2)).toBe('-0.12');
    expect(formatFixedLikePython(2.5, 0)).toBe('2');
    expect(formatFixedLikePython(0.0005, 3)).toBe('0.001'); // binary value is just above 0.0005
    expect(formatFixedLikePython(1.0005, 3)).toBe('1.000'); // binary value is just below
    expect(formatFixedLikePython(100, 2)).toBe('100.00');
    expect(formatFixedLikePython(Number.NaN, 2)).toBe('nan');
  });

  it("format(s, '^n') puts the odd space on the right; str(timedelta) writes H:MM:SS and days", () => {
    expect(centerLikePython('ab', 5)).toBe(' ab  ');
    expect(centerLikePython('toolong', 3)).toBe('toolong');
    expect(formatTimedeltaLikePython(0)).toBe('0:00:00');
    expect(formatTimedeltaLikePython(3725.9)).toBe('1:02:05');
    expect(formatTimedeltaLikePython(90000)).toBe('1 day, 1:00:00');
    expect(formatTimedeltaLikePython(2 * 86400 + 5)).toBe('2 days, 0:00:05');
  });
});

describe('formatResultsTable', () => {
  it('prints the official table character for character (reference printed by the official f-strings)', () => {
    const result = resultWith('GrabCut', {
      nocMean: [1.125, 1.46, 2.375],
      nof: [0, 3, 12],
      secondsPerClick: 0.12345,
      elapsedSeconds: 3725.9,
    });
    expect(formatResultsTable(result, { modelName: 'sbd_vit_base' })).toBe(
      'Eval results for model: sbd_vit_base\n' +
        '-----------------------------------------------------------------------------------------------\n' +
        '|  BRS Type   |  Dataset  | NoC@80% | NoC@85% | NoC@90% |>=20@85% |>=20@90% | SPC,s |  Time   |\n' +
        '-----------------------------------------------------------------------------------------------\n' +
        '|    NoBRS    |  GrabCut  |  1.12   |  1.46   |  2.38   |    3    |   12    | 0.123 | 1:02:05 |',
    );
    const berkeley = resultWith('Berkeley', {
      nocMean: [13.5, 17.0, 19.0625],
      nof: [10, 42, 77],
      secondsPerClick: 1.0005,
      elapsedSeconds: 90000,
    });
    expect(formatResultsTable(berkeley, { includeHeader: false })).toBe(
      '|    NoBRS    | Berkeley  |  13.50  |  17.00  |  19.06  |   42    |   77    | 1.000 |1 day, 1:00:00|',
    );
  });

  it('writes ? for columns the run has no threshold for, and the mIoU suffix of --print-ious', () => {
    const result = resultWith('toy', { nocMean: [2], nof: [1], meanIouPerClick: [0.5, 0.87654] });
    const row = formatResultsTable(
      { ...result, protocol: { ...result.protocol, iouThresholds: [0.8] } },
      { includeHeader: false },
    );
    expect(row).toBe('|    NoBRS    |    toy    |  2.00   |    ?    |    ?    |    ?    |    ?    | 0.000 | 0:00:00 |');
    expect(formatMiouPerClick(result)).toBe('mIoU@1=50.00%; mIoU@2=87.65%;');
  });
});

describe('results JSON', () => {
  it('round-trips a real run, keys NoC by threshold text and writes NaN IoUs as null', async () => {
    const width = 12;
    const height = 8;
    const image = createRgbImage(width, height, new Uint8Array(width * height * 3));
    const gt = rectangleMask(width, height, { xMin: 2, xMax: 6, yMin: 2, yMax: 5 });
    const empty = rectangleMask(width, height, { xMin: 0, xMax: -1, yMin: 0, yMax: -1 });
    const otherImage = createRgbImage(width, height, new Uint8Array(width * height * 3));
    const roi = { rowMin: 0, rowMax: 7, colMin: 0, colMax: 11 };
    const result = await evaluateDataset(
      [
        { id: 'toy/a', image, gt, imageSource: 'toy/a.png' },
        { id: 'toy/empty', image: otherImage, gt: empty }, // empty gt and prediction: IoU 0/0 = NaN
      ],
      maskSegmenter((received) => ({ mask: received === image ? gt : empty, roi })),
      { datasetName: 'toy', maxClicks: 3 },
    );
    const json = evaluationResultToJson(result, { model: 'oracle' });
    expect(json.objects[0].noc).toEqual({ '0.8': 1, '0.8500000000000001': 1, '0.9000000000000001': 1 });
    expect(json.objects[0].rois).toHaveLength(1);
    expect(json.objects[1].ious).toEqual([null, null, null]);
    const text = stringifyEvaluationResult(result, { model: 'oracle' });
    expect(text.split('\n').filter((line) => line.includes('"id"'))).toHaveLength(2); // one line per object
    const back = parseEvaluationResultJson(text);
    expect(back.objects[1].ious.every(Number.isNaN)).toBe(true);
    expect(back.objects[0]).toEqual(result.objects[0]);
    expect(back.summary).toEqual(result.summary);
    expect(() => parseEvaluationResultJson('{"format":"other"}')).toThrow(
      expect.objectContaining({ code: 'INVALID_FORMAT' }),
    );
    expect(() => parseEvaluationResultJson('not json')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
  });
});
