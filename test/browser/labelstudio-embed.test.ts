/**
 * The client-side Label Studio plugin end to end in chromium: the example page (examples/labelstudio-embed)
 * loads the Label Studio 1.4.0 frontend build, the default model of models/ and the plugin (its built
 * dist/browser.mjs). The test drives Label Studio's own UI as an annotator does: picks the smart keypoint
 * label, picks the Auto-Detect (smart keypoint) tool, clicks on the image, then Alt-clicks for a negative
 * keypoint. Each time it waits for the suggestion in Label Studio's store and checks that its brush RLE decodes
 * to the mask the SDK's predictor gives in Node (onnxruntime-node) for the same clicks, read back from Label
 * Studio's serialized keypoints: equal wherever the Node probability is not within 1e-3 of the 0.49 threshold
 * (web and node runtimes differ by up to about 2e-4), and IoU >= 0.99 (when the mask is not tiny). Mask quality
 * is not asserted here: the model card in models/ measures it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  computeIou,
  createNodeModel,
  decodeImageFile,
  type BinaryMask,
  type Click,
  type ObjectState,
  type RgbImage,
} from '@simpleclick/core/node';
import { decodeLabelStudioBrushRle } from '@simpleclick/core/formats';
import {
  LABEL_STUDIO_EMBED_PATHS,
  labelStudioEmbedSetupProblem,
  startLabelStudioEmbedServer,
  type LabelStudioEmbedServer,
} from '../../examples/labelstudio-embed/server/labelstudio-embed-server.mjs';
import { CHROMIUM_FLAGS, launchChromium, type LaunchedBrowser } from './support/chromium';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_SUITE_SKIP_REASON,
  BROWSER_TEST_OPTIONS,
  REPO_ROOT,
  reportSkippedSuite,
  warnIfBundleIsStale,
} from './support/browser-suite';

const IMAGE_PATH = join(REPO_ROOT, 'examples', 'images', 'fruit.png');
const IMAGE_WIDTH = 640;
const IMAGE_HEIGHT = 480;
/** Inside the fruit, then on the blue box (image pixels). */
const POSITIVE = { xPx: 300, yPx: 270 };
const NEGATIVE = { xPx: 535, yPx: 275 };
/** Web and node probabilities differ by up to about 2e-4 (docs/environment.md, runtimes). */
const BOUNDARY_MARGIN = 1e-3;

const SKIP_REASON: string | undefined =
  BROWSER_SUITE_SKIP_REASON ??
  (labelStudioEmbedSetupProblem() !== undefined
    ? `Label Studio embedding test skipped: ${labelStudioEmbedSetupProblem()}`
    : undefined);

/** What the test reads from the page after each suggestion. */
interface PageSuggestion {
  /** Label Studio's smart keypoints, serialized as Label Studio saves them (x, y in percent, is_positive). */
  readonly keypoints: { x: number; y: number; isPositive: boolean; label: string }[];
  /** The suggestions in Label Studio's annotation store. */
  readonly suggestions: { id: string; type: string; rle: number[] | null; label: string[] }[];
  /** What the plugin reported (onSuggestion). */
  readonly events: { clicks: Click[]; modelRuns: number; elapsedMs: number }[];
  readonly errors: { code: string; message: string }[];
}

function readPage(page: Page): Promise<PageSuggestion> {
  return page.evaluate(() => {
    type Handle = {
      labelStudio: { store: { annotationStore: { selected: any } } };
      suggestions: { clicks: Click[]; modelRuns: number; elapsedMs: number }[];
      errors: { code: string; message: string }[];
    };
    const handle = (window as unknown as { simpleclickLabelStudio: Handle }).simpleclickLabelStudio;
    const annotation = handle.labelStudio.store.annotationStore.selected;
    const keypoints = (annotation.serializeAnnotation() as any[])
      .filter((result) => result.type === 'keypointlabels')
      .map((result) => ({
        x: result.value.x,
        y: result.value.y,
        isPositive: result.is_positive,
        label: result.value.keypointlabels[0],
      }));
    const suggestions = Array.from(annotation.suggestions.values() as Iterable<any>).map((region) => ({
      id: String(region.id),
      type: String(region.type),
      rle: region.rle ? Array.from(region.rle as ArrayLike<number>) : null,
      label: region.labeling?.mainValue ? Array.from(region.labeling.mainValue as string[]) : [],
    }));
    return {
      keypoints,
      suggestions,
      events: handle.suggestions.map(({ clicks, modelRuns, elapsedMs }) => ({ clicks, modelRuns, elapsedMs })),
      errors: handle.errors,
    };
  });
}

