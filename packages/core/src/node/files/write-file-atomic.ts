import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that `path` holds either its old content or the whole new content, never a
 * cut-off file (disk full, a crash, a killed process half way): the bytes go to a temporary file in the same
 * folder (same file system, so the rename is atomic), which is flushed to disk (fsync) and then renamed over
 * `path`; the folder is fsynced too so the rename itself survives a power loss. On failure the temporary file
 * is removed and `path` is untouched.
 *
 * An existing `path` keeps its permission bits. When `path` is a symbolic link, the file it points to is
 * replaced (as a plain write would), not the link. Other hard links to the old file keep the old content: the
 * new content is a new file. A `path` that exists and is not a regular file (a device such as /dev/stdout or
 * /dev/null, a named pipe) is written directly: it is a stream, not content to replace.
 *
 * @throws the file system's error (`ENOSPC`, `EACCES`, `ENOENT` for a missing folder...), after cleaning up.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    // A device, pipe or socket (`--out /dev/stdout`, `/dev/null`, a FIFO) is written to, never replaced: renaming a
    // file over /dev/null would be a disaster, and a stream has no old content to protect. A folder fails here.
    await writeFile(target, data);
    return;
  }
  const folder = dirname(target);
  const mode = existing === undefined ? undefined : existing.mode & 0o7777;
  // Hidden, unique, recognisable: a leftover from a killed process is easy to spot and never taken for output.
  const temporary = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666);
  let renamed = false;
  try {
    try {
      await handle.writeFile(data);
      if (mode !== undefined) await handle.chmod(mode); // the umask applied at creation would change them
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temporary).catch(() => undefined);
  }
  await syncFolder(folder);
}

/** fsync of a folder makes a rename in it durable. Not supported everywhere (Windows): then skipped. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Durability of the rename is best effort; the content itself was synced above.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
