/**
 * The demo page (examples/web-demo) end to end in chromium, as a person uses it: the example image and the
 * default (trained) xTiny model load, left click = positive, right click and the negative mode = negative, the mask
 * canvas follows, undo/redo by keyboard and buttons give back the exact earlier masks, the threshold slider
 * changes the mask without a model run, a second object gets its own colour, an imported mask becomes an
 * object, the mask PNG export decodes to the session's mask, and study mode logs the click's IoU.
 *
 * Set SIMPLECLICK_SCREENSHOT_DIR to keep a screenshot of the page at the end.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIou, type BinaryMask } from '@simpleclick/core';
import {
  decodeCocoRle,
  decodeLabelStudioBrushRle,
  decodeMaskPng,
  rasterizePolygons,
  type Polygon,
} from '@simpleclick/core/formats';
import { objectRgb } from '../../examples/web-demo/src/object-colors';
import {
  openBrowserFixture,
  REPO_ROOT,
  warnIfBundleIsStale,
  XTINY_FILE,
  XTINY_SUITE_SKIP_REASON,
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_TEST_OPTIONS,
  reportSkippedSuite,
  type BrowserFixture,
} from './support/browser-suite';

const IMAGE_WIDTH = 640;
const IMAGE_HEIGHT = 480;
const FRUIT = { xPx: 300, yPx: 270 };
const BOX = { xPx: 535, yPx: 275 };
const GROUND_TRUTH_PATH = join(REPO_ROOT, 'examples', 'images', 'fruit-mask.png');
/** Object 2's colour in the mask canvas. */
const OBJECT_2_RGB = objectRgb(2);

interface CanvasDigest {
  /** Pixels with a mask drawn on them. */
  readonly count: number;
  /** FNV-1a of every RGBA byte: equal digests mean equal drawings. */
  readonly hash: number;
}

/** The mask canvas, summarised. */
function maskCanvasDigest(page: Page): Promise<CanvasDigest> {
  return page.evaluate(() => {
    const canvas = document.getElementById('mask-canvas') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    let hash = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) {
      hash = Math.imul(hash ^ data[i], 0x01000193) >>> 0;
      if ((i & 3) === 3 && data[i] !== 0) count += 1;
    }
    return { count, hash };
  });
}

/** Pixels of the mask canvas with exactly this colour. */
function maskCanvasPixelsOfColor(page: Page, rgb: number[]): Promise<number> {
  return page.evaluate((wanted) => {
    const canvas = document.getElementById('mask-canvas') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 0 && data[i] === wanted[0] && data[i + 1] === wanted[1] && data[i + 2] === wanted[2])
        count += 1;
    }
    return count;
  }, rgb);
}

/**
 * A pixel of `mask` whose 11 x 11 neighbourhood is all object, the farthest such pixel from `avoid`: a negative
 * click there lands on the object, away from the positive click, so it changes the mask whatever the model.
 */
function objectPixelFarFrom(mask: BinaryMask, avoid: { xPx: number; yPx: number }): { xPx: number; yPx: number } {
  const inside = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < mask.width && y < mask.height && mask.data[y * mask.width + x] !== 0;
  let best: { xPx: number; yPx: number } | undefined;
  let bestDistance = -1;
  for (let y = 5; y < mask.height - 5; y++) {
    for (let x = 5; x < mask.width - 5; x++) {
      const distance = (x - avoid.xPx) ** 2 + (y - avoid.yPx) ** 2;
      if (distance <= bestDistance || !inside(x, y)) continue;
      let interior = true;
      for (let dy = -5; dy <= 5 && interior; dy++)
        for (let dx = -5; dx <= 5 && interior; dx++) interior = inside(x + dx, y + dy);
      if (interior) {
        best = { xPx: x, yPx: y };
        bestDistance = distance;
      }
    }
  }
  if (best === undefined) throw new Error('the mask has no 11 x 11 interior');
  return best;
}