/** Clicks image pixel (xPx, yPx) on Label Studio's image stage (at the pixel's centre, whatever the display scale). */
async function clickImagePixel(
  page: Page,
  pixel: { xPx: number; yPx: number },
  modifiers: 'Alt'[] = [],
): Promise<void> {
  const stage = page.locator('.konvajs-content').first();
  const box = (await stage.boundingBox())!;
  await stage.click({
    position: { x: ((pixel.xPx + 0.5) / IMAGE_WIDTH) * box.width, y: ((pixel.yPx + 0.5) / IMAGE_HEIGHT) * box.height },
    modifiers,
  });
}

/** How many keypoints the selected annotation holds now. */
function countKeypoints(page: Page): Promise<number> {
  return page.evaluate(() => {
    const handle = (window as unknown as { simpleclickLabelStudio: { labelStudio: { store: any } } })
      .simpleclickLabelStudio;
    return (handle.labelStudio.store.annotationStore.selected.regions as any[]).filter(
      (region) => region.type === 'keypointregion',
    ).length;
  });
}

/** What Label Studio and the plugin hold now, and the page's last console lines: the message of a failed wait. */
async function describePage(page: Page, consoleLines: readonly string[]): Promise<string> {
  const state = await page
    .evaluate(() => {
      const handle = (window as unknown as { simpleclickLabelStudio: any }).simpleclickLabelStudio;
      const annotation = handle.labelStudio.store.annotationStore.selected;
      return JSON.stringify({
        imageReady: annotation.names.get('image')?.isReady,
        regions: (annotation.regions as any[]).map((region) => `${region.type}${region.dynamic ? ' (smart)' : ''}`),
        suggestions: annotation.suggestions.size,
        selectedLabels: [...document.querySelectorAll('.lsf-label_selected')].map((element) => element.textContent),
        activeTools: [...document.querySelectorAll('.lsf-tool_active')].map((element) => element.className),
        pluginBusy: document.body.dataset.busy,
        pluginEvents: handle.suggestions.length,
        pluginErrors: handle.errors,
        status: document.getElementById('status')?.textContent,
      });
    })
    .catch((error: unknown) => `(page state unreadable: ${String(error)})`);
  return `${state}\npage console (last 20 lines):\n${consoleLines.slice(-20).join('\n')}`;
}

/**
 * Places a smart keypoint as an annotator does (a click on the image, with Alt for a negative one) and checks that
 * Label Studio added it. Playwright's click returns once the page has handled the mouse events, and Label Studio
 * creates the region in its click handler; a click its canvas dropped anyway is repeated once, with a warning.
 */
async function placeKeypoint(
  page: Page,
  pixel: { xPx: number; yPx: number },
  modifiers: 'Alt'[],
  consoleLines: readonly string[],
) {
  const before = await countKeypoints(page);
  for (let attempt = 1; attempt <= 2; attempt++) {
    await clickImagePixel(page, pixel, modifiers);
    const added = await expect
      .poll(() => countKeypoints(page), { timeout: 10_000, interval: 100 })
      .toBeGreaterThan(before)
      .then(
        () => true,
        () => false,
      );
    if (added) return;
    console.warn(
      `labelstudio-embed: click ${attempt} at ${JSON.stringify(pixel)} placed no keypoint: ${await describePage(page, consoleLines)}`,
    );
  }
  throw new Error(
    `Label Studio placed no keypoint for two clicks at ${JSON.stringify(pixel)}: ${await describePage(page, consoleLines)}`,
  );
}

/** Waits until the plugin has answered `count` events in all (suggestions and errors); on timeout, says what the page holds. */
async function waitForAnswers(page: Page, count: number, consoleLines: readonly string[]): Promise<void> {
  try {
    await page.waitForFunction(
      (expected) => {
        const handle = (window as unknown as { simpleclickLabelStudio: { suggestions: unknown[]; errors: unknown[] } })
          .simpleclickLabelStudio;
        return handle.suggestions.length + handle.errors.length >= expected;
      },
      count,
      { timeout: 60_000 },
    );
  } catch (error) {
    throw new Error(`no answer ${count} from the plugin: ${String(error)}\n${await describePage(page, consoleLines)}`, {
      cause: error,
    });
  }
}

/** The click Label Studio's keypoint stands for: the pixel under it, computed here independently of the plugin. */
function clickOfKeypoint(keypoint: { x: number; y: number; isPositive: boolean }): Click {
  return {
    xPx: Math.min(IMAGE_WIDTH - 1, Math.floor((keypoint.x / 100) * IMAGE_WIDTH)),
    yPx: Math.min(IMAGE_HEIGHT - 1, Math.floor((keypoint.y / 100) * IMAGE_HEIGHT)),
    isPositive: keypoint.isPositive,
  };
}

