/**
 * @simpleclick/cli: the `simpleclick` command. The executable is `dist/cli.mjs`; this entry exposes {@link main}
 * for running the command in-process (tests, scripts).
 * @packageDocumentation
 */
export { main, createProgram } from './main';
export type { CliIo, OutputSink } from './cli-io';
export { createProcessIo } from './cli-io';
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE, UsageError, CommandError } from './cli-errors';
export { MASK_FORMATS, encodeMaskOutput } from './output/mask-output';
export type { MaskFormat, MaskOutputOptions, PolygonDocument } from './output/mask-output';
export { DATASET_LAYOUTS } from './datasets/open-eval-dataset';
export type { DatasetLayout } from './datasets/open-eval-dataset';
