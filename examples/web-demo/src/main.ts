/**
 * The SimpleClick browser demo (examples/web-demo): entry point bundled by the demo server into app.mjs.
 * See examples/web-demo/README.md.
 */
import { DemoApp } from './demo-app';
import { readDemoConfig } from './demo-config';
import { findPageElements } from './page-elements';

declare global {
  interface Window {
    /** The demo's state, for the browser console and the end-to-end tests. */
    simpleclickDemo?: DemoApp['debug'];
  }
}

const page = findPageElements();
try {
  const app = new DemoApp(page, readDemoConfig(location.search));
  window.simpleclickDemo = app.debug;
  await app.start();
} catch (error) {
  page.body.dataset.modelState = 'error';
  page.errorBanner.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
  page.errorBanner.hidden = false;
}
