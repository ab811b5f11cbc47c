/**
 * What every browser end-to-end test needs: chromium, the built SDK bundle, the demo server and a page.
 * The suite is skipped (with the reason in the test name) when chromium or the build is missing, so `npm test`
 * works for developers without them; CI installs chromium and runs `npm run build` before `npm test`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { DEMO_PATHS, startDemoServer, type DemoServer } from '../../../examples/web-demo/server/demo-server.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_SKIP_REASON, HAVE_CHROMIUM, launchChromium, type LaunchedBrowser } from './chromium';
import { DEFAULT_MODEL_NAME } from '../../support/default-model';

const HAVE_BUNDLE = existsSync(DEMO_PATHS.coreWebBundle) && existsSync(DEMO_PATHS.coreIndexBundle);

/** Why the browser suite cannot run here, or undefined when it can. */
export const BROWSER_SUITE_SKIP_REASON: string | undefined = !HAVE_CHROMIUM
  ? CHROMIUM_SKIP_REASON
  : !HAVE_BUNDLE
    ? `browser tests skipped: the SDK bundle ${DEMO_PATHS.coreWebBundle} is missing: run \`npm run build\` first`
    : undefined;

/** Shows a suite that cannot run as one skipped test named by the reason (so the report says why). */
export function reportSkippedSuite(title: string, reason: string | undefined): void {
  if (reason === undefined) return;
  describe(title, () => {
    it.skip(reason, () => {});
  });
}

/**
 * Time limits of browser tests and their setup: generous, because `npm test` runs other test files beside them on
 * the same 2 cores (a click of the xTiny model takes 0.5 to 4 s in the browser there, depending on the load).
 */
export const BROWSER_TEST_TIMEOUT_MS = 120_000;
export const BROWSER_SETUP_TIMEOUT_MS = 180_000;
/** Options of the browser suites (`describe(title, BROWSER_TEST_OPTIONS, ...)`). */
export const BROWSER_TEST_OPTIONS = Object.freeze({ timeout: BROWSER_TEST_TIMEOUT_MS });

/** The repository root. */
export const REPO_ROOT = DEMO_PATHS.repoRoot;

/** The default xTiny model the runner and demo tests load (committed in models/). */
export const XTINY_FILE = `${DEFAULT_MODEL_NAME}.onnx`;

/** Why the tests that load the xTiny model cannot run here (browser suite or model missing), or undefined. */
export const XTINY_SUITE_SKIP_REASON: string | undefined =
  BROWSER_SUITE_SKIP_REASON ??
  (existsSync(join(DEMO_PATHS.models, XTINY_FILE))
    ? undefined
    : `browser tests skipped: models/${XTINY_FILE} is missing (made by the Python exporter, see models/)`);

/**
 * Warns (once per file) when packages/core/src has files newer than the bundle: the browser tests then check an
 * old build. Not an error: CI always builds first.
 */
export function warnIfBundleIsStale(): void {
  const bundleMtime = statSync(DEMO_PATHS.coreWebBundle).mtimeMs;
  const newest = newestMtime(join(REPO_ROOT, 'packages', 'core', 'src'));
  if (newest > bundleMtime) {
    console.warn(
      `browser tests: packages/core/src changed after ${DEMO_PATHS.coreWebBundle} was built; ` +
        'run `npm run build` to test the current code',
    );
  }
}

function newestMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** A running demo server and a browser with one page. */
export interface BrowserFixture {
  readonly server: DemoServer;
  readonly browser: LaunchedBrowser;
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page so far (tests assert there were none). */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserFixtureOptions {
  readonly flags?: readonly string[];
  /** COOP/COEP on the demo server (default true). */
  readonly crossOriginIsolation?: boolean;
  /** Counts the Web Workers the page starts in `window.__workersStarted` (onnxruntime-web's WASM threads). */
  readonly countWorkers?: boolean;
}

/** Starts a demo server on a free port and chromium with one page (not navigated yet). */
export async function openBrowserFixture(options: BrowserFixtureOptions = {}): Promise<BrowserFixture> {
  const server = await startDemoServer({ port: 0, crossOriginIsolation: options.crossOriginIsolation ?? true });
  let browser: LaunchedBrowser;
  try {
    browser = await launchChromium(options.flags ?? CHROMIUM_FLAGS);
  } catch (error) {
    await server.close();
    throw error;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
  });
  if (options.countWorkers) {
    await page.addInitScript(() => {
      const scope = window as unknown as { __workersStarted: number; Worker: typeof Worker };
      scope.__workersStarted = 0;
      const NativeWorker = scope.Worker;
      scope.Worker = class CountedWorker extends NativeWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          scope.__workersStarted += 1;
        }
      };
    });
  }
  return {
    server,
    browser,
    page,
    pageErrors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens sandbox.html (the SDK as `window.simpleclick`, onnxruntime-web as `window.ort`) and waits for it. */
export async function openSandbox(fixture: BrowserFixture): Promise<void> {
  await fixture.page.goto(`${fixture.server.url}sandbox.html`);
  await fixture.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
}

/** Base64 of a typed array's bytes (to move float maps between Node and the page). */
export function toBase64(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** A Float32Array from base64 bytes. */
export function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
