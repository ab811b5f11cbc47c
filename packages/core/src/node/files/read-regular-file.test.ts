import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError, ModelLoadError } from '../../errors';
import { decodeImageFile } from '../decode-image';
import { createNodeModel } from '../onnx-node';
import { readRegularFile, RegularFileReadError } from './read-regular-file';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'simpleclick-read-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A named pipe nobody writes to: opening it for reading the usual way blocks forever. */
let pipes = 0;
function namedPipe(): string {
  const path = join(folder, `pipe-${pipes++}.png`);
  execFileSync('mkfifo', [path]);
  return path;
}

const onPosix = process.platform !== 'win32';

describe.runIf(onPosix)('readRegularFile', () => {
  it('reads a regular file whole', async () => {
    const path = join(folder, 'a.bin');
    writeFileSync(path, new Uint8Array([5, 6, 7]));
    expect([...(await readRegularFile(path, 3))]).toEqual([5, 6, 7]);
  });

  it('refuses a named pipe, /dev/zero and a folder at once', async () => {
    for (const [path, kind] of [
      [namedPipe(), 'a named pipe'],
      ['/dev/zero', 'a character device'],
      [folder, 'a folder'],
    ]) {
      const error = await readRegularFile(path, 1e9).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RegularFileReadError);
      expect(error).toMatchObject({ problem: 'not-regular', message: `not a regular file (${kind})` });
    }
  });

  it('refuses a file over the byte limit without reading it', async () => {
    const path = join(folder, 'big.bin');
    writeFileSync(path, new Uint8Array(11));
    await expect(readRegularFile(path, 10)).rejects.toMatchObject({ problem: 'too-large', sizeBytes: 11 });
  });

  it('reports a missing file as unreadable', async () => {
    await expect(readRegularFile(join(folder, 'none'), 10)).rejects.toMatchObject({ problem: 'unreadable' });
  });
});

describe.runIf(onPosix)('decodeImageFile and createNodeModel open only regular files', () => {
  it('refuses a named pipe or /dev/zero as the image with InvalidImageError instead of hanging', async () => {
    const pipe = namedPipe();
    await expect(decodeImageFile(pipe)).rejects.toThrow(InvalidImageError);
    await expect(decodeImageFile(pipe)).rejects.toThrow(
      /cannot read image file .*pipe-\d+\.png: not a regular file \(a named pipe\)/,
    );
    await expect(decodeImageFile('/dev/zero')).rejects.toThrow(/not a regular file \(a character device\)/);
  });

  it('refuses an image file over maxFileBytes with ImageTooLargeError', async () => {
    const path = join(folder, 'big.png');
    writeFileSync(path, new Uint8Array(2048));
    await expect(decodeImageFile(path, { maxFileBytes: 1024 })).rejects.toThrow(ImageTooLargeError);
  });

  it('refuses a named pipe or /dev/zero as the model with ModelLoadError', async () => {
    await expect(createNodeModel(namedPipe())).rejects.toThrow(ModelLoadError);
    await expect(createNodeModel('/dev/zero')).rejects.toThrow(/not a regular file/);
  });
});
