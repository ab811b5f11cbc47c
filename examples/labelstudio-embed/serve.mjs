#!/usr/bin/env node
// @ts-check
// Serves the Label Studio embedding example: `npm run demo:labelstudio` at the repository root (after
// `npm run build`), or
//
//   node examples/labelstudio-embed/serve.mjs [--port 8178] [--host 127.0.0.1]
//
// then open the printed URL. See examples/labelstudio-embed/README.md.
import { runServeCommand } from '../shared/serve-command.mjs';
import {
  DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS,
  startLabelStudioEmbedServer,
} from './server/labelstudio-embed-server.mjs';

await runServeCommand({
  script: 'examples/labelstudio-embed/serve.mjs',
  title: 'SimpleClick in Label Studio (client-side)',
  errorPrefix: 'demo:labelstudio',
  defaults: DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS,
  // The page always needs COOP/COEP (no --no-isolation): the server has no switch to leave them out.
  start: ({ host, port }) => startLabelStudioEmbedServer({ host, port }),
});
