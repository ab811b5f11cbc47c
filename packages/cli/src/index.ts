/**
 * @simpleclick/cli: the `simpleclick` command. The executable is `dist/cli.mjs`; this entry exposes {@link main}
 * for running the command in-process (tests, scripts).
 * @module @simpleclick/cli
 */
export { main } from './main';
export type { CliIo, OutputSink } from './cli-io';
export { createProcessIo } from './cli-io';
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './cli-errors';
