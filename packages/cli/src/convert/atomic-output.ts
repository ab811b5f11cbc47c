import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConvertError } from './convert-error';

/**
 * A file written in pieces and committed atomically: a hidden temporary file in the destination's folder, written
 * in order, fsynced, and renamed over the destination only by {@link commit}; {@link abort} removes it. The same
 * procedure as core's `writeFileAtomic`, which takes the whole content as one buffer: a converted ViT-L is 1.3 GB
 * and ViT-H's external data 2.6 GB, so the converter streams tensor by tensor instead of building one buffer.
 * Writes are gathered into 8 MiB blocks.
 */
export class AtomicOutput {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  bytesWritten = 0;

  private constructor(
    readonly target: string,
    private readonly temporary: string,
    private readonly handle: FileHandle,
    private readonly mode: number | undefined,
  ) {}

  static async create(path: string): Promise<AtomicOutput> {
    const target = await realpath(path).catch(() => path);
    const existing = await stat(target).catch(() => undefined);
    if (existing !== undefined && !existing.isFile())
      throw new ConvertError(`cannot write ${path}: it exists and is not a regular file`);
    await mkdir(dirname(target), { recursive: true }); // as the exporter does
    const temporary = join(
      dirname(target),
      `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await open(temporary, 'wx', 0o644);
    return new AtomicOutput(target, temporary, handle, existing === undefined ? undefined : existing.mode & 0o7777);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.bytesWritten += chunk.length;
    if (this.pendingBytes >= 8 * 1024 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const chunk of chunks.length > 1 && chunks.every((c) => c.length < 1 << 20)
      ? [Buffer.concat(chunks)]
      : chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    }
  }

  /** Flushes, fsyncs and renames over the destination. */
  async commit(): Promise<void> {
    await this.flush();
    if (this.mode !== undefined) await this.handle.chmod(this.mode);
    await this.handle.sync();
    await this.handle.close();
    await rename(this.temporary, this.target);
  }

  /** Removes the temporary file (the destination is untouched). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temporary).catch(() => undefined);
  }
}
