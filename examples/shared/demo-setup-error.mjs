// @ts-check

/** Thrown by an example server when the SDK bundle, onnxruntime-web or another file it serves is missing; the
 * message says what to run. */
export class DemoSetupError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DemoSetupError';
  }
}
