/**
 * Typed errors. Every error the SDK throws on purpose is a {@link SimpleClickError} with a stable `code`,
 * so callers (servers, UIs) can branch on the kind of failure without parsing messages.
 */

/** Stable machine-readable error codes. */
export type SimpleClickErrorCode =
  | 'INVALID_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'INVALID_CLICK'
  | 'INVALID_MASK'
  | 'INVALID_ARGUMENT'
  | 'MODEL_CONTRACT'
  | 'MODEL_LOAD'
  | 'SESSION_CLOSED'
  | 'INVALID_FORMAT'
  | 'DATASET';

/** Base class of every error the SDK throws on purpose. */
export class SimpleClickError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: SimpleClickErrorCode;

  constructor(code: SimpleClickErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The image cannot be used: unreadable bytes, wrong buffer length, zero size. */
export class InvalidImageError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_IMAGE', message, options);
  }
}

/** The image is larger than the configured pixel limit. */
export class ImageTooLargeError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMAGE_TOO_LARGE', message, options);
  }
}

/** A click lies outside the image or has a non-finite coordinate. */
export class InvalidClickError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CLICK', message, options);
  }
}

/** A mask has the wrong size or buffer length. */
export class InvalidMaskError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_MASK', message, options);
  }
}

/** An option or argument is out of range or conflicts with another. */
export class InvalidArgumentError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** The model file does not follow the SimpleClick ONNX contract (inputs, outputs, metadata). */
export class ModelContractError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_CONTRACT', message, options);
  }
}

/** The model file could not be read or the runtime could not create a session from it. */
export class ModelLoadError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD', message, options);
  }
}

/** A method was called on a session or model after `close()`. */
export class SessionClosedError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SESSION_CLOSED', message, options);
  }
}

/** Encoded data (RLE, JSON payload, polygon) is malformed. */
export class InvalidFormatError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_FORMAT', message, options);
  }
}

/** A dataset folder does not have the expected layout. */
export class DatasetError extends SimpleClickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATASET', message, options);
  }
}

// Refinements of the kinds above. They keep their parent's `code` (so every `Record<SimpleClickErrorCode, ...>`
// in callers stays exhaustive) and let callers that care branch with `instanceof`.

/**
 * The click list has no positive click and the object has no mask to start from (no previous state, no
 * imported mask): nothing says which object is meant, so the SDK refuses rather than return a mask the model
 * makes up. Code `INVALID_CLICK`. Add a positive click first (or import a mask and then carve it with
 * negative clicks).
 */
export class NoPositiveClickError extends InvalidClickError {
  constructor(
    message = 'no positive click yet: the first click on an object must be positive (negative clicks only refine an object)',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The model returned NaN or infinite logits: corrupted weights or a broken graph. Code `MODEL_CONTRACT` (the
 * contract asks for finite logits). Checked on every run, so a damaged model never yields a silently empty mask.
 */
export class NonFiniteOutputError extends ModelContractError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The weights in the model file do not hash to the sha256 its metadata records
 * (`simpleclick.weights_sha256`): the file was damaged after export. Code `MODEL_LOAD`.
 */
export class WeightsChecksumError extends ModelLoadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
