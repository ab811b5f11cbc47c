/**
 * The main thread's long tasks (Long Tasks API, > 50 ms) of every page load, for the browser benchmarks of this
 * folder: each load starts an empty `window.__longTasks` that a PerformanceObserver fills.
 */
import type { Page } from 'playwright-core';

/** Makes every later load of `page` record its long tasks into `window.__longTasks`. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const scope = window as unknown as { __longTasks: { start: number; duration: number }[] };
    scope.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        scope.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}
