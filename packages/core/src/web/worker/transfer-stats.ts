import type { Transferable } from './worker-like';

/**
 * What one side of the worker channel has posted: the check that image-sized arrays are moved, not copied.
 * `copiedBytes` counts the typed-array and ArrayBuffer bytes of messages that were not in their transfer list
 * (structured cloning copies those); `notDetached` counts transferred buffers still readable after the post
 * (a moved buffer is detached: its `byteLength` becomes 0).
 */
export interface ChannelTransferStats {
  /** Messages posted. */
  readonly messages: number;
  /** Bytes moved (transferred) in all. */
  readonly transferredBytes: number;
  /** Bytes copied in all. */
  readonly copiedBytes: number;
  /** The most bytes one message copied. */
  readonly largestCopiedBytes: number;
  /** Transferred buffers that were not detached after the post (0 when every move happened). */
  readonly notDetached: number;
}

/** Both directions of a worker channel. */
export interface WorkerTransferStats {
  /** Page -> worker. */
  readonly toWorker: ChannelTransferStats;
  /** Worker -> page. */
  readonly fromWorker: ChannelTransferStats;
}

/** How deep the walk looks for arrays inside a message (messages are shallow; states nest three levels). */
const MAX_WALK_DEPTH = 6;

/** Counts what a channel moves and copies. */
export class TransferCounter {
  #messages = 0;
  #transferredBytes = 0;
  #copiedBytes = 0;
  #largestCopiedBytes = 0;
  #notDetached = 0;

  /** Posts `message` through `post` and records what it moved and copied. */
  post(message: unknown, transfer: Transferable[], post: (message: unknown, transfer: Transferable[]) => void): void {
    const moving = new Set<Transferable>(transfer);
    let transferred = 0;
    // An ImageBitmap counts as its RGBA bytes; once moved its size reads 0 here, as a detached buffer's length.
    const sizeOf = (item: Transferable) =>
      item instanceof ArrayBuffer ? item.byteLength : item.width * item.height * 4;
    for (const item of moving) transferred += sizeOf(item);
    const copied = copiedBytesOf(message, moving, 0);
    post(message, [...moving]);
    this.#messages += 1;
    this.#transferredBytes += transferred;
    this.#copiedBytes += copied;
    this.#largestCopiedBytes = Math.max(this.#largestCopiedBytes, copied);
    for (const item of moving) if (sizeOf(item) !== 0) this.#notDetached += 1;
  }

  /** The counts so far. */
  stats(): ChannelTransferStats {
    return {
      messages: this.#messages,
      transferredBytes: this.#transferredBytes,
      copiedBytes: this.#copiedBytes,
      largestCopiedBytes: this.#largestCopiedBytes,
      notDetached: this.#notDetached,
    };
  }
}

function copiedBytesOf(value: unknown, moving: ReadonlySet<Transferable>, depth: number): number {
  if (typeof value !== 'object' || value === null || depth > MAX_WALK_DEPTH) return 0;
  if (value instanceof ArrayBuffer) return moving.has(value) ? 0 : value.byteLength;
  if (ArrayBuffer.isView(value)) return moving.has(value.buffer as ArrayBuffer) ? 0 : value.byteLength;
  let bytes = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value))
    bytes += copiedBytesOf(item, moving, depth + 1);
  return bytes;
}
