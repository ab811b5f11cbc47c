#!/usr/bin/env node
// @ts-check
// Serves the Label Studio embedding example: `npm run demo:labelstudio` at the repository root (after
// `npm run build`), or
//
//   node examples/labelstudio-embed/serve.mjs [--port 8178] [--host 127.0.0.1]
//
// then open the printed URL. See examples/labelstudio-embed/README.md.
import { parseArgs } from 'node:util';
import { DemoSetupError } from '../web-demo/server/demo-server.mjs';
import { DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS, startLabelStudioEmbedServer } from './server/labelstudio-embed-server.mjs';

const usage = 'usage: node examples/labelstudio-embed/serve.mjs [--port N] [--host ADDRESS]';

/** @type {{ port?: string, host?: string, help?: boolean }} */
let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  console.error(`${/** @type {Error} */ (error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port ?? process.env.PORT ?? DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer in 0..65535, got ${values.port}\n${usage}`);
  process.exit(2);
}

try {
  const server = await startLabelStudioEmbedServer({ port, host: values.host ?? DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS.host });
  console.log(`SimpleClick in Label Studio (client-side): ${server.url}`);
  console.log('Ctrl+C stops the server.');
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof DemoSetupError) {
    console.error(`demo:labelstudio: ${error.message}`);
    process.exit(1);
  }
  if (/** @type {{ code?: string }} */ (error).code === 'EADDRINUSE') {
    console.error(`demo:labelstudio: port ${port} is in use; pick another with --port N`);
    process.exit(1);
  }
  throw error;
}
