import * as sdkErrors from '../../errors';
import { SimpleClickError } from '../../errors';

/**
 * An error as it crosses the worker boundary. Structured cloning keeps only the built-in error types (a
 * `NoPositiveClickError` would arrive as a plain `Error` without its `code`), so errors travel as data and are
 * rebuilt on the other side as the class of the same name.
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /** `SimpleClickError.code`, when the error has one. */
  readonly code?: string;
  /** The stack where it was thrown, in the worker. */
  readonly stack?: string;
  readonly cause?: SerializedError;
  /** A thrown value that was not an Error (a string, a number), as its String(). */
  readonly nonError?: boolean;
}

type ErrorClass = new (...args: never[]) => Error;

/**
 * The SDK's error classes by name, collected from `errors.ts` itself, so that a class added there later is
 * rebuilt without a change here.
 */
const SDK_ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  Object.values(sdkErrors)
    .filter(
      (value: unknown): value is ErrorClass =>
        typeof value === 'function' && (value === SimpleClickError || value.prototype instanceof SimpleClickError),
    )
    .map((errorClass) => [errorClass.name, errorClass]),
);

/** JavaScript's own error classes, which onnxruntime and the browser throw. */
const BUILT_IN_ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/** Nested causes kept at most (a cycle or a long chain must not make the message unbounded). */
const MAX_CAUSE_DEPTH = 4;

/** Turns anything thrown into data that structured cloning keeps whole. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), nonError: true };
  }
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof error.stack === 'string' ? { stack: error.stack } : {}),
    ...(cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

/**
 * Rebuilds a serialized error as an instance of the SDK class of the same name (so `instanceof
 * NoPositiveClickError` and `error.code` work as on the main thread), else of the built-in class of that name,
 * else a plain `Error` that keeps the name. The constructor is not run (the SDK classes' constructors take
 * different arguments): the instance is made with `Reflect.construct(Error, ..., Class)`, a real Error whose
 * prototype is the class's, and the fields are set as the constructor would have set them. Its stack is the
 * worker's, followed by where the page received it.
 */
export function deserializeError(serialized: SerializedError): Error {
  const errorClass = SDK_ERROR_CLASSES.get(serialized.name) ?? BUILT_IN_ERROR_CLASSES.get(serialized.name) ?? Error;
  const cause = serialized.cause !== undefined ? deserializeError(serialized.cause) : undefined;
  const error = Reflect.construct(
    Error,
    cause !== undefined ? [serialized.message, { cause }] : [serialized.message],
    errorClass,
  ) as Error & { code?: string };
  // Own properties, as SimpleClickError's constructor makes them (`this.name = new.target.name`).
  if (errorClass !== Error || serialized.name !== 'Error') {
    Object.defineProperty(error, 'name', {
      value: serialized.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (serialized.code !== undefined) error.code = serialized.code;
  if (serialized.stack !== undefined) {
    const here = (error.stack ?? '').split('\n').slice(1).join('\n');
    error.stack = `${serialized.stack}\n    --- received from the SimpleClick worker ---\n${here}`;
  }
  return error;
}
