import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRgbPng } from '@simpleclick/core/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchClicks, createSyntheticImage } from '../bench/synthetic-image';
import { predictorTimings, timingStats } from '../bench/timing-stats';
import { EXIT_OK } from '../cli-errors';
import { runCli, temporaryDirectory, DEFAULT_MODEL_PATH } from '../test-support/capture-io';
import { formatBenchReport, type BenchReport } from './bench-command';

const PYTHON = '/usr/bin/python3';
/** Whether the reference can run here: the interpreter exists and finds torch (checked without importing it). */
const hasTorch =
  spawnSync(PYTHON, ['-c', 'import importlib.util, sys; sys.exit(importlib.util.find_spec("torch") is None)'])
    .status === 0;

const folder = temporaryDirectory();
beforeAll(() => {
  const image = createSyntheticImage(96, 54);
  writeFileSync(join(folder.path, 'small.png'), encodeRgbPng(image));
});
afterAll(() => folder.remove());

describe('bench helpers', () => {
  it('the synthetic image is 1920 x 1080 by default, deterministic, with the object under the first click', () => {
    const image = createSyntheticImage();
    expect([image.width, image.height]).toEqual([1920, 1080]);
    expect(createSyntheticImage(64, 36)).toEqual(createSyntheticImage(64, 36));
    const [first] = benchClicks(1920, 1080, 1);
    expect(first).toEqual({ xPx: 960, yPx: 540, isPositive: true });
    const pixel = (first.yPx * 1920 + first.xPx) * 3;
    expect(image.data[pixel]).toBeGreaterThan(150); // the red ellipse
  });

  it('click sequences stay inside any image and never repeat a click', () => {
    const clicks = benchClicks(50, 40, 20);
    expect(clicks).toHaveLength(20);
    for (const click of clicks) {
      expect(click.xPx).toBeGreaterThanOrEqual(0);
      expect(click.xPx).toBeLessThan(50);
      expect(click.yPx).toBeLessThan(40);
    }
    const keys = benchClicks(1920, 1080, 20).map((click) => `${click.xPx},${click.yPx}`);
    expect(new Set(keys).size).toBe(20);
  });

  it('timing statistics', () => {
    expect(timingStats([3, 1, 2, 10])).toEqual({ count: 4, meanMs: 4, medianMs: 2.5 });
    const timings = predictorTimings([100, 200], [90, 170]);
    expect(timings.outsideModelShare).toBeCloseTo(40 / 300, 12);
    expect(timings.refinementShare).toBe(0);
    const refined = predictorTimings([100, 200], [90, 170], [4, 6]);
    expect(refined.outsideModelShare).toBeCloseTo(30 / 300, 12);
    expect(refined.refinementShare).toBeCloseTo(10 / 300, 12);
    expect(refined.refinement.meanMs).toBe(5);
  });
});

describe('simpleclick bench', () => {
  it('times the TypeScript predictor alone with --no-reference', async () => {
    const { status, io } = await runCli(
      [
        'bench',
        '--image',
        'small.png',
        '--model',
        DEFAULT_MODEL_PATH,
        '--clicks',
        '2',
        '--rounds',
        '1',
        '--threads',
        '2',
        '--no-reference',
        '--json',
      ],
      { cwd: folder.path },
    );
    expect(io.stderrText()).not.toMatch(/^error/m);
    expect(status).toBe(EXIT_OK);
    const report = JSON.parse(io.stdoutText()) as BenchReport;
    expect(report.image).toEqual({ source: 'small.png', width: 96, height: 54 });
    expect(report.clicks).toHaveLength(2);
    expect(report.typescript.perClick.count).toBe(2);
    expect(report.typescript.model.meanMs).toBeGreaterThan(0);
    expect(report.typescript.perClick.meanMs).toBeGreaterThanOrEqual(report.typescript.model.meanMs);
    expect(report.pytorch).toBeUndefined();
    expect(report.boundaryRefinement).toBe(true); // the interactive preset's default
    expect(report.typescript.refinement.count).toBe(2);
    expect(report.roi.clickCount).toBe(2);
    expect(report.roi.meanPixels).toBeGreaterThan(0);
    expect(report.roi.meanPixels).toBeLessThanOrEqual(96 * 54);
    const table = formatBenchReport(report);
    expect(table).toMatch(/^per click, mean\s+[\d.]+ ms\s+-$/m);
    expect(table).toMatch(/the < 5 % goal is for 2-megapixel images/);
  });

  it.skipIf(!hasTorch)(
    'runs the PyTorch reference on the same pixels, clicks and weights: the masks agree',
    async () => {
      const { status, io } = await runCli(
        [
          'bench',
          '--image',
          'small.png',
          '--model',
          DEFAULT_MODEL_PATH,
          '--clicks',
          '2',
          '--rounds',
          '1',
          '--threads',
          '2',
          '--boundary-refinement',
          'off', // the PyTorch reference has none
          '--python',
          PYTHON,
        ],
        { cwd: folder.path },
      );
      expect(io.stderrText()).not.toMatch(/^error/m);
      expect(status).toBe(EXIT_OK);
      const out = io.stdoutText();
      expect(out).toMatch(/^runtime\s+onnxruntime-node 1\.30\.0 \(cpu\)\s+PyTorch [\d.]+/m);
      expect(out).toMatch(/^ratio\s+PyTorch \/ TypeScript per-click time = [\d.]+x$/m);
      const iou = Number(/IoU of the two final masks .*: ([\d.]+)$/m.exec(out)?.[1]);
      // Same weights and inputs; onnxruntime and PyTorch differ by ~1e-4 in the logits, so only pixels sitting at the
      // threshold may flip.
      expect(iou).toBeGreaterThan(0.999);
    },
    180_000,
  );
});
