#!/usr/bin/env node
// @ts-check
// Serves the SimpleClick browser demo: `npm run demo` at the repository root (after `npm run build`), or
//
//   node examples/web-demo/serve.mjs [--port 8177] [--host 127.0.0.1] [--no-isolation]
//
// then open the printed URL. --no-isolation leaves out the COOP/COEP headers (onnxruntime-web then runs one
// WebAssembly thread), to compare. See examples/web-demo/README.md.
import { runServeCommand } from '../shared/serve-command.mjs';
import { DEFAULT_DEMO_SERVER_OPTIONS, startDemoServer } from './server/demo-server.mjs';

await runServeCommand({
  script: 'examples/web-demo/serve.mjs',
  title: 'SimpleClick demo',
  errorPrefix: 'demo',
  defaults: DEFAULT_DEMO_SERVER_OPTIONS,
  noIsolationSwitch: true,
  start: startDemoServer,
});
