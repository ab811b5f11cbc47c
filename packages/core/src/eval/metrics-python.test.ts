// Cross-check of NoC / NoF / mIoU and the table row with the independent Python reference evaluator
// (python/simpleclick/metrics.py, evaluate.py), on seeded IoU lists written by
// test/fixtures/eval/make_metrics_fixture.py (values on both sides of the float32 thresholds, NaN, early stops).
import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/eval/metrics-reference.json';
import type { EvaluationResult } from './evaluate';
import { meanIouPerClick, numberOfClicks, summarizeNoc } from './noc';
import { formatResultsTable } from './results-table';

describe('NoC metrics vs the Python reference evaluator', () => {
  for (const run of reference.runs) {
    const allIous = run.allIous.map((ious) => ious.map((iou) => (iou === null ? Number.NaN : iou)));

    it(`${run.name}: ${allIous.length} objects give the same NoC per object, means, std, NoF, mIoU and table row`, () => {
      expect(run.thresholds).toEqual([0.8, 0.8500000000000001, 0.9000000000000001]);
      const nocs = allIous.map((ious) => run.thresholds.map((threshold) => numberOfClicks(ious, threshold)));
      expect(nocs).toEqual(run.noc);

      const summary = summarizeNoc(allIous, run.thresholds);
      expect(summary.nocMean).toEqual(run.nocMean);
      summary.nocStd.forEach((std, i) => expect(std).toBeCloseTo(run.nocStd[i], 12));
      expect(summary.nof).toEqual(run.nof);

      const curve = meanIouPerClick(allIous);
      for (const [click, expected] of Object.entries(run.miouAt)) {
        const k = Number(click);
        if (k > curve.length) continue; // the reference leaves mIoU@k undefined past the shortest run
        if (expected === null) expect(curve[k - 1]).toBeNaN();
        else expect(Math.abs(curve[k - 1] - expected)).toBeLessThan(1e-6); // reference averages in float32
      }

      const clickCount = allIous.reduce((sum, ious) => sum + ious.length, 0);
      const result: EvaluationResult = {
        datasetName: run.name,
        protocol: { maxClicks: 20, earlyStop: true, earlyStopIou: 0.9, minClicks: 1, iouThresholds: run.thresholds },
        objects: [],
        summary: {
          ...summary,
          objectCount: allIous.length,
          clickCount,
          elapsedSeconds: run.elapsedSeconds,
          secondsPerClick: run.elapsedSeconds / clickCount,
          meanIouPerClick: curve,
        },
      };
      // The reference row adds mIoU columns after the official ones; the official part must be identical.
      const officialCells = run.tableRow.split('|').slice(0, 10).join('|') + '|';
      expect(formatResultsTable(result, { includeHeader: false })).toBe(officialCells);
    });
  }
});
