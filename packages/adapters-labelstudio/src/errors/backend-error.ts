import { SimpleClickError, type SimpleClickErrorCode } from '@simpleclick/core';

/** Stable machine-readable codes of the errors the backend answers with (the SDK's codes plus its own). */
export type BackendErrorCode =
  | SimpleClickErrorCode
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CLIENT_CLOSED_REQUEST'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'LABEL_CONFIG'
  | 'IMAGE_URL'
  | 'IMAGE_FETCH'
  | 'IMAGE_FETCH_TIMEOUT'
  | 'LABEL_STUDIO_AUTH'
  | 'INTERNAL';

/**
 * An error with the HTTP status the backend answers with. Everything the backend refuses on purpose is one of
 * these; {@link toBackendError} maps the SDK's typed errors and anything unexpected.
 */
export class BackendError extends Error {
  /** HTTP status code of the answer (4xx: the request cannot be served; 5xx: the backend or an upstream failed). */
  readonly status: number;
  /** Machine-readable kind of failure. */
  readonly code: BackendErrorCode;
  /** Extra response headers (`Allow` with a 405, `WWW-Authenticate` with a 401). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: BackendErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'BackendError';
    this.status = status;
    this.code = code;
    this.headers = options?.headers ?? {};
  }
}

/** 400: the request body is not what the protocol says (malformed JSON, a missing or mistyped field). */
export function badRequest(message: string, options?: { cause?: unknown }): BackendError {
  return new BackendError(400, 'BAD_REQUEST', message, options);
}

/** HTTP status for each SDK error code: bad input is the client's (4xx), model trouble is ours (5xx). */
const STATUS_OF_SDK_CODE: Readonly<Record<SimpleClickErrorCode, number>> = {
  INVALID_IMAGE: 422,
  IMAGE_TOO_LARGE: 422,
  INVALID_CLICK: 422,
  INVALID_MASK: 422,
  INVALID_ARGUMENT: 400,
  INVALID_FORMAT: 400,
  MODEL_CONTRACT: 500,
  MODEL_LOAD: 500,
  SESSION_CLOSED: 503,
  DATASET: 500,
};

/**
 * The {@link BackendError} to answer with for anything thrown while serving a request: itself, the SDK's typed
 * errors with their code and a fitting status, anything else as a 500 that keeps its message.
 */
export function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  if (error instanceof SimpleClickError) {
    return new BackendError(STATUS_OF_SDK_CODE[error.code] ?? 500, error.code, error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError(500, 'INTERNAL', `internal error: ${message}`, { cause: error });
}
