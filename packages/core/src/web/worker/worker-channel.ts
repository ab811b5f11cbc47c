import { ModelLoadError, SessionClosedError } from '../../errors';
import { deserializeError } from './serialized-error';
import { TransferCounter, type ChannelTransferStats } from './transfer-stats';
import type { Transferable, WorkerLike } from './worker-like';
import type { WorkerEventMessage, WorkerMessage, WorkerRequest } from './worker-protocol';

/** A request without its id (the channel numbers them). */
export type WorkerRequestBody = WorkerRequest extends infer R
  ? R extends WorkerRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface PendingRequest {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The page's end of the SDK's worker: numbers requests, matches replies to them, rebuilds errors as their
 * typed classes, hands session events to `onEvent`, counts what it moves and copies, and ends everything
 * when the worker stops (terminated, or failed to load).
 */
export class WorkerChannel {
  readonly #worker: WorkerLike;
  readonly #onEvent: (message: WorkerEventMessage) => void;
  readonly #pending = new Map<number, PendingRequest>();
  readonly #counter = new TransferCounter();
  #nextId = 1;
  #stopped: Error | undefined;
  #started = false;

  constructor(worker: WorkerLike, onEvent: (message: WorkerEventMessage) => void) {
    this.#worker = worker;
    this.#onEvent = onEvent;
    worker.addEventListener('message', (event) => this.#receive(event.data as WorkerMessage));
    worker.addEventListener('messageerror', () =>
      this.stop(new SessionClosedError('a message from the SimpleClick worker could not be read')),
    );
    worker.addEventListener('error', (event) => {
      const where = event.filename ? ` (${event.filename}${event.lineno ? `:${event.lineno}` : ''})` : '';
      const text = `${event.message ?? 'no message'}${where}`;
      // Before the first reply this is almost always the script itself (not found, not served as JavaScript).
      this.stop(
        this.#started
          ? new SessionClosedError(`the SimpleClick worker stopped: ${text}`)
          : new ModelLoadError(`the SimpleClick worker script could not start: ${text}`),
      );
    });
  }

  /** Whether the worker was terminated or failed. */
  get isStopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Sends a request; resolves with the worker's value or rejects with its error, rebuilt as its class. */
  request<T>(body: WorkerRequestBody, transfer: Transferable[] = []): Promise<T> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#counter.post({ ...body, id }, transfer, (message, list) => this.#worker.postMessage(message, list));
      } catch (error) {
        // A value that cannot be cloned (a function in the options): nothing was sent.
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  /** Terminates the worker; requests still waiting reject with `reason`. Idempotent. */
  stop(reason: Error): void {
    if (this.#stopped !== undefined) return;
    this.#stopped = reason;
    this.#worker.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) request.reject(reason);
  }

  /** What this side has posted. */
  stats(): ChannelTransferStats {
    return this.#counter.stats();
  }

  #receive(message: WorkerMessage): void {
    if (this.#stopped !== undefined) return;
    if (message.type === 'event') {
      this.#onEvent(message);
      return;
    }
    if (message.type !== 'reply') return;
    this.#started = true;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(deserializeError(message.error));
  }
}
