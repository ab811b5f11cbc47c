import { ImageTooLargeError } from '@simpleclick/core';
import { CommandError } from '../cli-errors';

/**
 * `error` as it should reach the user: an image over the pixel limit gets the option that raises the limit added
 * to its message (the byte limit of a file is the SDK's own and is left as it is); anything else unchanged.
 */
export function withPixelLimitHint(error: unknown): unknown {
  if (!(error instanceof ImageTooLargeError) || !/ pixels, limit is /.test(error.message)) return error;
  return new CommandError(`${error.message} (raise the limit with --max-pixels N, or --max-pixels none)`, {
    cause: error,
  });
}