/** The session's current mask (or an object's), read through the demo's debug handle. */
async function sessionMask(page: Page, objectId?: number): Promise<BinaryMask> {
  const mask = await page.evaluate(async (id) => {
    type MaskLike = { width: number; height: number; data: Uint8Array };
    const demo = (window as unknown as { simpleclickDemo: { session: { getMask(id?: number): Promise<MaskLike> } } })
      .simpleclickDemo;
    const { width, height, data } = await demo.session.getMask(id ?? undefined);
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width, height, data: btoa(binary) };
  }, objectId ?? null);
  return { width: mask.width, height: mask.height, data: new Uint8Array(Buffer.from(mask.data, 'base64')) };
}

/** Waits until the session reached `revision` and nothing is queued. */
async function waitForRevision(page: Page, revision: number): Promise<void> {
  await page.waitForFunction(
    (wanted) => Number(document.body.dataset.revision) >= wanted && document.body.dataset.busy === 'false',
    revision,
    { timeout: 60_000 },
  );
  expect(Number(await page.evaluate(() => document.body.dataset.revision))).toBe(revision);
}

/** Clicks image pixel (xPx, yPx) on the click layer, whatever the displayed scale. */
async function clickPixel(
  page: Page,
  pixel: { xPx: number; yPx: number },
  options: { button?: 'left' | 'right'; modifiers?: ('Alt' | 'Shift')[] } = {},
): Promise<void> {
  const layer = page.locator('#click-layer');
  const box = (await layer.boundingBox())!;
  const position = {
    x: ((pixel.xPx + 0.5) / IMAGE_WIDTH) * box.width,
    y: ((pixel.yPx + 0.5) / IMAGE_HEIGHT) * box.height,
  };
  await layer.click({ position, button: options.button ?? 'left', modifiers: options.modifiers });
}

function markerCount(page: Page, kind: 'positive' | 'negative'): Promise<number> {
  return page.locator(`#click-layer .click.${kind}.current`).count();
}

function sameMask(a: BinaryMask, b: BinaryMask): boolean {
  return a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}

reportSkippedSuite('browser: demo page', XTINY_SUITE_SKIP_REASON);

