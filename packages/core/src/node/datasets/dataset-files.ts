/** Folder listing rules shared by the dataset loaders (the official loaders' `sorted(glob('*.*'))` and stems). */
import { readdir, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { DatasetError } from '../../errors';

/** File name extensions treated as images (compared case-insensitively). */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'];

/**
 * Image files of a folder, sorted by name in code-point order (Python's `sorted` on paths). Like the official
 * `glob('*.*')` only names with a dot count; unlike it, hidden files and files without an image extension
 * (Thumbs.db, .DS_Store, notes) are skipped instead of crashing the run.
 * @param extensions - allowed extensions, lower case with the dot.
 * @throws DatasetError when the folder does not exist or is not a directory.
 */
export async function listImageFiles(
  folder: string,
  extensions: readonly string[] = IMAGE_FILE_EXTENSIONS,
): Promise<string[]> {
  await requireDirectory(folder);
  const names = await readdir(folder);
  return names
    .filter((name) => !name.startsWith('.') && extensions.includes(extensionOf(name)))
    .sort(compareCodePoints);
}

/** Throws {@link DatasetError} unless `folder` is an existing directory. */
export async function requireDirectory(folder: string, hint = ''): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(folder)).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new DatasetError(`expected a folder at ${folder}${hint ? ` (${hint})` : ''}`);
}

/** Lower-case extension including the dot (`.jpg`), or '' when the name has no dot. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

/** Name without its last extension (Python's `Path.stem`). */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/** Name cut at its first dot (the official loaders' `image_name.split('.')[0]`, used to find the mask). */
export function nameBeforeFirstDot(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/**
 * Map from stem to file name for the mask files of a folder (the official `{x.stem: x for x in glob('*.*')}`).
 * When two files share a stem the one sorted last wins, deterministically.
 */
export async function masksByStem(folder: string, extensions?: readonly string[]): Promise<Map<string, string>> {
  const byStem = new Map<string, string>();
  for (const name of await listImageFiles(folder, extensions)) byStem.set(stemOf(name), name);
  return byStem;
}

/** Sort order of Python's `sorted` for strings: by code point (not locale). */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/**
 * A file's path for reports: relative to `base` (default: the parent of the dataset folder, so the dataset's
 * folder name leads), with forward slashes.
 */
export function sourcePath(file: string, datasetRoot: string, base: string = dirname(datasetRoot)): string {
  return relative(base, file).split(sep).join('/');
}
