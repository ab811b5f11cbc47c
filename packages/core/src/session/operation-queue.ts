import { nowMs } from '../clock';

/** One operation waiting in or running from an {@link OperationQueue}. */
export interface QueuedOperation<TKind extends string> {
  /** What the operation does (used to find a click an undo may cancel). */
  readonly kind: TKind;
  /** When it was enqueued, from {@link nowMs}. */
  readonly enqueuedAtMs: number;
  /** Set by {@link OperationQueue.cancel}: the operation will not run, and settles with the cancel result. */
  readonly cancelled: boolean;
}

interface OperationRecord<TKind extends string, TResult> extends QueuedOperation<TKind> {
  cancelled: boolean;
  readonly run: (startedAtMs: number, enqueuedAtMs: number) => Promise<TResult>;
  readonly resultIfCancelled: () => TResult;
  readonly resolve: (result: TResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A first-in first-out queue of async operations that runs one at a time, so every operation sees the
 * result of all those enqueued before it and the promises settle in the order the operations were enqueued.
 * Cancelled operations do not run but still settle in their turn.
 */
export class OperationQueue<TKind extends string, TResult> {
  private readonly waiting: OperationRecord<TKind, TResult>[] = [];
  private running: OperationRecord<TKind, TResult> | undefined;
  private idleWaiters: (() => void)[] = [];

  /** Operations enqueued and not yet settled (waiting, plus the running one). */
  get size(): number {
    return this.waiting.length + (this.running !== undefined ? 1 : 0);
  }

  /**
   * Enqueues `run`. The promise settles with what `run` resolves or rejects with, or with
   * `resultIfCancelled()` (called in the operation's turn) when it was cancelled before it started.
   */
  enqueue(
    kind: TKind,
    run: (startedAtMs: number, enqueuedAtMs: number) => Promise<TResult>,
    resultIfCancelled: () => TResult,
  ): Promise<TResult> {
    return this.push(kind, run, resultIfCancelled, false);
  }

  private push(
    kind: TKind,
    run: (startedAtMs: number, enqueuedAtMs: number) => Promise<TResult>,
    resultIfCancelled: () => TResult,
    cancelled: boolean,
  ): Promise<TResult> {
    let resolve!: (result: TResult) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<TResult>((resolvePromise, rejectPromise) => {
      resolve = resolvePromise;
      reject = rejectPromise;
    });
    const record: OperationRecord<TKind, TResult> = {
      kind,
      enqueuedAtMs: nowMs(),
      cancelled,
      run,
      resultIfCancelled,
      resolve,
      reject,
    };
    this.waiting.push(record);
    if (this.running === undefined) void this.drain();
    return result;
  }

  /**
   * Enqueues an operation that is cancelled from the start: it never runs, and settles in its turn with
   * `resultIfCancelled()`.
   */
  enqueueCancelled(kind: TKind, resultIfCancelled: () => TResult): Promise<TResult> {
    const neverRuns = (): Promise<TResult> => Promise.reject(new Error('a cancelled operation ran'));
    return this.push(kind, neverRuns, resultIfCancelled, true);
  }

  /** The most recently enqueued operation that has not started and is not cancelled. */
  lastWaiting(): QueuedOperation<TKind> | undefined {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (!this.waiting[i].cancelled) return this.waiting[i];
    }
    return undefined;
  }

  /** Marks a waiting operation cancelled. Returns false if it already started or settled. */
  cancel(operation: QueuedOperation<TKind>): boolean {
    const record = this.waiting.find((candidate) => candidate === operation);
    if (record === undefined) return false;
    record.cancelled = true;
    return true;
  }

  /** Rejects every operation that has not started, in order, with `makeError()`; the running one goes on. */
  rejectWaiting(makeError: () => unknown): void {
    const rejected = this.waiting.splice(0, this.waiting.length);
    for (const record of rejected) record.reject(makeError());
    if (this.running === undefined) this.notifyIdle();
  }

  /** Resolves when nothing runs and nothing waits. */
  whenIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const record = this.waiting.shift()!;
      this.running = record;
      if (record.cancelled) {
        // Settle in turn, so a cancelled operation is never answered before the ones enqueued earlier.
        try {
          record.resolve(record.resultIfCancelled());
        } catch (error) {
          record.reject(error);
        }
      } else {
        try {
          record.resolve(await record.run(nowMs(), record.enqueuedAtMs));
        } catch (error) {
          record.reject(error);
        }
      }
      this.running = undefined;
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolveIdle of waiters) resolveIdle();
  }
}