/** Pixels where the masks differ although the Node probability is clearly on one side of the threshold. */
function disagreementsAwayFromBoundary(web: BinaryMask, node: BinaryMask, state: ObjectState, threshold: number) {
  let awayFromBoundary = 0;
  let nearBoundary = 0;
  for (let y = 0; y < node.height; y++) {
    for (let x = 0; x < node.width; x++) {
      const index = y * node.width + x;
      if (web.data[index] === node.data[index]) continue;
      if (Math.abs(state.probabilityAt(x, y) - threshold) <= BOUNDARY_MARGIN) nearBoundary++;
      else awayFromBoundary++;
    }
  }
  return { awayFromBoundary, nearBoundary };
}

/** Warns when the plugin's sources changed after its bundle was built (the page serves the bundle). */
function warnIfPluginBundleIsStale(): void {
  const bundleMtime = statSync(LABEL_STUDIO_EMBED_PATHS.pluginBundle).mtimeMs;
  const sourceFolder = join(REPO_ROOT, 'packages', 'adapters-labelstudio', 'src');
  const newest = (folder: string): number =>
    readdirSync(folder, { withFileTypes: true }).reduce((latest, entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return Math.max(latest, newest(path));
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? Math.max(latest, statSync(path).mtimeMs)
        : latest;
    }, 0);
  if (newest(sourceFolder) > bundleMtime) {
    console.warn(
      `labelstudio-embed test: ${sourceFolder} changed after ${LABEL_STUDIO_EMBED_PATHS.pluginBundle} was built; run \`npm run build\``,
    );
  }
}

