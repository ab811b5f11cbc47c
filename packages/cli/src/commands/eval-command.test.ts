import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMaskPng, encodeMaskPng, encodeRgbPng } from '@simpleclick/core/formats';
import { parseEvaluationResultJson, type EvaluationResult } from '@simpleclick/core/eval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli-errors';
import { detectLayout, limitDataset } from '../datasets/open-eval-dataset';
import {
  runCli,
  temporaryDirectory,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
  DEFAULT_MODEL_SIZE_PX,
} from '../test-support/capture-io';
import { formatMiouSummary } from './eval-command';

const folder = temporaryDirectory();
const dataset = join(folder.path, 'tiny');

/** Three 40 x 32 images, each with one rectangle object, in the `folder` layout (images/ + masks/). */
beforeAll(() => {
  mkdirSync(join(dataset, 'images'), { recursive: true });
  mkdirSync(join(dataset, 'masks'), { recursive: true });
  for (let k = 0; k < 3; k++) {
    const width = 40;
    const height = 32;
    const rgb = new Uint8Array(width * height * 3).fill(30);
    const mask = new Uint8Array(width * height);
    for (let y = 8; y < 20 + k; y++) {
      for (let x = 5 + 3 * k; x < 25 + k; x++) {
        mask[y * width + x] = 1;
        rgb.set([200, 180, 40], (y * width + x) * 3);
      }
    }
    writeFileSync(join(dataset, 'images', `img${k}.png`), encodeRgbPng({ width, height, data: rgb }));
    writeFileSync(join(dataset, 'masks', `img${k}.png`), encodeMaskPng({ width, height, data: mask }));
  }
});
afterAll(() => folder.remove());