describe.skipIf(XTINY_SUITE_SKIP_REASON !== undefined)('browser: demo page end to end', BROWSER_TEST_OPTIONS, () => {
  let fixture: BrowserFixture;
  let page: Page;

  beforeAll(async () => {
    warnIfBundleIsStale();
    fixture = await openBrowserFixture();
    page = fixture.page;
    await page.goto(`${fixture.server.url}?model=${XTINY_FILE}&backend=wasm&threads=2&warmup=0`);
    await page.waitForFunction(
      () => document.body.dataset.modelState !== 'loading' && document.body.dataset.session === '1',
      null,
      { timeout: 120_000 },
    );
  }, BROWSER_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await fixture?.close();
  });

  it('loads the trained model and the example image, and says which backend runs', async () => {
    expect(await page.evaluate(() => document.body.dataset.modelState)).toBe('ready');
    expect(await page.evaluate(() => document.body.dataset.imageName)).toBe('fruit.png');
    expect(await page.locator('#untrained-banner').isVisible()).toBe(false);
    expect(await page.locator('#status-line').textContent()).toMatch(/Backend: wasm, 2 threads, cross-origin isolated/);
    expect(await page.locator('#status-line').textContent()).toMatch(/trained on BSDS500/);
    expect((await maskCanvasDigest(page)).count).toBe(0);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('segments with positive and negative clicks, undoes and redoes, and exports a PNG that decodes', async () => {
    // 1: left click = positive.
    await clickPixel(page, FRUIT);
    await waitForRevision(page, 1);
    const afterPositive = await maskCanvasDigest(page);
    expect(afterPositive.count).toBeGreaterThan(0);
    expect(await markerCount(page, 'positive')).toBe(1);

    // 2: right click = negative.
    await clickPixel(page, BOX, { button: 'right' });
    await waitForRevision(page, 2);
    const afterNegative = await maskCanvasDigest(page);
    expect(afterNegative.hash).not.toBe(afterPositive.hash);
    expect(await markerCount(page, 'negative')).toBe(1);

    // 3: the visible negative toggle turns left clicks negative (and back); the click lands on the object.
    const onObject = objectPixelFarFrom(await sessionMask(page), FRUIT);
    await page.click('#mode-negative');
    expect(await page.getAttribute('#mode-negative', 'aria-checked')).toBe('true');
    await clickPixel(page, onObject);
    await waitForRevision(page, 3);
    await page.click('#mode-positive');
    const afterThird = await maskCanvasDigest(page);
    expect(await markerCount(page, 'negative')).toBe(2);
    expect(afterThird.hash).not.toBe(afterNegative.hash);

    // Undo and redo, by keyboard and by buttons, give back the exact earlier drawings.
    await page.keyboard.press('Control+z');
    await waitForRevision(page, 4);
    expect(await maskCanvasDigest(page)).toEqual(afterNegative);
    await page.click('#undo-button');
    await waitForRevision(page, 5);
    expect(await maskCanvasDigest(page)).toEqual(afterPositive);
    expect(await markerCount(page, 'negative')).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await waitForRevision(page, 6);
    expect(await maskCanvasDigest(page)).toEqual(afterNegative);
    await page.click('#redo-button');
    await waitForRevision(page, 7);
    expect(await maskCanvasDigest(page)).toEqual(afterThird);
    expect(await page.isDisabled('#redo-button')).toBe(true);

    // The mask PNG export is the session's mask, and what the canvas shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    expect(download.suggestedFilename()).toBe('fruit-object1-mask.png');
    const exported = decodeMaskPng(new Uint8Array(readFileSync(await download.path())));
    const current = await sessionMask(page);
    expect(sameMask(exported, current)).toBe(true);
    expect(exported.data.reduce((sum, value) => sum + value, 0)).toBe(afterThird.count);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('moves the threshold without rerunning the model', async () => {
    const before = await maskCanvasDigest(page);
    const lastClickText = (await page.locator('#status-line').textContent())!.match(/Last click: [^|]*/)![0];
    const setThreshold = (value: string) =>
      page.evaluate((text) => {
        const slider = document.getElementById('threshold-slider') as HTMLInputElement;
        slider.value = text;
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
    // A higher threshold can only remove pixels, a lower one only add them.
    await setThreshold('0.95');
    await waitForRevision(page, 8);
    expect((await maskCanvasDigest(page)).count).toBeLessThan(before.count);
    await setThreshold('0.05');
    await waitForRevision(page, 9);
    expect((await maskCanvasDigest(page)).count).toBeGreaterThan(before.count);
    await setThreshold('0.49');
    await waitForRevision(page, 10);
    // The same probabilities thresholded again: the same mask, and no new model run in the status line.
    expect(await maskCanvasDigest(page)).toEqual(before);
    expect(await page.locator('#status-line').textContent()).toContain(lastClickText);
  });

  it('gives each object its own colour, and imports a mask PNG as an object', async () => {
    await page.click('#finish-button');
    await waitForRevision(page, 11);
    expect(await page.locator('#object-list li').count()).toBe(2);
    expect(await page.locator('#object-list li.current').textContent()).toMatch(/Object 2: new/);
    await clickPixel(page, BOX);
    await waitForRevision(page, 12);
    expect(await page.locator('#object-list li').count()).toBe(2);
    expect(await maskCanvasPixelsOfColor(page, OBJECT_2_RGB)).toBeGreaterThan(0);

    await page.setInputFiles('#mask-input', GROUND_TRUTH_PATH);
    await waitForRevision(page, 13);
    const imported = await sessionMask(page);
    expect(sameMask(imported, decodeMaskPng(new Uint8Array(readFileSync(GROUND_TRUTH_PATH))))).toBe(true);
    expect(await page.locator('#object-list li').count()).toBe(3);
    expect(await page.locator('#object-list li.current').textContent()).toMatch(/imported mask/);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('exports every object as COCO RLE, Label Studio brush RLE and exact polygons that decode to its mask', async () => {
    const objectIds: number[] = await page.evaluate(() =>
      (
        window as unknown as { simpleclickDemo: { state: { objects: { id: number }[] } } }
      ).simpleclickDemo.state.objects.map((o) => o.id),
    );
    expect(objectIds).toEqual([1, 2, 3]);
    const masks = new Map<number, BinaryMask>();
    for (const id of objectIds) masks.set(id, await sessionMask(page, id));
    const download = async (button: string) => {
      const startMs = performance.now();
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const json = JSON.parse(readFileSync(await file.path(), 'utf8'));
      timings.push(`${button} ${Math.round(performance.now() - startMs)} ms`);
      return { name: file.suggestedFilename(), json };
    };
    const timings: string[] = [];

    const coco = await download('#export-coco');
    expect(coco.name).toBe('fruit-coco.json');
    expect(coco.json.images).toEqual([{ id: 1, file_name: 'fruit.png', width: IMAGE_WIDTH, height: IMAGE_HEIGHT }]);
    expect(coco.json.annotations.map((a: { id: number }) => a.id)).toEqual(objectIds);
    for (const annotation of coco.json.annotations) {
      expect(annotation.segmentation.size).toEqual([IMAGE_HEIGHT, IMAGE_WIDTH]);
      expect(sameMask(decodeCocoRle(annotation.segmentation), masks.get(annotation.id)!)).toBe(true);
    }

    const labelStudio = await download('#export-labelstudio');
    expect(labelStudio.json.model_version).toBe(XTINY_FILE.replace(/\.onnx$/, ''));
    expect(labelStudio.json.result).toHaveLength(objectIds.length);
    type BrushRegion = { type: string; original_width: number; value: { format: string; rle: number[] } };
    labelStudio.json.result.forEach((region: BrushRegion, index: number) => {
      expect(region).toMatchObject({
        type: 'brushlabels',
        from_name: 'tag',
        to_name: 'image',
        original_width: IMAGE_WIDTH,
      });
      expect(region.value.format).toBe('rle');
      const decoded = decodeLabelStudioBrushRle(region.value.rle, IMAGE_WIDTH, IMAGE_HEIGHT);
      expect(sameMask(decoded, masks.get(objectIds[index])!)).toBe(true);
    });

    await page.fill('#polygon-epsilon', '0');
    const polygons = await download('#export-polygons');
    expect(polygons.json).toMatchObject({ width: IMAGE_WIDTH, height: IMAGE_HEIGHT, units: 'px', epsilonPx: 0 });
    for (const object of polygons.json.objects as { id: number; polygons: Polygon[] }[]) {
      expect(sameMask(rasterizePolygons(object.polygons, IMAGE_WIDTH, IMAGE_HEIGHT), masks.get(object.id)!)).toBe(true);
    }
    console.info(`demo exports: ${timings.join(', ')}`);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('study mode logs the click and its IoU against the loaded ground truth, exported as JSON', async () => {
    await page.click('#gt-example-button');
    await expect.poll(() => page.locator('#study-panel').isVisible()).toBe(true);
    await clickPixel(page, FRUIT);
    await waitForRevision(page, 14);
    expect(await page.locator('#study-rows tr').count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#study-export')]);
    const log = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(log.format).toBe('simpleclick-study-log');
    expect(log.image).toEqual({ name: 'fruit.png', width: IMAGE_WIDTH, height: IMAGE_HEIGHT });
    expect(log.context).toMatchObject({ model: XTINY_FILE, backend: 'wasm', numThreads: 2, trained: true });
    expect(log.entries).toHaveLength(1);
    const [entry] = log.entries;
    expect(entry).toMatchObject({ operation: 'click', clicksMade: 1, click: { isPositive: true } });
    // Mouse events land on whole CSS pixels, so the image pixel can be one off at this display scale.
    expect(Math.abs(entry.click.xPx - FRUIT.xPx)).toBeLessThanOrEqual(1);
    expect(Math.abs(entry.click.yPx - FRUIT.yPx)).toBeLessThanOrEqual(1);
    expect(entry.latencyMs).toBeGreaterThan(0);
    const groundTruth = decodeMaskPng(new Uint8Array(readFileSync(GROUND_TRUTH_PATH)));
    expect(entry.iou).toBeCloseTo(computeIou(groundTruth, await sessionMask(page)), 12);
    expect(Object.keys(log.clicksToIou)).toEqual(['0.8', '0.85', '0.9']);

    const screenshotDirectory = process.env.SIMPLECLICK_SCREENSHOT_DIR;
    if (screenshotDirectory !== undefined) {
      mkdirSync(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: join(screenshotDirectory, 'web-demo.png'), fullPage: true });
    }
    expect(fixture.pageErrors).toEqual([]);
  });
});
