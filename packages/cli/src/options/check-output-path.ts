import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../cli-errors';

/**
 * Refuses an output path that is one of the input files (same path, or the same file through a symbolic or hard
 * link: same device and inode), so `--out` cannot silently replace the user's image with a mask. `--force`
 * allows it. Paths are resolved against `cwd`.
 * @throws UsageError naming both arguments.
 */
export async function checkOutputIsNotInput(
  outPath: string | undefined,
  inputs: readonly { readonly path: string; readonly what: string }[],
  cwd: string,
  force: boolean,
): Promise<void> {
  if (outPath === undefined || force) return;
  const out = resolve(cwd, outPath);
  const outStats = await stat(out).catch(() => undefined); // a file that does not exist yet is no input
  for (const input of inputs) {
    const inputPath = resolve(cwd, input.path);
    const same =
      inputPath === out ||
      (outStats !== undefined &&
        (await stat(inputPath).then(
          (stats) => stats.dev === outStats.dev && stats.ino === outStats.ino,
          () => false,
        )));
    if (same) {
      throw new UsageError(
        `--out ${outPath} is the ${input.what} ${input.path}: writing would replace it; choose another file or add --force`,
      );
    }
  }
}
