// Test-only: drives the Label Studio embedding example (examples/labelstudio-embed) in chromium as an annotator
// does, through Label Studio 1.4.0's own UI: pick the smart keypoint label, pick the Auto-Detect tool, click on
// the image (Alt: negative). Shared by the plugin's browser test and the Label Studio embed benchmark
// (packages/core/bench/labelstudio-embed.bench.ts).
import type { Page } from 'playwright-core';

/** The example task's image (examples/images/fruit.png). */
export const EMBED_IMAGE_WIDTH = 640;
export const EMBED_IMAGE_HEIGHT = 480;

/** What the page's plugin reported and what Label Studio holds, read after each answer. */
export interface EmbedPageSnapshot {
  /** Where the example's model runs (`?worker=0`: the page's thread). */
  readonly runsIn: string;
  readonly keypoints: { x: number; y: number; isPositive: boolean }[];
  /** The plugin's suggestions (onSuggestion), in order: their results as loaded into Label Studio. */
  readonly events: {
    clicks: { xPx: number; yPx: number; isPositive: boolean }[];
    modelRuns: number;
    elapsedMs: number;
    results: unknown[];
  }[];
  readonly errors: { code: string; message: string }[];
}

/** Opens the example page (worker or page thread) and waits until the plugin is attached and the image shown. */
export async function openEmbedPage(page: Page, url: string, useWorker: boolean): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${url}${useWorker ? '' : '?worker=0'}`);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 120_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready')
    throw new Error(`the Label Studio example did not start: ${await page.locator('#error-banner').textContent()}`);
  await page.waitForFunction(
    () => {
      const handle = (window as unknown as { simpleclickLabelStudio: { labelStudio: { store: any } } })
        .simpleclickLabelStudio;
      return handle.labelStudio.store.annotationStore.selected?.names.get('image')?.isReady === true;
    },
    null,
    { timeout: 60_000 },
  );
}

/** Picks the label "Fruit" and the Auto-Detect (smart keypoint) tool, waiting for Label Studio to show each. */
export async function pickSmartTool(page: Page): Promise<void> {
  await page.locator('.lsf-label', { hasText: 'Fruit' }).first().click();
  await page.locator('.lsf-label_selected', { hasText: 'Fruit' }).first().waitFor();
  const smartTool = page.locator('.lsf-toolbar .lsf-tool_smart');
  if (!(await smartTool.evaluate((element) => element.classList.contains('lsf-tool_active')))) await smartTool.click();
  await page.locator('.lsf-toolbar .lsf-tool_smart.lsf-tool_active').waitFor();
}

function countKeypoints(page: Page): Promise<number> {
  return page.evaluate(() => {
    const handle = (window as unknown as { simpleclickLabelStudio: { labelStudio: { store: any } } })
      .simpleclickLabelStudio;
    return (handle.labelStudio.store.annotationStore.selected.regions as any[]).filter(
      (region) => region.type === 'keypointregion',
    ).length;
  });
}

/**
 * Clicks image pixel (xPx, yPx) on Label Studio's stage (Alt: a negative keypoint) and waits until Label Studio
 * added the keypoint; a click its canvas dropped (seen on a loaded machine) is repeated once. Returns the page's
 * `performance.now()` just before the click.
 */
export async function placeKeypoint(
  page: Page,
  pixel: { xPx: number; yPx: number },
  negative = false,
): Promise<number> {
  const before = await countKeypoints(page);
  const stage = page.locator('.konvajs-content').first();
  for (let attempt = 1; attempt <= 2; attempt++) {
    const box = (await stage.boundingBox())!;
    const start = await page.evaluate(() => performance.now());
    await stage.click({
      position: {
        x: ((pixel.xPx + 0.5) / EMBED_IMAGE_WIDTH) * box.width,
        y: ((pixel.yPx + 0.5) / EMBED_IMAGE_HEIGHT) * box.height,
      },
      modifiers: negative ? ['Alt'] : [],
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if ((await countKeypoints(page)) > before) return start;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`Label Studio placed no keypoint for two clicks at ${JSON.stringify(pixel)}`);
}

/** Waits until the plugin has answered `count` events in all (suggestions and errors); returns `performance.now()`. */
export async function waitForAnswers(page: Page, count: number): Promise<number> {
  await page.waitForFunction(
    (expected) => {
      const handle = (window as unknown as { simpleclickLabelStudio: { suggestions: unknown[]; errors: unknown[] } })
        .simpleclickLabelStudio;
      return handle.suggestions.length + handle.errors.length >= expected && document.body.dataset.busy !== 'true';
    },
    count,
    { timeout: 120_000, polling: 10 },
  );
  return page.evaluate(() => performance.now());
}

/** What the plugin and Label Studio hold now. */
export function readEmbedPage(page: Page): Promise<EmbedPageSnapshot> {
  return page.evaluate(() => {
    type Handle = {
      labelStudio: { store: { annotationStore: { selected: any } } };
      model: { predictor: { runsIn: string } };
      suggestions: {
        clicks: { xPx: number; yPx: number; isPositive: boolean }[];
        modelRuns: number;
        elapsedMs: number;
        results: unknown[];
      }[];
      errors: { code: string; message: string }[];
    };
    const handle = (window as unknown as { simpleclickLabelStudio: Handle }).simpleclickLabelStudio;
    const annotation = handle.labelStudio.store.annotationStore.selected;
    const keypoints = (annotation.serializeAnnotation() as any[])
      .filter((result) => result.type === 'keypointlabels')
      .map((result) => ({ x: result.value.x, y: result.value.y, isPositive: result.is_positive }));
    return {
      runsIn: handle.model.predictor.runsIn,
      keypoints,
      events: handle.suggestions.map(({ clicks, modelRuns, elapsedMs, results }) => ({
        clicks,
        modelRuns,
        elapsedMs,
        results,
      })),
      errors: handle.errors,
    };
  });
}
