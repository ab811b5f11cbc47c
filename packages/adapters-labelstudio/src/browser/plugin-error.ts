import { SimpleClickError, type SimpleClickErrorCode } from '@simpleclick/core';
import { BackendError, type BackendErrorCode } from '../errors/backend-error';

/** Machine-readable kinds of {@link LabelStudioPluginError}: the SDK's and the backend's codes, plus the plugin's. */
export type LabelStudioPluginErrorCode =
  | SimpleClickErrorCode
  | BackendErrorCode
  /** The task's image could not be downloaded or decoded. */
  | 'IMAGE_LOAD'
  /** Something the plugin does not handle (a smart rectangle, a list of images). */
  | 'UNSUPPORTED';

/**
 * What the plugin reports through `onError`: one failed interaction, the page and Label Studio keep working.
 * `code` says what kind of failure it was; `cause` holds the original error.
 */
export class LabelStudioPluginError extends Error {
  readonly code: LabelStudioPluginErrorCode;

  constructor(code: LabelStudioPluginErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'LabelStudioPluginError';
    this.code = code;
  }
}

/** Anything thrown while handling an event, as a {@link LabelStudioPluginError} (typed errors keep their code). */
export function toPluginError(error: unknown): LabelStudioPluginError {
  if (error instanceof LabelStudioPluginError) return error;
  if (error instanceof BackendError || error instanceof SimpleClickError) {
    return new LabelStudioPluginError(error.code, error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LabelStudioPluginError('INTERNAL', `internal error: ${message}`, { cause: error });
}