reportSkippedSuite('browser: Label Studio embedding', SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)(
  'browser: SimpleClick as the smart keypoint tool of an embedded Label Studio 1.4.0',
  BROWSER_TEST_OPTIONS,
  () => {
    let server: LabelStudioEmbedServer;
    let browser: LaunchedBrowser;
    let page: Page;
    const pageErrors: string[] = [];
    const consoleLines: string[] = [];
    let image: RgbImage;
    let nodePredictor: ClickPredictor;

    beforeAll(async () => {
      warnIfBundleIsStale();
      warnIfPluginBundleIsStale();
      server = await startLabelStudioEmbedServer({ port: 0 });
      const manifest = (await (await fetch(`${server.url}models/manifest.json`)).json()) as { default: string | null };
      expect(manifest.default, 'the models/ folder has a usable default model').not.toBeNull();
      const modelPath = join(REPO_ROOT, 'models', manifest.default!);
      expect(existsSync(modelPath)).toBe(true);
      // The page loads the model with the interactive preset (no flip averaging): the same predictor here.
      [image, nodePredictor] = await Promise.all([
        decodeImageFile(IMAGE_PATH),
        createNodeModel(modelPath, { intraOpNumThreads: 1 }).then((model) =>
          ClickPredictor.create(model, { preset: 'interactive' }),
        ),
      ]);
      browser = await launchChromium(CHROMIUM_FLAGS);
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        consoleLines.push(`${message.type()}: ${message.text()}`);
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
      });
      await page.goto(server.url);
      await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 90_000 });
      const state = await page.evaluate(() => document.body.dataset.state);
      expect(state, (await page.locator('#error-banner').textContent()) ?? undefined).toBe('ready');
    }, BROWSER_SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await nodePredictor?.close();
    });

    it('a positive smart keypoint placed in the UI becomes a brush suggestion equal to the Node predictor mask; an Alt-click refines it, deleting it steps back', async () => {
      // Label Studio's UI: the keypoint label "Fruit" (first row of labels), then the Auto-Detect tool, then a click.
      // Each step waits for Label Studio to show its effect (the image loaded, the label and the tool active): on a
      // loaded machine a click that lands before the label or the tool is active places no keypoint at all.
      await page.waitForFunction(
        () => {
          const handle = (window as unknown as { simpleclickLabelStudio: { labelStudio: { store: any } } })
            .simpleclickLabelStudio;
          return handle.labelStudio.store.annotationStore.selected?.names.get('image')?.isReady === true;
        },
        null,
        { timeout: 60_000 },
      );
      await page.locator('.lsf-label', { hasText: 'Fruit' }).first().click();
      await page.locator('.lsf-label_selected', { hasText: 'Fruit' }).first().waitFor();
      const smartTool = page.locator('.lsf-toolbar .lsf-tool_smart');
      if (!(await smartTool.evaluate((element) => element.classList.contains('lsf-tool_active'))))
        await smartTool.click();
      await page.locator('.lsf-toolbar .lsf-tool_smart.lsf-tool_active').waitFor();
      await placeKeypoint(page, POSITIVE, [], consoleLines);
      await waitForAnswers(page, 1, consoleLines);
      const first = await readPage(page);
      expect(first.errors).toEqual([]);
      expect(first.keypoints).toHaveLength(1);
      expect(first.keypoints[0]).toMatchObject({ isPositive: true, label: 'Fruit' });
      const positiveClick = clickOfKeypoint(first.keypoints[0]);
      expect(Math.abs(positiveClick.xPx - POSITIVE.xPx)).toBeLessThanOrEqual(1);
      expect(Math.abs(positiveClick.yPx - POSITIVE.yPx)).toBeLessThanOrEqual(1);
      expect(first.events).toHaveLength(1);
      expect(first.events[0].clicks).toEqual([positiveClick]);
      expect(first.events[0].modelRuns).toBe(1);

      const nodeFirst = await nodePredictor.predict(image, [positiveClick]);
      const expectedFirst = nodeFirst.toMask();
      expect(
        expectedFirst.data.some((value) => value !== 0),
        'the model gives a non-empty mask for the first click',
      ).toBe(true);
      expect(first.suggestions).toHaveLength(1);
      expect(first.suggestions[0]).toMatchObject({ type: 'brushregion', label: ['Fruit'] });
      const webFirst = decodeLabelStudioBrushRle(first.suggestions[0].rle!, IMAGE_WIDTH, IMAGE_HEIGHT);
      const firstDiff = disagreementsAwayFromBoundary(
        webFirst,
        expectedFirst,
        nodeFirst.state,
        nodePredictor.options.maskThreshold,
      );
      expect(firstDiff.awayFromBoundary).toBe(0);
      expect(computeIou(webFirst, expectedFirst)).toBeGreaterThanOrEqual(0.99);

      // The label stays selected (the page switches on "keep label selected"); Alt makes the keypoint negative.
      await placeKeypoint(page, NEGATIVE, ['Alt'], consoleLines);
      await waitForAnswers(page, 2, consoleLines);
      const second = await readPage(page);
      expect(second.errors).toEqual([]);
      expect(second.keypoints).toHaveLength(2);
      expect(second.keypoints[1]).toMatchObject({ isPositive: false, label: 'Fruit' });
      const negativeClick = clickOfKeypoint(second.keypoints[1]);
      expect(Math.abs(negativeClick.xPx - NEGATIVE.xPx)).toBeLessThanOrEqual(1);
      expect(second.events[1].clicks).toEqual([positiveClick, negativeClick]);
      expect(second.events[1].modelRuns).toBe(1); // the first click's state was kept
      expect(second.suggestions).toHaveLength(1);
      expect(second.suggestions[0].id).toBe(first.suggestions[0].id); // the suggestion was replaced, not added

      const nodeSecond = await nodePredictor.predict(image, [positiveClick, negativeClick], nodeFirst.state);
      const expectedSecond = nodeSecond.toMask();
      const webSecond = decodeLabelStudioBrushRle(second.suggestions[0].rle!, IMAGE_WIDTH, IMAGE_HEIGHT);
      const secondDiff = disagreementsAwayFromBoundary(
        webSecond,
        expectedSecond,
        nodeSecond.state,
        nodePredictor.options.maskThreshold,
      );
      expect(secondDiff.awayFromBoundary).toBe(0);
      if (expectedSecond.data.some((value) => value !== 0))
        expect(computeIou(webSecond, expectedSecond)).toBeGreaterThanOrEqual(0.99);

      // Deleting the negative keypoint (through Label Studio's store: region.deleteRegion(), what its delete
      // button calls) gives back the first suggestion exactly, from the session's history, with no model run.
      await page.evaluate(() => {
        const handle = (window as unknown as { simpleclickLabelStudio: { labelStudio: { store: any } } })
          .simpleclickLabelStudio;
        const regions = handle.labelStudio.store.annotationStore.selected.regions as any[];
        regions
          .filter((region) => region.type === 'keypointregion')
          .at(-1)
          .deleteRegion();
      });
      await waitForAnswers(page, 3, consoleLines);
      const third = await readPage(page);
      expect(third.errors).toEqual([]);
      expect(third.keypoints).toHaveLength(1);
      expect(third.events[2]).toMatchObject({ clicks: [positiveClick], modelRuns: 0 });
      expect(third.suggestions).toHaveLength(1);
      expect(third.suggestions[0].id).toBe(first.suggestions[0].id);
      expect(third.suggestions[0].rle).toEqual(first.suggestions[0].rle);
      expect(pageErrors).toEqual([]);
      console.info(
        `labelstudio-embed: suggestions after ${first.events[0].elapsedMs.toFixed(0)} ms (first click, image decode included) and ` +
          `${second.events[1].elapsedMs.toFixed(0)} ms; masks differ from Node in ${firstDiff.nearBoundary} and ` +
          `${secondDiff.nearBoundary} pixels, all within ${BOUNDARY_MARGIN} of the threshold`,
      );
    });
  },
);
