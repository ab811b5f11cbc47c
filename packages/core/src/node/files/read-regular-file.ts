import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why `readRegularFile` refused or failed. */
export type RegularFileProblem = 'unreadable' | 'not-regular' | 'too-large';

/** What `readRegularFile` throws; callers turn it into their own typed error (image, model...). */
export class RegularFileReadError extends Error {
  /** What went wrong. */
  readonly problem: RegularFileProblem;
  /** The file's size in bytes, when it is known (`too-large`). */
  readonly sizeBytes: number | undefined;

  constructor(problem: RegularFileProblem, message: string, options?: { cause?: unknown; sizeBytes?: number }) {
    super(message, options);
    this.name = 'RegularFileReadError';
    this.problem = problem;
    this.sizeBytes = options?.sizeBytes;
  }
}

// O_NONBLOCK: opening a named pipe for reading blocks until a writer appears (forever, in a libuv pool thread);
// non-blocking, the open returns at once and fstat below refuses it. Harmless for regular files. Absent on
// Windows, where pipes cannot be opened by path this way anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a whole file that must be a regular file of at most `maxBytes` bytes. The file is opened first and then
 * checked with fstat on the open handle (no race between a check and the open), so a named pipe, a device such as
 * /dev/zero, a socket or a folder is refused at once instead of hanging or filling memory, and at most
 * `min(size, maxBytes)` bytes are ever allocated and read (a file that grows while it is read is read up to its
 * size at open).
 *
 * @throws {@link RegularFileReadError} with `problem` `'unreadable'` (missing, no permission, I/O error),
 *   `'not-regular'` or `'too-large'`.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (cause) {
    throw new RegularFileReadError('unreadable', (cause as Error).message, { cause });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new RegularFileReadError('not-regular', `not a regular file (${describeFileType(stats)})`);
    }
    if (stats.size > maxBytes) {
      throw new RegularFileReadError('too-large', `file is ${stats.size} bytes, limit is ${maxBytes}`, {
        sizeBytes: stats.size,
      });
    }
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break; // shrank while being read: what is there
      filled += bytesRead;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (cause) {
    if (cause instanceof RegularFileReadError) throw cause;
    throw new RegularFileReadError('unreadable', (cause as Error).message, { cause });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function describeFileType(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a plain file';
}
