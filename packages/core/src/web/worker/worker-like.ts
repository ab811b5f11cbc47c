/**
 * The parts of the Web Worker API the SDK's worker uses, typed structurally: the core compiles without the DOM
 * library (so that it stays runtime-agnostic), and these few members are all it needs of `Worker`,
 * `DedicatedWorkerGlobalScope` and `MessageEvent`.
 */

/** A message as a `message` event delivers it. */
export interface MessageEventLike {
  readonly data: unknown;
}

/** An `error` event of a Worker (the script failed to load, or threw outside any handler). */
export interface WorkerErrorEventLike {
  readonly message?: string;
  readonly filename?: string;
  readonly lineno?: number;
}

/** What both ends of a worker channel can do: post (with a transfer list) and listen. */
export interface MessageEndpointLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEventLike) => void): void;
}

/** The page's side: a `Worker`. */
export interface WorkerLike extends MessageEndpointLike {
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'error', listener: (event: WorkerErrorEventLike) => void): void;
  terminate(): void;
}

/** The `Worker` constructor (module workers only: the SDK's worker script is an ES module). */
export type WorkerConstructorLike = new (url: string | URL, options: { type: 'module'; name?: string }) => WorkerLike;

/**
 * A decoded image as the browser's `ImageBitmap` (typed structurally, for the same reason): what
 * `createImageBitmap` gives. Moving one to the worker moves the decoded pixels without reading them on the page.
 */
export interface ImageBitmapLike {
  readonly width: number;
  readonly height: number;
  close(): void;
}

/**
 * What can be moved (not copied) to another thread: ArrayBuffers, and an ImageBitmap that a session starts from.
 * The alias keeps the signatures readable without the DOM library's `Transferable`.
 */
export type Transferable = ArrayBuffer | ImageBitmapLike;
