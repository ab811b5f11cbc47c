#!/usr/bin/env node
// @ts-check
// Serves the SimpleClick browser demo: `npm run demo` at the repository root (after `npm run build`), or
//
//   node examples/web-demo/serve.mjs [--port 8177] [--host 127.0.0.1] [--no-isolation]
//
// then open the printed URL. --no-isolation leaves out the COOP/COEP headers (onnxruntime-web then runs one
// WebAssembly thread), to compare. See examples/web-demo/README.md.
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_SERVER_OPTIONS, DemoSetupError, startDemoServer } from './server/demo-server.mjs';

const usage = 'usage: node examples/web-demo/serve.mjs [--port N] [--host ADDRESS] [--no-isolation]';

/** @type {{ port?: string, host?: string, 'no-isolation'?: boolean, help?: boolean }} */
let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'no-isolation': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${/** @type {Error} */ (error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port ?? process.env.PORT ?? DEFAULT_DEMO_SERVER_OPTIONS.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer in 0..65535, got ${values.port}\n${usage}`);
  process.exit(2);
}

try {
  const server = await startDemoServer({
    port,
    host: values.host ?? DEFAULT_DEMO_SERVER_OPTIONS.host,
    crossOriginIsolation: !values['no-isolation'],
  });
  console.log(`SimpleClick demo: ${server.url}`);
  if (values['no-isolation']) console.log('COOP/COEP headers off: onnxruntime-web will run one WebAssembly thread.');
  console.log('Ctrl+C stops the server.');
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof DemoSetupError) {
    console.error(`demo: ${error.message}`);
    process.exit(1);
  }
  const code = /** @type {{ code?: string }} */ (error).code;
  if (code === 'EADDRINUSE') {
    console.error(`demo: port ${port} is in use; pick another with --port N`);
    process.exit(1);
  }
  throw error;
}