describe('simpleclick eval', () => {
  it('evaluates a folder dataset, prints the table, writes per-object JSON and the plot', async () => {
    const { status, io } = await runCli(
      [
        'eval',
        '--dataset',
        'tiny',
        '--model',
        DEFAULT_MODEL_PATH,
        '--max-clicks',
        '2',
        '--no-early-stop',
        '--limit',
        '2',
        '--out',
        'results.json',
        '--plot',
        'curve.png',
        '--threads',
        '2',
      ],
      { cwd: folder.path },
    );
    expect(io.stderrText()).not.toMatch(/^error/m);
    expect(status).toBe(EXIT_OK);

    const stdout = io.stdoutText();
    expect(stdout).toMatch(new RegExp(`^Eval results for model: ${DEFAULT_MODEL_NAME}\\.onnx$`, 'm'));
    expect(stdout).toMatch(
      /\|\s+BRS Type\s+\|\s+Dataset\s+\|\s+NoC@80%\s+\|\s+NoC@85%\s+\|\s+NoC@90%\s+\|\s+>=2@85%\s+\|\s+>=2@90%\s+\|\s+SPC,s\s+\|\s+Time\s+\|/,
    );
    expect(stdout).toMatch(/\|\s+NoBRS\s+\|\s+tiny\s+\|/);
    expect(stdout).toMatch(/^mIoU@1=\d+\.\d\d% {2}mIoU@3=n\/a {2}mIoU@5=n\/a {2}\(n\/a: only 2 clicks per object\)$/m);

    const stderr = io.stderrText();
    expect(stderr).toMatch(/eval: tiny \(folder layout, 2 objects\)/);
    expect(stderr).toMatch(/tiny \[#+\] {2}2\/2 {2}mean NoC@90 \d\.\d\d .*done/);

    const result = parseEvaluationResultJson(readFileSync(join(folder.path, 'results.json'), 'utf8'));
    expect(result.objects.map((object) => object.id)).toEqual(['tiny/img0', 'tiny/img1']);
    for (const object of result.objects) {
      expect(object.ious).toHaveLength(2);
      expect(object.clicks).toHaveLength(2);
      expect(object.clicks[0].isPositive).toBe(true); // the first simulated click lands on the object
    }
    expect(result.protocol).toMatchObject({ maxClicks: 2, earlyStop: false });
    const document = JSON.parse(readFileSync(join(folder.path, 'results.json'), 'utf8'));
    expect(document.run.predictor).toMatchObject({ preset: 'parity', useFlip: true, netSizePx: DEFAULT_MODEL_SIZE_PX });
    expect(document.run.command).toContain('--limit 2');

    const plot = decodeMaskPng(new Uint8Array(readFileSync(join(folder.path, 'curve.png'))));
    expect([plot.width, plot.height]).toEqual([960, 600]);
  });

  it('fails clearly on a missing or unrecognisable dataset folder', async () => {
    const missing = await runCli(['eval', '--dataset', 'nowhere'], { cwd: folder.path });
    expect(missing.status).toBe(EXIT_FAILURE);
    expect(missing.io.stderrText()).toBe('error: dataset folder not found: nowhere\n');

    mkdirSync(join(folder.path, 'odd'), { recursive: true });
    const odd = await runCli(['eval', '--dataset', 'odd'], { cwd: folder.path });
    expect(odd.status).toBe(EXIT_FAILURE);
    expect(odd.io.stderrText()).toMatch(/^error: cannot tell the layout of .*odd: pass --layout/);

    const wrongLayout = await runCli(['eval', '--dataset', 'tiny', '--layout', 'grabcut'], { cwd: folder.path });
    expect(wrongLayout.status).toBe(EXIT_FAILURE);
    expect(wrongLayout.io.stderrText()).toMatch(/^error: expected a folder at .*data_GT/);

    const badLimit = await runCli(['eval', '--dataset', 'tiny', '--limit', '0'], { cwd: folder.path });
    expect(badLimit.status).toBe(EXIT_USAGE);
  });
});

describe('dataset helpers', () => {
  it('detects layouts from folder names and sub-folders', () => {
    expect(detectLayout('/data/GrabCut')).toBe('grabcut');
    expect(detectLayout('/data/COCO_MVal')).toBe('coco_mval');
    expect(detectLayout('/data/ssTEM/stack1')).toBe('sstem');
    expect(detectLayout(dataset)).toBe('folder');
    for (const sub of ['data_GT', 'boundary_GT']) mkdirSync(join(folder.path, 'renamed', sub), { recursive: true });
    expect(detectLayout(join(folder.path, 'renamed'))).toBe('grabcut');
  });

  it('limitDataset yields the first n samples lazily', async () => {
    let produced = 0;
    const source = {
      name: 'counting',
      count: 10,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 10; i++) {
          produced++;
          yield { id: `s${i}` } as never;
        }
      },
    };
    const limited = limitDataset(source, 3);
    expect(limited.count).toBe(3);
    const ids: string[] = [];
    for await (const sample of limited) ids.push((sample as { id: string }).id);
    expect(ids).toEqual(['s0', 's1', 's2']);
    expect(produced).toBe(3);
    expect(limitDataset(source, 20)).toBe(source);
  });

  it('reports mIoU after clicks 1, 3 and 5, n/a where early stop cut the curve', () => {
    const result = (curve: number[], earlyStop: boolean) =>
      ({ protocol: { earlyStop }, summary: { meanIouPerClick: curve } }) as unknown as EvaluationResult;
    expect(formatMiouSummary(result([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], false))).toBe(
      'mIoU@1=50.00%  mIoU@3=70.00%  mIoU@5=90.00%',
    );
    expect(formatMiouSummary(result([0.8], true))).toBe(
      'mIoU@1=80.00%  mIoU@3=n/a  mIoU@5=n/a  (n/a: early stop ended some runs sooner; use --no-early-stop)',
    );
  });
});

describe('simpleclick eval --max-pixels', () => {
  it('refuses images over the limit, naming the option that raises it', async () => {
    const { status, io } = await runCli(
      [
        'eval',
        '--dataset',
        'tiny',
        '--model',
        DEFAULT_MODEL_PATH,
        '--max-clicks',
        '1',
        '--limit',
        '1',
        '--no-progress',
        '--threads',
        '1',
        '--max-pixels',
        '1000',
      ],
      { cwd: folder.path },
    );
    expect(status).toBe(EXIT_FAILURE);
    expect(io.stderrText()).toMatch(
      /40 x 32 = 1280 pixels, limit is 1000 \(raise the limit with --max-pixels N, or --max-pixels none\)\n$/,
    );
  });
});
