import { SimpleClickError, type SimpleClickErrorCode } from '@simpleclick/core';

/** The JSON body of an error answer (HTTP service and nuclio function alike). */
export interface ErrorBody {
  error: {
    /** The SDK's error code (`INVALID_FORMAT`, `INVALID_CLICK`, ...), or `INTERNAL` for anything unexpected. */
    code: SimpleClickErrorCode | 'INTERNAL' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'BODY_TOO_LARGE';
    message: string;
  };
}

/** An error answer: HTTP status and body. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorBody;
}

/** HTTP status per SDK error code: the caller's fault is 4xx, the model's or ours 5xx. */
const STATUS_BY_CODE: Readonly<Record<SimpleClickErrorCode, number>> = Object.freeze({
  INVALID_IMAGE: 400,
  IMAGE_TOO_LARGE: 413,
  INVALID_CLICK: 400,
  INVALID_MASK: 400,
  INVALID_ARGUMENT: 400,
  INVALID_FORMAT: 400,
  DATASET: 400,
  MODEL_CONTRACT: 500,
  MODEL_LOAD: 500,
  SESSION_CLOSED: 503,
});

/**
 * The answer for an error thrown while serving a request. SDK errors keep their code and message; anything else
 * is a 500 whose message says only that something failed (details go to the log, not to the caller).
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof SimpleClickError) {
    return { status: STATUS_BY_CODE[error.code] ?? 500, body: { error: { code: error.code, message: error.message } } };
  }
  const message = 'internal error while segmenting (see the service log)';
  return { status: 500, body: { error: { code: 'INTERNAL', message } } };
}

/** One line for logs: the error's message, and its stack for unexpected errors. */
export function describeError(error: unknown): string {
  if (error instanceof SimpleClickError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
