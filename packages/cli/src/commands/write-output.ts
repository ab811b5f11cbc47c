import { resolve } from 'node:path';
import { writeFileAtomic } from '@simpleclick/core/internal';
import { CommandError } from '../cli-errors';
import type { CliIo } from '../cli-io';

/**
 * Writes a result to `--out FILE` (relative to the working directory) or, without `--out`, to stdout. The file is
 * written atomically (temporary file in the same folder, fsync, rename; the SDK's `writeFileAtomic`): a failed
 * write (disk full, interrupted) leaves the previous file whole instead of a cut-off one.
 * @throws CommandError when the file cannot be written.
 */
export async function writeResult(
  content: Uint8Array | string,
  outPath: string | undefined,
  io: CliIo,
): Promise<string> {
  if (outPath === undefined) {
    io.stdout.write(content);
    return 'stdout';
  }
  const path = resolve(io.cwd, outPath);
  try {
    await writeFileAtomic(path, content);
  } catch (cause) {
    throw new CommandError(`cannot write ${outPath}: ${(cause as NodeJS.ErrnoException).message}`, { cause });
  }
  return outPath;
}
