/**
 * Launching Debian's chromium for the browser end-to-end tests (docs/environment.md, browser tests):
 * playwright-core drives /usr/bin/chromium (`apt-get install chromium`; no browser download), headless, with a
 * fresh profile per launch so no cache or permission carries over between runs.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where the tests look for the browser; override with SIMPLECLICK_CHROMIUM. */
export const CHROMIUM_PATH = process.env.SIMPLECLICK_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run; when false they are skipped with {@link CHROMIUM_SKIP_REASON}. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

export const CHROMIUM_SKIP_REASON = `browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium, or set SIMPLECLICK_CHROMIUM)`;

/** The flags of docs/environment.md (browser tests): headless, no sandbox (CI containers run as root), no chatter. */
export const CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/**
 * WebGPU headless: only with --enable-unsafe-webgpu, where Chromium runs it on SwiftShader, a CPU emulation
 * (its adapter says architecture "swiftshader", isFallbackAdapter true; it works with --disable-gpu too):
 * correct but about 100x slower than WASM, so it is used on a tiny graph only.
 */
export const CHROMIUM_WEBGPU_FLAGS: readonly string[] = Object.freeze([...CHROMIUM_FLAGS, '--enable-unsafe-webgpu']);

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Starts chromium with a fresh user-data-dir (a persistent context is the way playwright takes one), downloads
 * allowed. `--headless` in `flags` becomes playwright's `headless: true`, which passes exactly `--headless`
 * (Chromium's new headless mode: the full browser without a window).
 */
export async function launchChromium(flags: readonly string[] = CHROMIUM_FLAGS): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'simpleclick-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: flags.includes('--headless'),
      args: flags.filter((flag) => flag !== '--headless'),
      acceptDownloads: true,
      viewport: { width: 1280, height: 860 },
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
